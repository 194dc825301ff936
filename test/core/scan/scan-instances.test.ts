import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import type { GuardianNotification, InstanceEbsBalanceReader, Notifier } from '../../../lambda/core/ports';
import { runScan } from '../../../lambda/core/scan/scan';
import { SimulatedFleet } from '../../../lambda/sim/fleet';
import { MemoryHistoryStore } from '../../../lambda/sim/memory-history-store';
import { scenarioWorkload } from '../../../lambda/sim/workloads';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const START = 1_767_571_200;
const policy = parsePolicy(readFileSync(join(ROOT, 'test/fixtures/policies/rescue-live.yaml'), 'utf8'), 'rescue-live.yaml');

class ListNotifier implements Notifier {
  readonly sent: GuardianNotification[] = [];
  async notify(n: GuardianNotification): Promise<void> {
    this.sent.push(n);
  }
}

/** A fleet with one gp2 volume on each instance, and a reader that records which instances were asked for. */
function world(volumes: readonly { instanceId: string; instanceType: string; scenario: string; sizeGiB?: number }[]) {
  const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 3 });
  for (const v of volumes) {
    fleet.addInstance({ instanceId: v.instanceId, instanceType: v.instanceType });
    fleet.addVolume({ type: 'gp2', sizeGiB: v.sizeGiB ?? 100, workload: scenarioWorkload(v.scenario), instanceId: v.instanceId });
  }
  const asked: string[][] = [];
  const instanceEbs: InstanceEbsBalanceReader = {
    readInstanceBalances: async (request) => {
      asked.push([...request.instanceIds]);
      return fleet.readInstanceBalances(request);
    },
  };
  const notifier = new ListNotifier();
  const deps = { inventory: fleet, metrics: fleet, modifier: fleet, notifier, history: new MemoryHistoryStore(), policy, runId: 'r1', region: 'us-east-1', instanceEbs, instanceTypes: fleet };
  return { fleet, asked, deps, notifier };
}

