import { describe, expect, it } from 'vitest';
import { buildDemoStory, runDemo } from '../../lambda/cli/demo-command';

describe('demo (npm start)', () => {
  it('tells the CI-host story: a draining balance, an alert before the wall, then IOPS at the baseline', async () => {
    let stdout = '';
    const code = await runDemo([], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: {}, cwd: '.' });
    expect(code).toBe(0);
    expect(stdout).toContain('docker run --rm fedora date');
    expect(stdout).toMatch(/draining, empty in ~\d+ min/);
    expect(stdout).toContain('<-- ALERT');
    expect(stdout).toMatch(/the bucket is empty: IOPS fall to the 300 IOPS baseline \(alerted \d+ min before\)/);
    expect(stdout).toMatch(/100% \|/);
  });

  it('alerts at least 30 minutes before the bucket empties', async () => {
    const story = await buildDemoStory();
    const exhaustion = story.report.exhaustions[0];
    expect(exhaustion).toBeDefined();
    expect(exhaustion?.leadSeconds ?? 0).toBeGreaterThanOrEqual(1800);
  });
});
