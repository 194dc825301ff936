import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_REPORT_PATH, buildDemoStory, runDemo } from '../../lambda/cli/demo-command';
import { thenQuiet } from '../../lambda/cli/demo-guardian';
import { createRng, scenarioWorkload } from '../../lambda/sim/index';

const dir = mkdtempSync(join(tmpdir(), 'demo-guardian-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start with the guardian', () => {
  it('flips the CI host to gp3 before the unaided wall and removes its throttling', async () => {
    const { guardian } = await buildDemoStory();
    const wall = guardian.unaided.exhaustionsSeconds[0];
    const flip = guardian.report.modifications[0];
    expect(wall).toBeDefined();
    expect(flip).toMatchObject({ from: 'gp2', to: 'gp3' });
    expect(flip?.tSeconds ?? Infinity).toBeLessThan(wall ?? 0);
    expect(guardian.report.throttledSeconds).toBeLessThanOrEqual(0.01 * guardian.report.unaidedThrottledSeconds);
    expect(guardian.report.notifications[0]?.kind).toBe('forecast-alert');
    expect(guardian.report.ledgerViolations).toEqual([]);
  });

  it('tells the flip, the container starts and the saving, and leaves the HTML report', async () => {
    let stdout = '';
    const code = await runDemo([], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: {}, cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/ModifyVolume gp2 -> gp3 \d+ IOPS/);
    expect(stdout).toMatch(/min before the unaided volume hit the wall/);
    expect(stdout).toMatch(/with the guardian: +\d+ of \d+ IOPS asked were served/);
    expect(stdout).toMatch(/\$\d+\.\d\d\/month/);
    expect(stdout).toContain(join(dir, DEMO_REPORT_PATH));
    expect(existsSync(join(dir, DEMO_REPORT_PATH))).toBe(true);
    expect(readFileSync(join(dir, DEMO_REPORT_PATH), 'utf8')).toMatch(/^<!doctype html>/i);
  });
});

describe('thenQuiet', () => {
  it('cuts the workload at the shift end and then demands the quiet rate for ever', () => {
    const workload = thenQuiet(scenarioWorkload('constant:500'), 3600, 30)({ startEpochSeconds: 0, rng: createRng(1) });
    let total = 0;
    let segment = workload.nextSegment();
    while (Number.isFinite(segment.durationSeconds)) {
      expect(segment.readOpsPerSecond + segment.writeOpsPerSecond).toBeCloseTo(500, 9);
      total += segment.durationSeconds;
      segment = workload.nextSegment();
    }
    expect(total).toBeCloseTo(3600, 9);
    expect(segment.readOpsPerSecond + segment.writeOpsPerSecond).toBe(30);
  });
});
