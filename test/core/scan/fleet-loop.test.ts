import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import type { BurstMetricsReader, GuardianNotification, MetricField, MetricsRequest, ModificationRecord, Notifier } from '../../../lambda/core/ports';
import { bucketSpecFor, minSecondsToEmpty } from '../../../lambda/core/credit/credit-model';
import { guaranteedLeadSeconds, quietEveryScans } from '../../../lambda/core/scan/cadence';
import { isLedgerSettled, SETTLE_AFTER_SECONDS } from '../../../lambda/core/scan/ledger-view';
import { runScan } from '../../../lambda/core/scan/scan';
import type { ScanDeps } from '../../../lambda/core/scan/types';
import { SimulatedFleet } from '../../../lambda/sim/fleet';
import { MemoryHistoryStore } from '../../../lambda/sim/memory-history-store';
import { scenarioWorkload } from '../../../lambda/sim/workloads';
import { modification } from '../../aws/history-store-contract';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const START = 1_767_571_200; // 2026-01-05T00:00:00Z
const policy = parsePolicy(readFileSync(join(ROOT, 'test/fixtures/policies/rescue-live.yaml'), 'utf8'), 'rescue-live.yaml');

class ListNotifier implements Notifier {
  readonly sent: GuardianNotification[] = [];
  async notify(n: GuardianNotification): Promise<void> {
    this.sent.push(n);
  }
}

/** Counts what was asked of the fleet's metrics, per volume, and how many GetMetricData rounds. */
function countingReader(fleet: SimulatedFleet): BurstMetricsReader & { fields: Map<string, MetricField[]>; rounds: number } {
  const fields = new Map<string, MetricField[]>();
  const reader = {
    fields,
    rounds: 0,
    async readMetrics(request: MetricsRequest) {
      reader.rounds++;
      for (const v of request.volumes) fields.set(v.volumeId, [...(fields.get(v.volumeId) ?? []), ...(v.fields ?? [])]);
      return fleet.readMetrics(request);
    },
  };
  return reader;
}

function fleetOf(volumes: { scenario: string; type?: 'gp2' | 'gp3'; tags?: Record<string, string>; sizeGiB?: number; initialBalancePercent?: number }[]) {
  const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 11 });
  const ids = volumes.map((v) => fleet.addVolume({
    type: v.type ?? 'gp2', sizeGiB: v.sizeGiB ?? 100, workload: scenarioWorkload(v.scenario), tags: v.tags ?? {}, instanceId: 'i-0123456789abcdef0',
    ...(v.initialBalancePercent === undefined ? {} : { initialBalancePercent: v.initialBalancePercent }),
  }));
  fleet.advanceTo(START + 3 * 3600);
  return { fleet, ids };
}

describe('the scan reads only what each decision needs', () => {
  it('reads BurstBalance alone for an idle full gp2 volume, its I/O for a draining one, nothing for a gp3 volume it never flipped', async () => {
    const { fleet, ids } = fleetOf([{ scenario: 'constant:50' }, { scenario: 'constant:600' }, { scenario: 'constant:50', type: 'gp3' }]);
    const [idle, draining, gp3] = ids as [string, string, string];
    const metrics = countingReader(fleet);
    const report = await runScan({ inventory: fleet, metrics, modifier: fleet, notifier: new ListNotifier(), history: new MemoryHistoryStore(), policy: { ...policy, dryRun: true }, runId: 'run' }, START + 3 * 3600);
    expect(metrics.fields.get(idle)).toEqual(['burstBalancePercent']);
    expect(metrics.fields.get(draining)).toEqual(['burstBalancePercent', 'readOps', 'writeOps']);
    expect(metrics.fields.has(gp3)).toBe(false);
    expect(report.metricsRequested).toBe(4);
    expect(report.results.find((r) => r.volume.volumeId === idle)?.forecast.kind).toBe('full');
    expect(report.results.find((r) => r.volume.volumeId === draining)?.forecast.kind).toBe('draining');
  });
});

