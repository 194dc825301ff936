import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../lambda/shared/cli-io';
import { main } from '../../lambda/cli/main';

const root = join(import.meta.dirname, '..', '..');

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: root };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

interface ScheduleJson {
  volumeIds: string[];
  modifications: { volumeId: string; tSeconds: number; from: string; to: string; iops: number | null; reason: string; state: string }[];
  ledgerViolations: unknown[];
  scanErrors: number;
}

const H = 3_600;

describe('planned critical windows in simulate and policy validate', () => {
  it('flips three etcd volumes to io1 for each nightly window and back, within the ledger (docs/policies/etcd-nightly.yaml)', async () => {
    const { code, stdout, stderr } = await run([
      'simulate', '--scenario', 'constant:200', '--size-gib', '100', '--duration-hours', '48',
      '--policy', 'docs/policies/etcd-nightly.yaml', '--act', '--volumes', '3', '--tag', 'role=etcd', '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ScheduleJson;
    expect(report.volumeIds).toHaveLength(3);
    expect(report.ledgerViolations).toEqual([]);
    expect(report.scanErrors).toBe(0);
    // The simulation starts at 2026-01-05T00:00Z: windows 02:00–04:00 UTC, flips 30 min ahead.
    for (const volumeId of report.volumeIds) {
      const mine = report.modifications.filter((m) => m.volumeId === volumeId);
      expect(mine.map((m) => [m.tSeconds / H, m.from, m.to, m.iops, m.state])).toEqual([
        [1.5, 'gp2', 'io1', 3000, 'completed'],
        [4, 'io1', 'gp2', 300, 'completed'],
        [25.5, 'gp2', 'io1', 3000, 'completed'],
        [28, 'io1', 'gp2', 300, 'completed'],
      ]);
      expect(mine.every((m) => m.reason.includes("schedule 'etcd-nightly'"))).toBe(true);
    }
  });

  it('leaves volumes without the schedule\'s tag alone', async () => {
    const { stdout } = await run(['simulate', '--scenario', 'constant:200', '--size-gib', '100', '--duration-hours', '6', '--policy', 'docs/policies/etcd-nightly.yaml', '--act', '--volumes', '2', '--json']);
    expect((JSON.parse(stdout) as ScheduleJson).modifications).toEqual([]);
  });

  it('refuses a schedule the ledger cannot carry, naming its line (docs/policies/etcd-twice-daily.yaml)', async () => {
    const { code, stderr } = await run(['policy', 'validate', 'docs/policies/etcd-twice-daily.yaml']);
    expect(code).toBe(1);
    expect(stderr).toContain("docs/policies/etcd-twice-daily.yaml:7:5 schedules[0].cron: schedule 'etcd-twice-daily': the flip at Tue 01:30 UTC would find 3 modifications in the previous 24 h");
  });

  it.each([
    [['--tag', 'role'], "--tag must be KEY=VALUE, got 'role'"],
    [['--volumes', '0'], '--volumes must be between 1 and 50'],
  ])('rejects %j with a usage error', async (extra, message) => {
    const { code, stderr } = await run(['simulate', '--scenario', 'constant:200', '--size-gib', '100', '--policy', 'docs/policies/etcd-nightly.yaml', ...extra]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
