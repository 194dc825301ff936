import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiThrottledError } from '../../../lambda/core/errors';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import type { GuardianNotification, Notifier, VolumeInventory } from '../../../lambda/core/ports';
import type { ModificationRequest } from '../../../lambda/core/types';
import { runScan } from '../../../lambda/core/scan/scan';
import type { ScanDeps } from '../../../lambda/core/scan/types';
import { SimulatedFleet } from '../../../lambda/sim/fleet';
import { MemoryHistoryStore } from '../../../lambda/sim/memory-history-store';
import { scenarioWorkload } from '../../../lambda/sim/workloads';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const START = 1_767_571_200; // 2026-01-05T00:00:00Z
const livePolicy = parsePolicy(readFileSync(join(ROOT, 'test/fixtures/policies/rescue-live.yaml'), 'utf8'), 'rescue-live.yaml');
const defaultPolicy = parsePolicy(readFileSync(join(ROOT, 'policy.yaml'), 'utf8'), 'policy.yaml');

class ListNotifier implements Notifier {
  readonly sent: GuardianNotification[] = [];
  async notify(n: GuardianNotification): Promise<void> {
    this.sent.push(n);
  }
}

function setup(options: { policy?: typeof livePolicy; volumes?: { scenario: string; sizeGiB: number; tags?: Record<string, string> }[] } = {}) {
  const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 7 });
  const ids = (options.volumes ?? [{ scenario: 'ci-host', sizeGiB: 100 }]).map((v) =>
    fleet.addVolume({ type: 'gp2', sizeGiB: v.sizeGiB, workload: scenarioWorkload(v.scenario), tags: v.tags ?? { Name: 'ci-runner' }, instanceId: 'i-0123456789abcdef0' }),
  );
  const history = new MemoryHistoryStore();
  const notifier = new ListNotifier();
  const deps: ScanDeps = { inventory: fleet, metrics: fleet, modifier: fleet, notifier, history, policy: options.policy ?? livePolicy, runId: 'run', region: 'us-east-1' };
  return { fleet, ids, history, notifier, deps };
}

/** Scans every 5 minutes until `hours` have passed; returns the reports. */
async function scanEvery5Minutes(env: ReturnType<typeof setup>, hours: number, mutate?: (deps: ScanDeps, i: number) => ScanDeps) {
  const reports = [];
  for (let i = 1; i <= (hours * 3600) / 300; i++) {
    const now = START + i * 300;
    env.fleet.advanceTo(now);
    const deps = mutate === undefined ? { ...env.deps, runId: `run-${i}` } : mutate({ ...env.deps, runId: `run-${i}` }, i);
    reports.push(await runScan(deps, now));
  }
  return reports;
}