describe('the scan state survives the origin stamp (account and region on every record)', () => {
  it('still reads the ledger in one read, the cadence state and the cursor when the scan has an origin', async () => {
    const { fleet } = fleetOf([{ scenario: 'constant:50' }]);
    const history = new MemoryHistoryStore();
    const calls: string[] = [];
    for (const method of ['readLedger', 'getScanCursor', 'getBusyVolumes', 'putBusyVolumes'] as const) {
      const original = history[method].bind(history) as (...args: unknown[]) => Promise<unknown>;
      (history as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        calls.push(method);
        return original(...args);
      };
    }
    const origin = { account: { id: '123456789012' }, region: 'eu-west-1' };
    await runScan({ inventory: fleet, metrics: fleet, modifier: fleet, notifier: new ListNotifier(), history, policy, runId: 'run', origin }, START + 3 * 3600);
    expect(calls.sort()).toEqual(['getBusyVolumes', 'getScanCursor', 'putBusyVolumes', 'readLedger']);
  });
});

describe('the scan stops in time and resumes where it stopped', () => {
  it('defers the volumes it has no time for, records where it stopped, and the next scan starts there', async () => {
    const { fleet, ids } = fleetOf(Array.from({ length: 20 }, () => ({ scenario: 'constant:50' })));
    const history = new MemoryHistoryStore();
    const metrics = countingReader(fleet);
    // Each GetMetricData round "takes" 12 s of the Lambda's remaining time.
    const remainingTimeMs = () => 100_000 - 12_000 * metrics.rounds;
    // A 15-minute schedule reads every volume every scan (no adaptive cadence), so both scans see all.
    const deps: ScanDeps = { inventory: fleet, metrics, modifier: fleet, notifier: new ListNotifier(), history, policy: { ...policy, schedule: 'rate(15 minutes)' }, runId: 'run-1', chunkVolumes: 2, remainingTimeMs };
    const first = await runScan(deps, START + 3 * 3600);
    expect(first.volumesScanned).toBe(10);
    expect(first.volumesDeferred).toBe(10);
    expect(first.results.map((r) => r.volume.volumeId)).toEqual(ids.slice(0, 10));
    expect(await history.getScanCursor()).toMatchObject({ afterVolumeId: ids[9], runId: 'run-1', volumesDeferred: 10 });
    const second = await runScan({ ...deps, runId: 'run-2', remainingTimeMs: undefined }, START + 3 * 3600 + 300);
    expect(second.results.map((r) => r.volume.volumeId)).toEqual([...ids.slice(10), ...ids.slice(0, 10)]);
    expect(second.volumesDeferred).toBe(0);
  });

  it('reads the volumes a cold scan had no time for at the next scan: a volume never read is not quiet', async () => {
    const { fleet, ids } = fleetOf(Array.from({ length: 20 }, () => ({ scenario: 'constant:50' })));
    const history = new MemoryHistoryStore();
    const metrics = countingReader(fleet);
    const remainingTimeMs = () => 100_000 - 12_000 * metrics.rounds;
    const deps: ScanDeps = { inventory: fleet, metrics, modifier: fleet, notifier: new ListNotifier(), history, policy, runId: 'run-1', chunkVolumes: 2, remainingTimeMs };
    expect((await runScan(deps, START + 3 * 3600)).volumesDeferred).toBe(10);
    const second = await runScan({ ...deps, runId: 'run-2', remainingTimeMs: undefined }, START + 3 * 3600 + 300);
    const read = new Set(second.results.map((r) => r.volume.volumeId));
    expect(ids.slice(10).every((id) => read.has(id))).toBe(true);
  });

  it('scans nothing and keeps the cursor when no chunk fits in the time left', async () => {
    const { fleet } = fleetOf([{ scenario: 'constant:50' }]);
    const history = new MemoryHistoryStore();
    await history.putScanCursor({ afterVolumeId: 'vol-0', runId: 'run-0', tEpochSeconds: START, volumesDeferred: 1 });
    const report = await runScan({ inventory: fleet, metrics: fleet, modifier: fleet, notifier: new ListNotifier(), history, policy, runId: 'run-1', remainingTimeMs: () => 5_000 }, START + 3 * 3600);
    expect(report.volumesScanned).toBe(0);
    expect(report.volumesDeferred).toBe(1);
    expect((await history.getScanCursor())?.runId).toBe('run-0');
  });
});

