/**
 * The acting simulation (issue 3 item 5): the whole guardian loop — the same `runScan` the Lambda
 * runs — on one simulated volume, every interval after the fleet advanced to that instant. The
 * same workload and seed are then run without the guardian, so the throttling and cost it saved
 * are measured, not estimated.
 */
import type { Policy } from '../core/policy/policy';
import { runScan } from '../core/scan/scan';
import type { ScanReport } from '../core/scan/types';
import type { ScanOrigin } from '../core/scan/origin';
import type { VolumeType } from '../core/types';
import { billedSpans, costOfSpans, findLedgerViolations, type LedgerViolation } from './guardian-checks';
import { runSimulation, type IntervalContext, type SimulationOptions, type SimulationResult } from './index';
import { MemoryHistoryStore } from './memory-history-store';
import { RecordingNotifier } from './recording-notifier';

/** Options of `runGuardianSimulation`: a simulation plus the policy that acts on it. */
export interface GuardianRunOptions extends Omit<SimulationOptions, 'onInterval'> {
  readonly policy: Policy;
  /** Act even when the policy says dry run (the CLI's `--act`). @default false */
  readonly act?: boolean;
  /** Region for prices. @default the policy's region, else us-east-1 */
  readonly region?: string;
  /** Called after every scan (the demo narrates from it), with the scan's wall time in this process. */
  readonly onScan?: (context: IntervalContext, report: ScanReport, measured: { readonly wallMs: number }) => void | Promise<void>;
  /** The history to write (an organization's one history shared by several runs). @default a fresh one */
  readonly history?: MemoryHistoryStore;
  /** The account and region the scans run in, stamped on every record (organization demo). */
  readonly origin?: ScanOrigin;
  /** Prefix of the scans' run ids, unique per run sharing a history. @default 'sim' */
  readonly runIdPrefix?: string;
  /** `full`: every metric every scan, the read before issue 12 (benchmarks compare against it). @default 'shipping' */
  readonly readPlan?: 'shipping' | 'full';
}

/** One modification the fleet accepted, with the guardian's reason. */
export interface GuardianModification {
  readonly volumeId: string;
  readonly tSeconds: number;
  readonly from: VolumeType;
  readonly to: VolumeType;
  readonly iops: number | null;
  readonly throughputMiBps: number | null;
  readonly reason: string;
  /** `completed`, `failed`, or still `modifying`/`optimizing` when the run ended. */
  readonly state: string;
}

/** One notification sent, seconds since the start. */
export interface GuardianNotificationRecord {
  readonly tSeconds: number;
  readonly kind: string;
  readonly subject: string;
}

/** What the acting simulation measured (the `--json` fields of `simulate --policy`). */
export interface GuardianRunReport {
  readonly volumeId: string;
  readonly dryRun: boolean;
  readonly scans: number;
  readonly scanErrors: number;
  /** GetMetricData metrics the scans requested under the read plan (as the Lambda would be billed). */
  readonly metricsRequested: number;
  readonly modifications: readonly GuardianModification[];
  readonly notifications: readonly GuardianNotificationRecord[];
  /** Every simulated volume (the first is `volumeId`; more with `extraVolumes`). */
  readonly volumeIds: readonly string[];
  /** Seconds in which demand exceeded what was served, with the guardian (all volumes). */
  readonly throttledSeconds: number;
  /** The same, same workload and seed, without the guardian. */
  readonly unaidedThrottledSeconds: number;
  /** Per-second cost of the volume's actual configurations over the run. */
  readonly costUSD: number;
  /** Per-second cost of staying on the original configuration all along. */
  readonly unaidedCostUSD: number;
  readonly ledgerViolations: readonly LedgerViolation[];
  /** The instance's own EBS bucket, when the volumes sat on a size that has one (issue 15). */
  readonly instance?: {
    readonly instanceId: string;
    readonly instanceType: string;
    /** True EBSIOBalance% / EBSByteBalance% at each guardian run. */
    readonly balances: readonly { readonly tSeconds: number; readonly ioPercent: number; readonly bytePercent: number }[];
    readonly exhaustionsSeconds: readonly number[];
    /** Seconds the instance held its volumes to its baseline, with the guardian and without. */
    readonly cappedSeconds: number;
    readonly unaidedCappedSeconds: number;
  };
}

/** Everything a caller may draw on: the report, both runs, the guardian's history and notifications. */
export interface GuardianRun {
  readonly report: GuardianRunReport;
  readonly result: SimulationResult;
  readonly unaided: SimulationResult;
  readonly history: MemoryHistoryStore;
  readonly notifier: RecordingNotifier;
  readonly scanReports: readonly ScanReport[];
}

