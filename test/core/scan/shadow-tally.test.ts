import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tallyShadowThrottling } from '../../../lambda/core/decision/shadow-throttling';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import type { HistoryStore, ModificationRecord, Notifier } from '../../../lambda/core/ports';
import { runScan, type ScanReport } from '../../../lambda/core/scan/scan';
import { thenQuiet } from '../../../lambda/cli/demo-guardian';
import { SimulatedFleet } from '../../../lambda/sim/fleet';
import { MemoryHistoryStore } from '../../../lambda/sim/memory-history-store';
import { scenarioWorkload } from '../../../lambda/sim/workloads';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const START = 1_767_571_200; // 2026-01-05T00:00:00Z
const LIVE = readFileSync(join(ROOT, 'test/fixtures/policies/rescue-live.yaml'), 'utf8');
const policy = parsePolicy(LIVE, 'rescue-live.yaml');
const silent: Notifier = { notify: async () => undefined };

/** A CI host (100 GiB gp2) busy for `busyHours`, then quiet at 30 IOPS; scanned every 5 minutes for `hours`. */
async function scanFlippedHost(options: { busyHours: number; hours: number; history?: (store: MemoryHistoryStore) => HistoryStore; policy?: typeof policy }) {
  const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 7 });
  const volumeId = fleet.addVolume({ type: 'gp2', sizeGiB: 100, workload: thenQuiet(scenarioWorkload('ci-host'), options.busyHours * 3600, 30), tags: { Name: 'ci-runner' } });
  const store = new MemoryHistoryStore();
  const history = options.history?.(store) ?? store;
  const reports: ScanReport[] = [];
  for (let i = 1; i <= (options.hours * 3600) / 300; i++) {
    fleet.advanceTo(START + i * 300);
    reports.push(await runScan({ inventory: fleet, metrics: fleet, modifier: fleet, notifier: silent, history, policy: options.policy ?? policy, runId: `run-${i}`, region: 'us-east-1' }, START + i * 300));
  }
  const [rescue, ...later] = await store.listModifications(volumeId);
  if (rescue?.kind !== 'rescue') throw new Error('the CI host was not rescued');
  return { fleet, volumeId, rescue, later, reports, now: START + options.hours * 3600 };
}

/** The same tally in one pass over the volume's whole 1-minute I/O series since the flip, up to `through`. */
async function onePass(fleet: SimulatedFleet, volumeId: string, rescue: ModificationRecord, through: number) {
  const read = await fleet.readMetrics({ volumes: [{ volumeId, type: 'gp3', fields: ['readOps', 'writeOps'] }], startEpochSeconds: rescue.requestedEpochSeconds - 600, endEpochSeconds: through, periodSeconds: 60 });
  return tallyShadowThrottling({
    originalType: 'gp2', sizeGiB: 100, series: read.series.get(volumeId), sinceEpochSeconds: rescue.requestedEpochSeconds,
    startBalancePercent: rescue.burstBalanceBeforePercent ?? Number.NaN, previous: undefined, now: through,
  });
}