describe('the adaptive cadence reads quiet volumes less often', () => {
  // The lead kept against the worst case: the 30-minute page horizon plus one scan.
  const lead = (interval: number) => guaranteedLeadSeconds(policy, interval);
  it.each([
    ['1 GiB gp2 (empties in 1,862 s at worst): every scan', 'gp2', 1, 300, 1],
    ['300 GiB gp2 (2,571 s): every scan', 'gp2', 300, 300, 1],
    ['400 GiB gp2 (3,000 s): every 2nd scan', 'gp2', 400, 300, 2],
    ['500 GiB gp2 (3,600 s): every 4th scan', 'gp2', 500, 300, 4],
    ['750 GiB gp2 (7,200 s): hourly at most', 'gp2', 750, 300, 12],
    ['1,000 GiB gp2 never spends credits: not rested', 'gp2', 1000, 300, 1],
    ['500 GiB gp2 on a 15-minute schedule: every scan', 'gp2', 500, 900, 1],
    ['gp3 has no bucket: every scan', 'gp3', 500, 300, 1],
  ] as const)('%s', (_name, type, sizeGiB, interval, every) => {
    expect(quietEveryScans({ type, sizeGiB }, interval, lead(interval))).toBe(every);
  });

  it('first sees a worst-case drain at least the page horizon and one scan before the bucket is empty (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.constantFrom(60, 300, 600), (sizeGiB, interval) => {
        const spec = bucketSpecFor('gp2', sizeGiB);
        const every = quietEveryScans({ type: 'gp2', sizeGiB }, interval, lead(interval));
        return every === 1 || minSecondsToEmpty(spec, spec.bucketCredits) - every * interval - 120 >= policy.alerting.pageHorizonMinutes * 60 + interval;
      }),
    );
  });

  async function scans(count: number, history: MemoryHistoryStore, fleet: SimulatedFleet, metrics: BurstMetricsReader, first = 0) {
    const reports = [];
    for (let i = first; i < first + count; i++) {
      const now = START + 3 * 3600 + i * 300;
      fleet.advanceTo(now);
      reports.push(await runScan({ inventory: fleet, metrics, modifier: fleet, notifier: new ListNotifier(), history, policy: { ...policy, dryRun: true }, runId: `run-${i}` }, now));
    }
    return reports;
  }

  it('reads a full, flat 500 GiB volume about every fourth scan and a draining one every scan', async () => {
    const { fleet, ids } = fleetOf([{ scenario: 'constant:50', sizeGiB: 500 }, { scenario: 'constant:600' }]);
    const [idle, draining] = ids as [string, string];
    const reads = new Map<string, number>();
    const metrics: BurstMetricsReader = {
      async readMetrics(request) {
        for (const v of request.volumes) if (v.fields?.includes('burstBalancePercent') === true) reads.set(v.volumeId, (reads.get(v.volumeId) ?? 0) + 1);
        return fleet.readMetrics(request);
      },
    };
    const reports = await scans(9, new MemoryHistoryStore(), fleet, metrics);
    expect(reads.get(draining)).toBe(9);
    // The first scan has no busy set and reads all; then one scan in four.
    expect(reads.get(idle)).toBeGreaterThanOrEqual(2);
    expect(reads.get(idle)).toBeLessThanOrEqual(4);
    expect(reports.reduce((n, r) => n + (r.volumesResting ?? 0), 0)).toBe(9 - (reads.get(idle) ?? 0));
  });

  it('reads a refilling 750 GiB bucket as its physical bound allows, and a slow drain far beyond the horizon every scan', async () => {
    // 750 GiB: baseline 2,250 IOPS; 2,200 IOPS refills 50 credits/s, from 50 % to 60 % in 3 h. At 60 % the worst case (3,000 IOPS) empties it in 4,320 s: 7 scans keep 35 min.
    // 2,300 IOPS drains 50 credits/s, empty in more than a day, but a draining bucket is read every scan.
    const { fleet, ids } = fleetOf([{ scenario: 'constant:2200', sizeGiB: 750, initialBalancePercent: 50 }, { scenario: 'constant:2300', sizeGiB: 750 }]);
    const [refilling, slowDrain] = ids as [string, string];
    const reads = new Map<string, number>();
    const metrics: BurstMetricsReader = {
      async readMetrics(request) {
        for (const v of request.volumes) if (v.fields?.includes('burstBalancePercent') === true) reads.set(v.volumeId, (reads.get(v.volumeId) ?? 0) + 1);
        return fleet.readMetrics(request);
      },
    };
    const reports = await scans(14, new MemoryHistoryStore(), fleet, metrics);
    expect(reports[0]?.results.find((r) => r.volume.volumeId === refilling)?.forecast.kind).toBe('refilling');
    expect(reports[0]?.results.find((r) => r.volume.volumeId === slowDrain)?.forecast.kind).toBe('draining');
    expect(reads.get(slowDrain)).toBe(14);
    expect(reads.get(refilling)).toBeGreaterThanOrEqual(2);
    expect(reads.get(refilling)).toBeLessThanOrEqual(4);
  });

  it('reads every volume when the previous scan could not write the busy set', async () => {
    const { fleet, ids } = fleetOf([{ scenario: 'constant:50' }]);
    const history = new MemoryHistoryStore();
    const metrics = countingReader(fleet);
    await scans(1, history, fleet, metrics);
    history.putBusyVolumes = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const reports = await scans(4, history, fleet, metrics, 1);
    // Every scan after a failed write reads the quiet volume: the set it would trust is stale.
    expect(reports.slice(1).every((r) => r.results.some((x) => x.volume.volumeId === ids[0]))).toBe(true);
    expect(reports[0]?.errors.map((e) => e.message)).toEqual([expect.stringMatching(/cadence state not written/)]);
  });
});