describe('runScan on the simulated fleet', () => {
  it('rescues a draining CI host to gp3 before its bucket empties, recording the intent and the modification', async () => {
    const env = setup();
    const reports = await scanEvery5Minutes(env, 5);
    const volumeId = env.ids[0] as string;
    const records = await env.history.listModifications(volumeId);
    expect(records.map((r) => [r.kind, r.to.type])).toEqual([['rescue', 'gp3']]);
    expect(records[0]?.status).toBe('completed');
    expect(env.fleet.volume(volumeId).counters.exhaustionsEpochSeconds).toEqual([]);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    const events = await env.history.listEvents(volumeId);
    expect(events.map((e) => e.kind)).toContain('rescue');
    expect(env.notifier.sent.map((n) => n.event)).toContain('rescue');
  });

  it('never modifies under the default dry-run policy, and leaves unselected volumes alone', async () => {
    const env = setup({ policy: defaultPolicy, volumes: [{ scenario: 'ci-host', sizeGiB: 100, tags: { 'burst-guardian': 'managed' } }, { scenario: 'ci-host', sizeGiB: 100 }] });
    const reports = await scanEvery5Minutes(env, 4);
    const [managed, unmanaged] = env.ids as [string, string];
    expect(await env.history.listModifications(managed)).toEqual([]);
    expect(env.fleet.describeVolume(managed).type).toBe('gp2');
    expect(reports.at(-1)?.dryRun).toBe(true);
    expect(reports.some((r) => r.results.some((x) => x.volume.volumeId === managed && x.action === 'dry-run'))).toBe(true);
    expect(reports.every((r) => r.results.every((x) => x.volume.volumeId !== unmanaged))).toBe(true);
    expect(env.notifier.sent.filter((n) => n.volumeId === managed && n.event === 'rescue')).toHaveLength(1);
  });

  it('goes on scanning the other volumes when one ModifyVolume is throttled, and records it as not sent', async () => {
    const env = setup({ volumes: [{ scenario: 'ci-host', sizeGiB: 100 }, { scenario: 'ci-host', sizeGiB: 100 }] });
    const [first, second] = env.ids as [string, string];
    const fleet = env.fleet;
    const failingModifier = {
      describeModifications: (ids: readonly string[]) => fleet.describeModifications(ids),
      modifyVolume: (req: ModificationRequest, o: { readonly dryRun: boolean }) => (req.volumeId === first ? Promise.reject(new ApiThrottledError('Request limit exceeded')) : fleet.modifyVolume(req, o)),
    };
    const reports = await scanEvery5Minutes(env, 4, (deps) => ({ ...deps, modifier: failingModifier }));
    expect(fleet.describeVolume(second).type).toBe('gp3');
    expect(fleet.describeVolume(first).type).toBe('gp2');
    expect(reports.flatMap((r) => r.errors).some((e) => e.volumeId === first && e.stage === 'act')).toBe(true);
    const firstRecords = await env.history.listModifications(first);
    expect(firstRecords.length).toBeGreaterThan(0);
    // RequestLimitExceeded: the call did not happen (DESIGN.md §2b), so the intent is `not-sent`, never `rejected`.
    expect(firstRecords.every((r) => r.status === 'not-sent')).toBe(true);
    expect((await env.history.listEvents(first)).some((e) => e.kind === 'failure')).toBe(true);
  });

  it('reconciles an intent whose ModifyVolume reached AWS but whose result was never recorded', async () => {
    const env = setup();
    const volumeId = env.ids[0] as string;
    const fleet = env.fleet;
    let crashed = false;
    const crashingModifier = {
      describeModifications: (ids: readonly string[]) => fleet.describeModifications(ids),
      modifyVolume: async (req: ModificationRequest, o: { readonly dryRun: boolean }) => {
        const result = await fleet.modifyVolume(req, o);
        if (!o.dryRun && !crashed) {
          crashed = true;
          throw new Error('socket hang up'); // the call reached AWS; the answer was lost
        }
        return result;
      },
    };
    await scanEvery5Minutes(env, 5, (deps) => ({ ...deps, modifier: crashingModifier }));
    const records = await env.history.listModifications(volumeId);
    expect(crashed).toBe(true);
    expect(records.filter((r) => r.kind === 'rescue')).toHaveLength(1);
    expect(records[0]?.status).toBe('completed');
    expect(fleet.volume(volumeId).history).toHaveLength(1);
    const kinds = (await env.history.listEvents(volumeId)).map((e) => e.kind);
    expect(kinds).toContain('failure');
    expect(kinds).toContain('rescue');
  });

  it('reports an inventory failure without acting or throwing', async () => {
    const env = setup();
    const broken: VolumeInventory = { listVolumes: () => Promise.reject(new Error('DescribeVolumes: 503')) };
    const report = await runScan({ ...env.deps, inventory: broken }, START + 3600);
    expect(report.volumesScanned).toBe(0);
    expect(report.errors).toEqual([{ stage: 'inventory', message: 'Error: DescribeVolumes: 503' }]);
  });

  it('treats unreadable metrics as insufficient data: no flip', async () => {
    const env = setup();
    const reports = await scanEvery5Minutes(env, 4, (deps) => ({ ...deps, metrics: { readMetrics: () => Promise.reject(new Error('GetMetricData: 500')) } }));
    expect(await env.history.listModifications(env.ids[0] as string)).toEqual([]);
    expect(reports.at(-1)?.results[0]?.forecast.kind).toBe('insufficient-data');
  });
});