describe('runScan: the instances’ own EBS buckets', () => {
  it('reads EBSIOBalance%/EBSByteBalance% only for sizes that have a bucket, once each, and counts them in metricsRequested', async () => {
    const quiet = 'constant:200';
    const { fleet, asked, deps } = world([
      { instanceId: 'i-burst', instanceType: 'm5.large', scenario: quiet },
      { instanceId: 'i-big', instanceType: 'm5.4xlarge', scenario: quiet },
      { instanceId: 'i-odd', instanceType: 'm5a.large', scenario: quiet },
    ]);
    fleet.advanceTo(START + 3_600);
    const withInstances = await runScan(deps, START + 3_600);
    const without = await runScan({ ...deps, instanceEbs: undefined, instanceTypes: undefined, runId: 'r2' }, START + 3_600);
    expect(asked).toEqual([['i-burst']]);
    // m5.large's two balances, nothing for the sustained m5.4xlarge or the unknown m5a.large.
    expect(withInstances.metricsRequested - without.metricsRequested).toBe(2);
    expect(withInstances.instances?.map((i) => [i.instanceId, i.forecast.worst.kind, i.volumeIds.length])).toEqual([['i-burst', 'full', 1]]);
  });

  it('still reads the instance when its volumes rest under the adaptive cadence (an empty instance bucket leaves them full and flat)', async () => {
    // 500 GiB: a full bucket takes 1 h to empty even at the burst, so the cadence lets it rest (cadence.ts).
    const { fleet, asked, deps } = world([{ instanceId: 'i-burst', instanceType: 'm5.large', scenario: 'constant:200', sizeGiB: 500 }]);
    fleet.advanceTo(START + 3_600);
    await runScan(deps, START + 3_600);
    fleet.advanceTo(START + 3_900);
    const second = await runScan({ ...deps, runId: 'r2' }, START + 3_900);
    expect(second.volumesResting).toBe(1);
    expect(asked).toEqual([['i-burst'], ['i-burst']]);
    expect(second.instances?.map((i) => i.volumeIds)).toEqual([[fleet.describeVolume('vol-00000000000000001').volumeId]]);
  });

  it('reads an instance of a size the table does not know only when one of its volumes is about to be rescued', async () => {
    const { fleet, asked, deps } = world([{ instanceId: 'i-odd', instanceType: 'm5a.large', scenario: 'constant:3000' }]);
    fleet.advanceTo(START + 20 * 60);
    const report = await runScan(deps, START + 20 * 60);
    expect(report.results[0]?.decision.kind).toBe('rescue');
    expect(asked).toEqual([['i-odd']]);
    expect(report.instances).toEqual([]);
  });

  it('alerts on an instance bucket forecast to empty, names its volume, and records the dedupe state under the instance id', async () => {
    // Two volumes at 3,000 IOPS each on a t3.medium: 6,000 − 2,000 IOPS drain its 17.64 M bucket in ~74 min.
    const { fleet, deps, notifier } = world([{ instanceId: 'i-t3', instanceType: 't3.medium', scenario: 'constant:3000' }]);
    fleet.addVolume({ type: 'gp3', sizeGiB: 100, iops: 3_000, workload: scenarioWorkload('constant:3000'), instanceId: 'i-t3' });
    fleet.advanceTo(START + 40 * 60);
    await runScan(deps, START + 40 * 60);
    const alert = notifier.sent.find((n) => n.event === 'instance-bucket');
    expect(alert?.instance).toMatchObject({ instanceId: 'i-t3', instanceType: 't3.medium', bucket: 'EBSIOBalance%' });
    // Only the selected gp2 volume is listed (rescue-live selects gp2): the gp3 one is not the guardian's.
    expect(alert?.instance?.attachedVolumeIds).toHaveLength(1);
    expect(alert?.secondsToEmpty).toBeGreaterThan(15 * 60);
    expect(alert?.secondsToEmpty).toBeLessThan(50 * 60);
    expect((await deps.history.getNotificationState('i-t3'))?.lastEvent).toBe('instance-bucket');
    // The next scan five minutes later stays quiet (same severity, not twice as close).
    fleet.advanceTo(START + 45 * 60);
    const before = notifier.sent.length;
    await runScan({ ...deps, runId: 'r2' }, START + 45 * 60);
    expect(notifier.sent.slice(before).filter((n) => n.event === 'instance-bucket')).toEqual([]);
  });

  it('records each sent instance alert as an `alert` event under the instance id, and writes none while the alert stays quiet', async () => {
    const { fleet, deps, notifier } = world([{ instanceId: 'i-t3', instanceType: 't3.medium', scenario: 'constant:3000' }]);
    fleet.addVolume({ type: 'gp3', sizeGiB: 100, iops: 3_000, workload: scenarioWorkload('constant:3000'), instanceId: 'i-t3' });
    fleet.advanceTo(START + 40 * 60);
    await runScan(deps, START + 40 * 60);
    const sent = notifier.sent.filter((n) => n.event === 'instance-bucket');
    const events = await deps.history.listEvents('i-t3');
    expect(events).toHaveLength(sent.length);
    expect(events[0]).toMatchObject({ kind: 'alert', runId: 'r1', tEpochSeconds: START + 40 * 60, summary: sent[0]?.reason, details: { event: 'instance-bucket', severity: sent[0]?.severity, instance: sent[0]?.instance } });
    fleet.advanceTo(START + 45 * 60);
    await runScan({ ...deps, runId: 'r2' }, START + 45 * 60);
    expect(await deps.history.listEvents('i-t3')).toHaveLength(1);
  });

  it('reads no notification state for an instance whose forecast calls for no alert: the open states of the ledger read say all (one read per instance per scan was 3,000 reads at 10,000 volumes)', async () => {
    const { fleet, deps, notifier } = world([
      { instanceId: 'i-quiet', instanceType: 'm5.large', scenario: 'constant:200' },
      { instanceId: 'i-paged', instanceType: 'm5.large', scenario: 'constant:200' },
    ]);
    // i-paged was paged earlier and its bucket is full again: the scan closes the page with a notice.
    await deps.history.putNotificationState({ volumeId: 'i-paged', open: true, lastEvent: 'instance-bucket', lastSeverity: 'critical', lastSentEpochSeconds: START, version: 1 });
    const read: string[] = [];
    const history = deps.history;
    const counting = Object.assign(Object.create(history) as MemoryHistoryStore, {
      getNotificationState: (id: string) => {
        read.push(id);
        return history.getNotificationState(id);
      },
    });
    fleet.advanceTo(START + 3_600);
    await runScan({ ...deps, history: counting }, START + 3_600);
    expect(read.filter((id) => id.startsWith('i-'))).toEqual([]);
    expect(notifier.sent.filter((n) => n.instance !== undefined).map((n) => [n.instance?.instanceId, n.event])).toEqual([['i-paged', 'recovered']]);
    expect((await history.getNotificationState('i-paged'))?.open).toBe(false);
  });
});