describe('a volume\'s ledger is settled once nothing in it can change a decision', () => {
  const now = START + 40 * 86_400; // 2026-02-14
  const old = now - 30 * 86_400; // 2026-01-15: before this month and older than 48 h
  it.each<[string, ModificationRecord[], boolean]>([
    ['nothing recorded', [], true],
    ['a rejected rescue last month', [modification({ volumeId: 'v', requestedEpochSeconds: old, status: 'rejected' })], true],
    ['an open intent, however old', [modification({ volumeId: 'v', requestedEpochSeconds: old, status: 'intent' })], false],
    ['a live rescue never reverted (the volume is flipped)', [modification({ volumeId: 'v', requestedEpochSeconds: old, status: 'completed' })], false],
    ['an RDS DB instance moved to gp3 last month (never moved back)', [modification({ volumeId: 'rds:orders-db', requestedEpochSeconds: old, status: 'completed' })], true],
    [
      'a rescue and its revert last month',
      [modification({ volumeId: 'v', requestedEpochSeconds: old, status: 'completed' }), modification({ volumeId: 'v', kind: 'revert', requestedEpochSeconds: old + 3600, status: 'completed', firstBurstBalanceAfterPercent: 3 })],
      true,
    ],
    ['a revert whose round trip is not recorded yet', [modification({ volumeId: 'v', kind: 'revert', requestedEpochSeconds: old, status: 'completed' })], false],
    ['a rejected rescue this month (month-to-date spend)', [modification({ volumeId: 'v', requestedEpochSeconds: now - 3 * 86_400, status: 'rejected' })], false],
    ['a rejected rescue in the last 48 h', [modification({ volumeId: 'v', requestedEpochSeconds: now - SETTLE_AFTER_SECONDS + 60, status: 'rejected' })], false],
  ])('%s', (_name, records, settled) => {
    expect(isLedgerSettled(records, now)).toBe(settled);
  });
});
