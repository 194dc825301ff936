import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lambda/core/errors';
import type { CliIo } from '../../lambda/shared/cli-io';
import { main } from '../../lambda/cli/main';
import { parseSimulateArgs } from '../../lambda/cli/simulate-command';
import { guaranteedLeadSeconds, quietEveryScans } from '../../lambda/core/scan/cadence';
import { PolicySchema } from '../../lambda/core/policy/schema';

const dir = mkdtempSync(join(tmpdir(), 'simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: dir };
  const code = await main(['simulate', ...argv], io);
  return { code, stdout, stderr };
}

interface JsonReport {
  volume: { type: string; sizeGiB: number; baselineIops: number; burstIops: number; bucketCredits: number };
  exhaustions: { tSeconds: number; leadSeconds: number | null }[];
  alerts: { tSeconds: number; secondsToEmpty: number; basis: string }[];
  throttledSeconds: number;
  readPlan: string;
  intervalsResting: number;
  metricsRequested: number;
}

async function runJson(argv: string[]): Promise<JsonReport> {
  const { code, stdout, stderr } = await run([...argv, '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as JsonReport;
}

describe('simulate', () => {
  it.each([
    [1, 1862],
    [100, 2000],
    [334, 2703],
    [750, 7200],
  ])('reproduces the AWS burst duration of a %i GiB gp2 at 3,000 IOPS (%i s) within 60 s', async (sizeGiB, seconds) => {
    const report = await runJson(['--scenario', 'constant:3000', '--size-gib', String(sizeGiB), '--duration-hours', '3']);
    expect(report.exhaustions).toHaveLength(1);
    expect(Math.abs((report.exhaustions[0]?.tSeconds ?? 0) - seconds)).toBeLessThanOrEqual(60);
  });

  it('prints one JSON object with the volume, exhaustions and alerts', async () => {
    const report = await runJson(['--scenario', 'ci-host', '--size-gib', '100', '--duration-hours', '6']);
    expect(report.volume).toEqual(expect.objectContaining({ type: 'gp2', sizeGiB: 100, baselineIops: 300, burstIops: 3000, bucketCredits: 5_400_000 }));
    expect(report.exhaustions.length).toBeGreaterThanOrEqual(1);
    expect(report.alerts.length).toBeGreaterThan(0);
    for (const alert of report.alerts) {
      expect(Object.keys(alert)).toEqual(expect.arrayContaining(['tSeconds', 'secondsToEmpty', 'basis']));
      expect(alert.tSeconds % 300).toBe(0);
    }
    // The first exhaustion is announced at least the horizon (30 min) ahead.
    expect(report.exhaustions[0]?.leadSeconds).toBeGreaterThanOrEqual(1800);
  });

  it('reports the GetMetricData metrics the scan\'s cadence and read plan requested: BurstBalance alone, every few scans, while the bucket is full and flat', async () => {
    const idle = await runJson(['--scenario', 'constant:100', '--size-gib', '500', '--duration-hours', '6']);
    const busy = await runJson(['--scenario', 'constant:2000', '--size-gib', '100', '--duration-hours', '6']);
    const scans = (6 * 3600) / 300;
    expect(idle.readPlan).toBe('shipping');
    // One metric a read, and a quiet 500 GiB bucket is read one scan in quietEveryScans (the first scan reads it to classify it).
    expect(idle.metricsRequested + idle.intervalsResting).toBe(scans);
    expect(idle.metricsRequested).toBeLessThanOrEqual(Math.ceil(scans / quietEveryScans({ type: 'gp2', sizeGiB: 500 }, 300, guaranteedLeadSeconds(PolicySchema.parse({ version: 1 }), 300))) + 1);
    expect(busy.intervalsResting).toBe(0);
    // Draining or empty: BurstBalance, both ops series, and near empty VolumeIOPSExceededCheck.
    expect(busy.metricsRequested).toBeGreaterThan(3 * scans);
    expect(busy.metricsRequested).toBeLessThanOrEqual(4 * scans);
  });

  it('alerts at the interval it is given and not for a volume that never drains', async () => {
    const quiet = await runJson(['--scenario', 'constant:200', '--size-gib', '100', '--duration-hours', '12', '--interval-minutes', '10']);
    expect(quiet.alerts).toEqual([]);
    expect(quiet.exhaustions).toEqual([]);
  });

  it('replays a trace CSV and runs for the trace length by default', async () => {
    const file = join(dir, 'iops.csv');
    const rows = ['t_seconds,read_ops,write_ops', ...Array.from({ length: 240 }, (_, i) => `${i * 60},${2000 * 60},${1000 * 60}`)];
    writeFileSync(file, rows.join('\n'));
    const report = await runJson(['--trace', 'iops.csv', '--size-gib', '100']);
    expect(report.exhaustions.map((e) => Math.round(e.tSeconds))).toEqual([2000]);
  });

  it('replays a real trace with a logging gap: no data there, the volume idles and refills, no alert from the gap', async () => {
    const file = join(dir, 'gappy.csv');
    // 30 min at 3,000 IOPS (a 100 GiB bucket falls to 10 %), 2 h without rows, then 3,000 IOPS again.
    const busy = (fromMinute: number, minutes: number) => Array.from({ length: minutes }, (_, i) => `${(fromMinute + i) * 60},${2000 * 60},${1000 * 60}`);
    writeFileSync(file, ['t_seconds,read_ops,write_ops', ...busy(0, 30), ...busy(150, 60)].join('\n'));
    const report = await runJson(['--trace', 'gappy.csv', '--size-gib', '100']);
    // The gap refilled 2 h × 300 credits/s = 2.16 M credits (40 %): 2.7 M left empty in 1,000 s at 2,700/s.
    expect(report.exhaustions.map((e) => Math.round(e.tSeconds / 60))).toEqual([150 + Math.round(1000 / 60)]);
    expect(report.alerts.filter((a) => a.tSeconds > 30 * 60 + 900 && a.tSeconds <= 150 * 60)).toEqual([]);
  });

  it('prints a readable summary with a chart by default', async () => {
    const { code, stdout } = await run(['--scenario', 'ci-host', '--size-gib', '100', '--duration-hours', '6']);
    expect(code).toBe(0);
    expect(stdout).toContain('gp2 100 GiB, scenario ci-host');
    expect(stdout).toMatch(/100% \|/);
    expect(stdout).toContain('A = alert');
    expect(stdout).toMatch(/bucket emptied 1×/);
  });

  it.each([
    [[], /exactly one of --trace/],
    [['--scenario', 'ci-host'], /--size-gib N is required/],
    [['--scenario', 'ci-host', '--trace', 'x.csv', '--size-gib', '10'], /exactly one of/],
    [['--scenario', 'nope', '--size-gib', '10'], /unknown scenario 'nope'/],
    [['--scenario', 'ci-host', '--size-gib', 'ten'], /--size-gib must be a number, got 'ten'/],
    [['--scenario', 'ci-host', '--size-gib', '0'], /--size-gib must be between 1 and 16384/],
    [['--scenario', 'ci-host', '--size-gib', '10.5'], /whole number/],
    [['--scenario', 'ci-host', '--size-gib', '100', '--type', 'gp3'], /--type must be gp2, st1 or sc1/],
    [['--scenario', 'ci-host', '--size-gib', '100', '--type', 'st1'], /--size-gib must be between 125/],
    [['--scenario', 'ci-host', '--size-gib', '100', '--horizon-minutes=-1'], /--horizon-minutes must be between/],
    [['--scenario', 'ci-host', '--size-gib', '100', '--interval-minutes', '0'], /--interval-minutes must be between/],
    [['--scenario', 'ci-host', '--size-gib', '100', '--seed', 'x'], /--seed must be a number/],
    [['--scenario', 'ci-host', '--size-gib', '100', '--bogus'], /Unknown option '--bogus'/],
    [['--scenario', 'ci-host', '--size-gib', '100', 'extra'], /positional/],
    [['--trace', 'missing.csv', '--size-gib', '100'], /missing\.csv: cannot read trace \(ENOENT\)/],
  ])('rejects %j with a one-line error and exit code 2', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('rejects a malformed trace naming the file and line', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 't_seconds,read_ops,write_ops\n0,1,1\n60,oops,1\n');
    const { code, stderr } = await run(['--trace', file, '--size-gib', '100']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:3: read_ops must be a non-negative number, got 'oops'`);
  });

  it('throws UsageError from the argument parser', () => {
    expect(() => parseSimulateArgs(['--size-gib', '5'], dir)).toThrow(UsageError);
  });

  it('prints its usage for --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: burst-guardian simulate');
  });
});