describe('the scan records the shadow replay on a flipped volume', () => {
  it('accumulates, scan by scan over overlapping metric windows, exactly what one pass over the whole series gives', async () => {
    const run = await scanFlippedHost({ busyHours: 5, hours: 6 });
    const tally = run.rescue.shadowThrottling;
    expect(tally?.throttledSeconds).toBeGreaterThan(0);
    expect(run.reports.flatMap((r) => r.errors)).toEqual([]);
    const whole = await onePass(run.fleet, run.volumeId, run.rescue, tally?.throughEpochSeconds ?? 0);
    expect(tally?.datapoints).toBe(whole?.datapoints);
    expect(tally?.throttledSeconds).toBeCloseTo(whole?.throttledSeconds ?? Number.NaN, 6);
    expect(tally?.deferredUnits).toBeCloseTo(whole?.deferredUnits ?? Number.NaN, 3);
  });

  it('writes while the unaided bucket would throttle, then only every 6 h while it refills, and never once it is full', async () => {
    let writes = 0;
    const counting = (store: MemoryHistoryStore): HistoryStore => Object.assign(Object.create(store) as MemoryHistoryStore, {
      updateModification: (...args: Parameters<HistoryStore['updateModification']>) => {
        if (args[3].shadowThrottling !== undefined) writes++;
        return store.updateModification(...args);
      },
    });
    // Busy 3 h, then 30 IOPS: the empty 5.4M-credit shadow bucket refills at 270/s in 5.6 h, then idles.
    const run = await scanFlippedHost({ busyHours: 3, hours: 12, history: counting });
    // 123 scans while flipped: the first tally, the few scans in which the unaided bucket throttled,
    // one write after 6 h of refilling, none once full; each skipped scan replayed from the stored tally.
    expect((run.now - run.rescue.requestedEpochSeconds) / 300).toBe(123);
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(writes).toBeLessThanOrEqual(6);
    const tally = run.rescue.shadowThrottling;
    expect(tally?.credits).toBe(5_400_000);
    const whole = await onePass(run.fleet, run.volumeId, run.rescue, tally?.throughEpochSeconds ?? 0);
    expect(tally?.throttledSeconds).toBeGreaterThan(0);
    expect(tally?.throttledSeconds).toBeCloseTo(whole?.throttledSeconds ?? Number.NaN, 6);
    expect(tally?.datapoints).toBe(whole?.datapoints);
  });

  it('reports a failed tally write and counts the same datapoints on the next scan: nothing lost, nothing twice', async () => {
    let failures = 0;
    const flaky = (store: MemoryHistoryStore): HistoryStore => Object.assign(Object.create(store) as MemoryHistoryStore, {
      updateModification: async (...args: Parameters<HistoryStore['updateModification']>) => {
        if (args[3].shadowThrottling !== undefined && failures < 3) {
          failures++;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return store.updateModification(...args);
      },
    });
    const run = await scanFlippedHost({ busyHours: 5, hours: 6, history: flaky });
    const errors = run.reports.flatMap((r) => r.errors);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatchObject({ stage: 'record', volumeId: run.volumeId, message: expect.stringMatching(/^shadow throttling not recorded/) });
    const tally = run.rescue.shadowThrottling;
    const whole = await onePass(run.fleet, run.volumeId, run.rescue, tally?.throughEpochSeconds ?? 0);
    expect(tally?.datapoints).toBe(whole?.datapoints);
    expect(tally?.throttledSeconds).toBeCloseTo(whole?.throttledSeconds ?? Number.NaN, 6);
  });

  it('writes the last tally when the scan reverts the volume, whatever the cadence', async () => {
    const reverting = parsePolicy(LIVE.replace('  minimumHoldMinutes: 360', '  minimumHoldMinutes: 360\n  keepIfCheaper: false'), 'rescue-live.yaml');
    const run = await scanFlippedHost({ busyHours: 3, hours: 12, policy: reverting });
    const revert = run.later.find((r) => r.kind === 'revert');
    expect(revert).toBeDefined();
    const tally = run.rescue.shadowThrottling;
    // The tally runs up to the revert scan's last complete minute, and is the one pass up to there.
    expect(tally?.throughEpochSeconds).toBeGreaterThan((revert?.requestedEpochSeconds ?? 0) - 300);
    expect(tally?.throughEpochSeconds).toBeLessThanOrEqual(revert?.requestedEpochSeconds ?? 0);
    const whole = await onePass(run.fleet, run.volumeId, run.rescue, tally?.throughEpochSeconds ?? 0);
    expect(tally?.credits).toBeCloseTo(whole?.credits ?? Number.NaN, 3);
    expect(tally?.throttledSeconds).toBeCloseTo(whole?.throttledSeconds ?? Number.NaN, 6);
  });
});
