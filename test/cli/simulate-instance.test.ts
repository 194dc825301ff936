import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda/cli/main';
import { captureCliIo } from '../helpers/capture';

const root = join(import.meta.dirname, '..', '..');

async function simulate(argv: string[]) {
  const captured = captureCliIo({ cwd: root });
  const code = await main(['simulate', ...argv], captured.io);
  return { code, out: captured.out(), err: captured.err() };
}

// Two 540 GiB gp2 volumes (baseline 1,620 IOPS) at 2,225 IOPS each on a t3.medium (EBS baseline 2,000
// IOPS, maximum 11,800 for 30 min): each volume alone would empty in ~2.5 h, the instance's bucket
// (drained at 4,450 − 2,000 IOPS) empties first, at 2 h, and then holds both to 1,000 IOPS each,
// below their baseline, so their own buckets refill. A flip would have spent modifications for nothing.
const HOST = ['--scenario', 'constant:2225', '--size-gib', '540', '--volumes', '2', '--instance-type', 't3.medium', '--policy', 'policy.yaml', '--act', '--duration-hours', '4'];

interface InstanceJson {
  modifications: unknown[];
  notifications: { tSeconds: number; kind: string; subject: string }[];
  throttledSeconds: number;
  scanErrors: number;
  instance: { instanceId: string; instanceType: string; exhaustionsSeconds: number[]; cappedSeconds: number; unaidedCappedSeconds: number };
}

describe('simulate --instance-type: the instance bucket, not the volume, is the wall', () => {
  it('alerts on the instance before its bucket empties, refuses to flip the volumes, and the volumes are held back by the instance alone', async () => {
    const { code, out, err } = await simulate([...HOST, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const run = JSON.parse(out) as InstanceJson;
    expect(run.scanErrors).toBe(0);
    expect(run.modifications).toEqual([]);
    expect(run.instance).toMatchObject({ instanceId: 'i-0c1host000000001', instanceType: 't3.medium' });
    const emptied = run.instance.exhaustionsSeconds[0];
    expect(emptied).toBeGreaterThan(1.9 * 3600);
    expect(emptied).toBeLessThan(2.1 * 3600);
    // The volumes' own buckets never emptied: every throttled second is the instance's cap.
    expect(run.throttledSeconds).toBeCloseTo(2 * run.instance.cappedSeconds, 0);
    const instanceAlerts = run.notifications.filter((n) => n.kind === 'instance-bucket');
    const firstPage = instanceAlerts.find((n) => n.subject.startsWith('[CRITICAL]'));
    expect(instanceAlerts[0]?.subject).toMatch(/^\[WARNING\] i-0c1host000000001: t3\.medium EBS bucket empties in ~\d+h \d+m \(02:00 UTC\); fix: c5\.xlarge$/);
    expect(firstPage?.tSeconds).toBeLessThanOrEqual((emptied ?? 0) - 30 * 60);
    const blocked = run.notifications.filter((n) => n.subject.includes('rescue BLOCKED (instance-bucket)'));
    expect(blocked.map((n) => n.subject.slice(11, 32))).toEqual(['vol-0c1host0000000001', 'vol-0c1host0000000002']);
    expect(blocked[0]?.tSeconds).toBeLessThan(emptied ?? 0);
  });

  it('puts the instance alerts and the refused flips in the report (--report-html, read from the run\'s history)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-instance-report-'));
    try {
      const file = join(dir, 'report.html');
      const { code, out } = await simulate([...HOST, '--json', '--report-html', file]);
      expect(code).toBe(0);
      const run = JSON.parse(out) as InstanceJson;
      // The report's period is [start, end): a scan at the very end (+04:00) falls after it.
      const inPeriod = run.notifications.filter((n) => n.tSeconds < 4 * 3600);
      const alerts = inPeriod.filter((n) => n.kind === 'instance-bucket');
      const pages = alerts.filter((n) => n.subject.startsWith('[CRITICAL]'));
      const refused = inPeriod.filter((n) => n.subject.includes('rescue BLOCKED (instance-bucket)'));
      expect(refused).toHaveLength(2);
      expect(alerts.length).toBeGreaterThan(0);
      const html = await readFile(file, 'utf8');
      expect(html).toContain('<h2>Instance EBS buckets</h2>');
      expect(html).toContain(`1 instance(s), ${alerts.length} alert(s) sent, ${refused.length} volume flip(s) refused`);
      expect(html).toContain(
        `<td>i-0c1host000000001</td><td>t3.medium</td><td class="n">${alerts.length}</td><td class="n">${pages.length}</td><td class="n">${refused.length}</td>`,
      );
      // The latest alert's fix: once the bucket is empty the demand above the baseline no longer shows, so it is a lower bound.
      expect(html).toMatch(/<td>vol-0c1host0000000001 vol-0c1host0000000002<\/td><td><div class="rec">t3\.large at least .*\+\$\d+\.\d\d\/month/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints the instance bucket chart and when it emptied', async () => {
    const { code, out } = await simulate(HOST);
    expect(code).toBe(0);
    expect(out).toContain('no modifications');
    expect(out).toMatch(/instance i-0c1host000000001 \(t3\.medium\): its EBS bucket emptied at \+02:00; it held the volumes back \d+ s/);
    expect(out).toContain('instance EBS balance, the lower of EBSIOBalance% and EBSByteBalance%');
  });

  it.each([
    [['--scenario', 'constant:100', '--size-gib', '100', '--instance-type', 't3.medium'], '--volumes, --tag and --instance-type need --policy FILE'],
    [['--scenario', 'constant:100', '--size-gib', '100', '--instance-type', 'x9.huge', '--policy', 'policy.yaml'], "--instance-type must be one of m5.large"],
  ])('rejects %j with a usage error', async (argv, message) => {
    const { code, err } = await simulate(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
