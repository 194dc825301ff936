import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lambda/core/errors';
import type { CliIo } from '../../lambda/shared/cli-io';
import { main } from '../../lambda/cli/main';
import { parseSimulateArgs } from '../../lambda/cli/simulate-command';
import { readPolicyFile, throttlingRemovedPercent } from '../../lambda/cli/simulate-policy';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'simulate-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: root };
  const code = await main(['simulate', ...argv], io);
  return { code, stdout, stderr };
}

interface ActingJson {
  dryRun: boolean;
  modifications: { tSeconds: number; from: string; to: string; iops: number | null; throughputMiBps: number | null; reason: string }[];
  notifications: { tSeconds: number; kind: string; subject: string }[];
  throttledSeconds: number;
  unaidedThrottledSeconds: number;
  costUSD: number;
  unaidedCostUSD: number;
  ledgerViolations: unknown[];
  metricsRequested: number;
  reportHtml?: string;
}

describe('simulate --policy', () => {
  it('removes at least 99 % of the CI host throttling with the default policy and --act (issue 3 done-when)', async () => {
    const { code, stdout, stderr } = await run(['--scenario', 'ci-host', '--size-gib', '100', '--policy', 'policy.yaml', '--act', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ActingJson;
    expect(report.dryRun).toBe(false);
    expect(report.unaidedThrottledSeconds).toBeGreaterThan(0);
    expect(throttlingRemovedPercent(report)).toBeGreaterThanOrEqual(99);
    expect(report.ledgerViolations).toEqual([]);
    expect(report.metricsRequested).toBeGreaterThan(0);
    expect(report.modifications[0]).toMatchObject({ from: 'gp2', to: 'gp3' });
    expect(report.notifications.every((n) => n.subject.length < 100)).toBe(true);
    expect(report.costUSD).toBeGreaterThan(0);
    expect(report.unaidedCostUSD).toBeGreaterThan(0);
  });

  it('prints the flips and notifications and writes the HTML report', async () => {
    const html = join(dir, 'nested', 'report.html');
    const { code, stdout } = await run(['--scenario', 'ci-host', '--size-gib', '100', '--duration-hours', '6', '--policy', 'test/fixtures/policies/rescue-live.yaml', '--report-html', html]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/gp2 -> gp3 \d+ IOPS/);
    expect(stdout).toMatch(/% removed/);
    expect(stdout).toContain(`HTML report: ${html}`);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('rejects --act without --policy with a UsageError', () => {
    expect(() => parseSimulateArgs(['--scenario', 'ci-host', '--size-gib', '100', '--act'], root)).toThrow(UsageError);
  });

  it('rejects an invalid policy file with exit 2 and the field path', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\ndryRun: maybe\n');
    const { code, stderr } = await run(['--scenario', 'ci-host', '--size-gib', '100', '--policy', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('dryRun');
    await expect(readPolicyFile(bad, root)).rejects.toThrow(UsageError);
  });

  it('rejects a missing policy file with exit 2', async () => {
    const { code, stderr } = await run(['--scenario', 'ci-host', '--size-gib', '100', '--policy', join(dir, 'absent.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read');
    await expect(readPolicyFile(join(dir, 'absent.yaml'), root)).rejects.toThrow(UsageError);
  });
});