/** Runs the guardian on a simulated volume, then the same volume unaided, and compares them. */
export async function runGuardianSimulation(options: GuardianRunOptions): Promise<GuardianRun> {
  const { policy: basePolicy, act = false, onScan, history: sharedHistory, origin, runIdPrefix = 'sim', readPlan, ...simulation } = options;
  // `--act` overrides the policy's dry run both in the policy and in the deps, whichever runScan reads.
  const policy: Policy = act ? { ...basePolicy, dryRun: false } : basePolicy;
  const region = options.region ?? policy.region ?? 'us-east-1';
  const history = sharedHistory ?? new MemoryHistoryStore();
  const notifier = new RecordingNotifier();
  const scanReports: ScanReport[] = [];
  const instanceBalances: { tSeconds: number; ioPercent: number; bytePercent: number }[] = [];
  const fleetOptions = { ...simulation.fleet, modificationRule: policy.modificationRule };
  const result = await runSimulation({
    ...simulation, fleet: fleetOptions,
    onInterval: async (context) => {
      const startedMs = performance.now();
      const report = await runScan({
        inventory: context.fleet, metrics: context.fleet, modifier: context.fleet, notifier, history, policy, region,
        instanceEbs: context.fleet, instanceTypes: context.fleet,
        runId: `${runIdPrefix}-${scanReports.length + 1}`, ...(act ? { dryRun: false } : {}), ...(origin === undefined ? {} : { origin }), ...(readPlan === undefined ? {} : { readPlan }),
      }, context.nowEpochSeconds);
      scanReports.push(report);
      const host = simulation.instance === undefined ? undefined : context.fleet.instance(simulation.instance.instanceId);
      if (host !== undefined) instanceBalances.push({ tSeconds: context.tSeconds, ioPercent: host.balances().io, bytePercent: host.balances().bytes });
      await onScan?.(context, report, { wallMs: performance.now() - startedMs });
    },
  });
  const unaided = await runSimulation({ ...simulation, fleet: fleetOptions });
  const extraIds = (simulation.extraVolumes ?? []).flatMap((v) => (v.volumeId === undefined ? [] : [v.volumeId]));
  const built = await buildReport({ result, unaided, history, notifier, scanReports, policy, region, volumeIds: [result.volumeId, ...extraIds] });
  const report: GuardianRunReport = result.instance === undefined ? built : {
    ...built,
    instance: {
      instanceId: result.instance.instanceId, instanceType: result.instance.instanceType, balances: instanceBalances,
      exhaustionsSeconds: result.instance.exhaustionsSeconds, cappedSeconds: result.instance.cappedSeconds, unaidedCappedSeconds: unaided.instance?.cappedSeconds ?? 0,
    },
  };
  return { report, result, unaided, history, notifier, scanReports };
}

interface ReportInput {
  readonly result: SimulationResult;
  readonly unaided: SimulationResult;
  readonly history: MemoryHistoryStore;
  readonly notifier: RecordingNotifier;
  readonly scanReports: readonly ScanReport[];
  readonly policy: Policy;
  readonly region: string;
  readonly volumeIds: readonly string[];
}

async function buildReport(input: ReportInput): Promise<GuardianRunReport> {
  const { result, unaided, policy, region } = input;
  const start = result.startEpochSeconds;
  const end = start + result.durationSeconds;
  const perVolume = await Promise.all(input.volumeIds.map(async (volumeId) => volumeFigures(input, volumeId)));
  return {
    volumeId: result.volumeId,
    dryRun: input.scanReports[0]?.dryRun ?? policy.dryRun,
    scans: input.scanReports.length,
    scanErrors: input.scanReports.reduce((n, r) => n + r.errors.length, 0),
    metricsRequested: input.scanReports.reduce((n, r) => n + r.metricsRequested, 0),
    modifications: perVolume.flatMap((v) => v.modifications).sort((a, b) => a.tSeconds - b.tSeconds),
    notifications: input.notifier.notifications.map((n) => ({ tSeconds: n.tEpochSeconds - start, kind: n.kind, subject: n.subject })),
    volumeIds: input.volumeIds,
    throttledSeconds: sum(input.volumeIds.map((id) => result.fleet.volume(id).counters.throttledSeconds)),
    unaidedThrottledSeconds: sum(input.volumeIds.map((id) => unaided.fleet.volume(id).counters.throttledSeconds)),
    costUSD: sum(perVolume.map((v) => costOfSpans(billedSpans(v.initial, start, v.log), end, region))),
    unaidedCostUSD: sum(perVolume.map((v) => costOfSpans(billedSpans(v.initial, start, []), end, region))),
    ledgerViolations: perVolume.flatMap((v) => findLedgerViolations(v.log, policy.modificationRule)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** One volume's modifications (with the guardian's reason for each), its initial configuration and AWS's log. */
async function volumeFigures(input: ReportInput, volumeId: string) {
  const { result } = input;
  const start = result.startEpochSeconds;
  const log = result.fleet.volume(volumeId).history;
  const ledger = (await input.history.listModifications(volumeId)).filter((r) => !r.dryRun);
  const first = volumeId === result.volumeId ? result.volume : result.fleet.describeVolume(volumeId);
  const original = log[0] === undefined ? first : { ...first, type: log[0].originalType, iops: log[0].originalIops };
  const initial = { type: original.type, sizeGiB: original.sizeGiB, ...(original.iops === undefined || original.type === 'gp2' ? {} : { iops: original.iops }) };
  const modifications: GuardianModification[] = log.map((m) => {
    // The ledger's record for this modification: the latest one requested at or before its start.
    const record = ledger.filter((r) => r.requestedEpochSeconds <= m.startEpochSeconds + 1e-6).at(-1);
    return {
      volumeId, tSeconds: m.startEpochSeconds - start, from: m.originalType, to: m.targetType,
      iops: m.targetIops ?? null, throughputMiBps: m.targetThroughputMiBps ?? null,
      reason: record === undefined ? 'not in the guardian ledger' : `${record.kind}: ${record.reason}`, state: m.state,
    };
  });
  return { initial, log, modifications };
}
