/**
 * The scan's walk over the fleet with bounded memory and time (issue 11 item 7): volumes in
 * volume-id order, in chunks (metrics → forecast → decide → notify → release), starting after the
 * volume where the last scan that ran out of time stopped. Rescues and reverts of every chunk wait
 * for the end, where the run's budgets are applied once (most urgent rescue of the whole fleet
 * first) and they are acted on. When the remaining time (injected: the Lambda's
 * `getRemainingTimeInMillis`; the core reads no clock) no longer covers another chunk and the
 * acting, the walk stops cleanly and records where; the next scan resumes there.
 */
import { activeRescue, applyBudgets, budgetUsed, decideEach, selectVolume, type Decision } from '../decision/decide';
import { scheduleMatches } from '../decision/schedule';
import type { Policy } from '../policy/schema';
import type { ModificationRecord, NotificationState, ScanCursor } from '../ports';
import { isRdsResourceKey } from '../rds-ports';
import { readCadence, type Cadence } from './cadence';
import { readChunkMetrics } from './chunk-metrics';
import { recordExternalModifications } from './external';
import { readChunkInstances, readInstanceView, readRescueInstances, type InstanceView } from './instance-balances';
import { notifyInstances } from './instance-alerts';
import { claimOf } from './modification-match';
import { readLedgerView, type LedgerView } from './ledger-view';
import { recordRoundTrips } from './reconcile';
import { recordShadowThrottling } from './shadow-tally';
import { mapWithConcurrency, messageOf, monthToDateSpendUSD, scheduleIntervalSeconds } from './support';
import type { ScanDeps, ScanError, ScanReport, VolumeScanResult } from './types';
import type { Forecast, VolumeDescription, VolumeMetricSeries, VolumeModification } from '../types';

/** Volumes per chunk: 2,000 BurstBalance queries are 4 GetMetricData calls, one per call in flight. */
export const CHUNK_VOLUMES = 2000;

/** Notifications (and their history writes) in flight at once. */
export const NOTIFY_CONCURRENCY = 8;

/** Time kept for acting on the collected rescues and reverts and writing the cursor, ms. */
export const TIME_RESERVE_MS = 20_000;

/** What handling one decided volume needs (scan.ts acts, notifies and records it). */
export interface VolumeHandling {
  readonly volume: VolumeDescription;
  readonly decision: Decision;
  readonly forecast: Forecast;
  readonly previous: NotificationState | undefined;
  readonly p90: number | undefined;
}

/** The walk's input: the listed volumes and how to handle each decision. */
export interface FleetWalk {
  readonly deps: ScanDeps;
  readonly policy: Policy;
  readonly region: string | undefined;
  readonly now: number;
  readonly volumes: readonly VolumeDescription[];
  readonly errors: ScanError[];
  readonly reconciled: number;
  readonly handle: (handling: VolumeHandling) => Promise<VolumeScanResult>;
}

type Candidate = Omit<VolumeHandling, 'previous'>;

/** Walks the fleet and returns the scan report. Never throws. */
export async function walkFleet(walk: FleetWalk): Promise<ScanReport> {
  const { deps, policy, now, errors } = walk;
  const view = await readLedgerView(deps, walk.volumes, now, errors);
  const cursor = await readCursor(deps, errors);
  const ordered = ringOrder(walk.volumes, cursor?.afterVolumeId);
  const flipped = walk.volumes.filter((v) => activeRescue({ volume: v, records: view.records.get(v.volumeId) ?? [] }) !== undefined).length;
  // The ledger view holds this month's RDS records too (readLedger): the volumes are judged with their
  // spend, but the RDS pass counts the DB instances' own from their full records (rds-budget.ts), so
  // the budget handed on to it is the volumes' alone.
  const viewed = [...view.records.values()].flat();
  const volumesSpendUSD = monthToDateSpendUSD(viewed.filter((r) => !isRdsResourceKey(r.volumeId)), now);
  const budget = { modificationsThisRun: 0, volumesFlipped: flipped, monthToDateSpendUSD: volumesSpendUSD + monthToDateSpendUSD(viewed.filter((r) => isRdsResourceKey(r.volumeId)), now) };
  const guard = timeGuard(deps.remainingTimeMs);
  const cadence = await readCadence(deps, now, errors);
  const instances = await readInstanceView(deps, walk.volumes.filter((v) => isSelected(policy, v, view)), errors);
  const results: VolumeScanResult[] = [];
  const candidates: Candidate[] = [];
  let processed = 0;
  let resting = 0;
  let metricsRequested = 0;
  const chunkVolumes = Math.max(1, deps.chunkVolumes ?? CHUNK_VOLUMES);
  for (let start = 0; start < ordered.length; start += chunkVolumes) {
    if (guard.outOfTime()) break;
    guard.chunkStarted();
    const chunk = ordered.slice(start, start + chunkVolumes);
    const chunkRead = await walkChunk(walk, view, cadence, instances, chunk, results, candidates);
    metricsRequested += chunkRead.metricsRequested;
    resting += chunkRead.resting;
    processed += chunk.length;
    guard.chunkDone();
  }
  const decisions = applyBudgets(candidates.map((c) => c.decision), policy, budget);
  for (const [i, candidate] of candidates.entries()) {
    const decision = decisions[i] ?? candidate.decision;
    results.push(await walk.handle({ ...candidate, decision, previous: await previousState(deps, view, candidate.volume.volumeId, errors) }));
  }
  // Results in the order the volumes were visited, whether handled in their chunk or at the end.
  const position = new Map(ordered.map((v, i) => [v.volumeId, i]));
  results.sort((a, b) => (position.get(a.volume.volumeId) ?? 0) - (position.get(b.volume.volumeId) ?? 0));
  await cadence.save(new Set(ordered.slice(0, processed).map((v) => v.volumeId)), ordered.map((v) => v.volumeId));
  const selectedVolumes = ordered.slice(0, processed).filter((v) => isSelected(policy, v, view));
  const instanceResults = await notifyInstances(deps, { policy, region: walk.region, now, volumes: selectedVolumes, view: instances, openNotifications: view.openNotifications }, errors);
  metricsRequested += instances.metricsRequested;
  const deferred = ordered.length - processed;
  const stoppedAfter = processed > 0 && deferred > 0 ? ordered[processed - 1]?.volumeId : undefined;
  if (stoppedAfter !== undefined) await writeCursor(deps, { afterVolumeId: stoppedAfter, runId: deps.runId, tEpochSeconds: now, volumesDeferred: deferred }, errors);
  if (deferred > 0) deps.log?.('warn', 'scan out of time: volumes deferred to the next scan', { volumesDeferred: deferred, volumesListed: ordered.length, resumesAfter: stoppedAfter ?? cursor?.afterVolumeId });
  const used = budgetUsed(decisions, policy, { ...budget, monthToDateSpendUSD: volumesSpendUSD });
  const report = scanReport({ runId: deps.runId, now, dryRun: policy.dryRun, results, errors, metricsRequested, reconciled: walk.reconciled, volumesDeferred: deferred, volumesResting: resting });
  const instanceNotifications = instanceResults.filter((r) => r.notification !== undefined).length;
  return { ...report, budgetUsed: used, instances: instanceResults, counts: { ...report.counts, notifications: report.counts.notifications + instanceNotifications } };
}

/** One chunk: metrics, round trips, decisions; the quiet ones handled now, rescues and reverts kept for the end. */
async function walkChunk(walk: FleetWalk, view: LedgerView, cadence: Cadence, instances: InstanceView, chunk: readonly VolumeDescription[], results: VolumeScanResult[], candidates: Candidate[]): Promise<{ metricsRequested: number; resting: number }> {
  const { deps, policy, now, errors } = walk;
  const listed = chunk.filter((v) => !view.unreadable.has(v.volumeId));
  for (const volume of chunk.filter((v) => view.unreadable.has(v.volumeId))) {
    results.push({ volume, forecast: { kind: 'insufficient-data', reason: 'history unreadable' }, decision: { volumeId: volume.volumeId, kind: 'skip', skip: 'no-data', reasons: ['history unreadable: not acting without the ledger'] }, action: 'failed', error: 'history unreadable' });
  }
  // Read every scan: a volume with records, an open alert (without the open-alert list, every volume)
  // or a planned window (its flip is due at a set time, whatever the bucket says).
  const mustRead = (v: VolumeDescription): boolean =>
    view.records.has(v.volumeId) || (view.openNotifications?.has(v.volumeId) ?? true) || policy.schedules.some((s) => scheduleMatches(s, v));
  const metrics = await readChunkMetrics({ deps, policy, now, records: view.records, errors, cadence, mustRead }, listed);
  const readable = listed.filter((v) => !metrics.resting.has(v.volumeId));
  await recordRoundTrips(deps, readable, view.records, metrics.series, errors);
  let awsModifications = new Map<string, VolumeModification>();
  // Every listed volume, read or not: someone else's modification of any of them enters the ledger.
  try {
    if (readable.length > 0) awsModifications = await deps.modifier.describeModifications(readable.map((v) => v.volumeId));
  } catch (error) {
    errors.push({ stage: 'decide', message: `DescribeVolumesModifications failed, acting on the guardian's ledger only: ${messageOf(error)}` });
  }
  const ledger = await withExternalModifications(walk, view, readable, awsModifications);
  // The instances' own EBS buckets (instance-balances.ts): forecast for the sizes that have one.
  const intervalSeconds = scheduleIntervalSeconds(policy.schedule);
  // Only instances with a volume the policy selects, resting ones included: a host whose empty bucket
  // holds its volumes below their baseline leaves them full and flat, and must still be watched.
  await readChunkInstances(deps, instances, listed.filter((v) => isSelected(policy, v, view)), now, intervalSeconds, errors);
  const input = {
    policy, ...(walk.region === undefined ? {} : { region: walk.region }), ...(deps.prices === undefined ? {} : { prices: deps.prices }),
    now, volumes: readable, forecasts: metrics.forecasts, metrics: metrics.series, ledger, awsModifications,
    instanceBalances: instances.balances, instanceForecasts: instances.forecasts,
  };
  let decisions = decideEach(input);
  // An instance of a size the table does not know is read only when one of its volumes is about to be rescued.
  const rescuing = readable.filter((_, i) => decisions[i]?.kind === 'rescue');
  if (rescuing.length > 0 && (await readRescueInstances(deps, instances, rescuing, now, intervalSeconds, errors))) decisions = decideEach(input);
  // Before acting: a volume about to be reverted gets its last tally written (shadow-tally.ts).
  const reverting = new Set(readable.filter((_, i) => decisions[i]?.kind === 'revert').map((v) => v.volumeId));
  await recordShadowThrottling(deps, readable, ledger, metrics.series, { now, reverting }, errors);
  const quiet: VolumeHandling[] = [];
  for (const [i, decision] of decisions.entries()) {
    const volume = readable[i];
    if (volume === undefined) continue;
    const forecast = metrics.forecasts.get(volume.volumeId) ?? { kind: 'insufficient-data', reason: 'no forecast' };
    const p90 = latestValue(metrics.series.get(volume.volumeId)?.containerStartP90Ms);
    if (decision.kind === 'rescue' || decision.kind === 'revert') candidates.push({ volume, decision, forecast, p90 });
    else quiet.push({ volume, decision, forecast, p90, previous: undefined });
  }
  results.push(...(await mapWithConcurrency(quiet, NOTIFY_CONCURRENCY, async (h) => walk.handle({ ...h, previous: await previousState(deps, view, h.volume.volumeId, errors, h.decision) }))));
  return { metricsRequested: metrics.metricsRequested, resting: metrics.resting.size };
}

/**
 * The chunk's ledger with every modification someone else made entered (external.ts): they count
 * against the per-volume limit whoever made it. A notification state is read only for a volume whose
 * latest modification no record claims (the one case where on-call may be told).
 */
async function withExternalModifications(walk: FleetWalk, view: LedgerView, volumes: readonly VolumeDescription[], latest: ReadonlyMap<string, VolumeModification>): Promise<Map<string, ModificationRecord[]>> {
  const ledger = new Map(volumes.map((v) => [v.volumeId, [...(view.records.get(v.volumeId) ?? [])]]));
  const states = new Map<string, NotificationState | undefined>();
  for (const v of volumes) {
    const m = latest.get(v.volumeId);
    if (m !== undefined && claimOf(ledger.get(v.volumeId) ?? [], m) === undefined) states.set(v.volumeId, await previousState(walk.deps, view, v.volumeId, walk.errors));
  }
  await recordExternalModifications(walk.deps, { volumes, ledger, latest, notificationStates: states, policy: walk.policy, region: walk.region, now: walk.now }, walk.errors);
  for (const [volumeId, records] of ledger) if (records.length > (view.records.get(volumeId)?.length ?? 0)) view.records.set(volumeId, records);
  return ledger;
}

const SPEAKING = new Set(['alert', 'rescue', 'revert', 'stay-recommendation', 'blocked']);

/** The volume's notification state, read only when a notification can follow: the decision speaks, or an alert is open. */
async function previousState(deps: ScanDeps, view: LedgerView, volumeId: string, errors: ScanError[], decision?: Decision): Promise<NotificationState | undefined> {
  const open = view.openNotifications;
  if (open !== undefined && decision !== undefined && !SPEAKING.has(decision.kind)) return open.get(volumeId);
  try {
    return await deps.history.getNotificationState(volumeId);
  } catch (error) {
    errors.push({ stage: 'record', volumeId, message: `notification state unreadable: ${messageOf(error)}` });
    return open?.get(volumeId);
  }
}

/** Whether the policy selects the volume (a flipped volume by its original type), as `decideEach` judges it. */
function isSelected(policy: Policy, volume: VolumeDescription, view: LedgerView): boolean {
  return selectVolume(policy, volume, activeRescue({ volume, records: view.records.get(volume.volumeId) ?? [] })?.from.type ?? volume.type).selected;
}

/** Volumes in id order, starting after `afterVolumeId` and wrapping round: each is visited once. */
export function ringOrder(volumes: readonly VolumeDescription[], afterVolumeId: string | undefined): VolumeDescription[] {
  const sorted = [...volumes].sort((a, b) => (a.volumeId < b.volumeId ? -1 : a.volumeId > b.volumeId ? 1 : 0));
  if (afterVolumeId === undefined) return sorted;
  const start = sorted.findIndex((v) => v.volumeId > afterVolumeId);
  return start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
}

/** Stops when what is left no longer covers two of the slowest chunks so far plus the reserve. */
function timeGuard(remainingTimeMs: (() => number) | undefined): { outOfTime(): boolean; chunkStarted(): void; chunkDone(): void } {
  let slowest = 0;
  let startedAt = 0;
  return {
    outOfTime: () => remainingTimeMs !== undefined && remainingTimeMs() < TIME_RESERVE_MS + 2 * slowest,
    chunkStarted: () => void (startedAt = remainingTimeMs?.() ?? 0),
    chunkDone: () => void (slowest = Math.max(slowest, startedAt - (remainingTimeMs?.() ?? 0))),
  };
}

async function readCursor(deps: ScanDeps, errors: ScanError[]): Promise<ScanCursor | undefined> {
  try {
    return await deps.history.getScanCursor?.();
  } catch (error) {
    errors.push({ stage: 'record', message: `scan cursor unreadable, starting from the first volume: ${messageOf(error)}` });
    return undefined;
  }
}

async function writeCursor(deps: ScanDeps, cursor: ScanCursor, errors: ScanError[]): Promise<void> {
  try {
    await deps.history.putScanCursor?.(cursor);
  } catch (error) {
    errors.push({ stage: 'record', message: `scan cursor not written, the next scan starts from the first volume: ${messageOf(error)}` });
  }
}

function latestValue(points: VolumeMetricSeries['containerStartP90Ms']): number | undefined {
  const last = points === undefined || points.length === 0 ? undefined : points.reduce((a, b) => (b.tEpochSeconds > a.tEpochSeconds ? b : a));
  return last !== undefined && Number.isFinite(last.value) ? last.value : undefined;
}

/** The report of a scan from its results. */
export function scanReport(r: { runId: string; now: number; dryRun: boolean; results: VolumeScanResult[]; errors: ScanError[]; metricsRequested: number; reconciled: number; volumesDeferred: number; volumesResting?: number }): ScanReport {
  const count = (kinds: readonly string[]) => r.results.filter((x) => kinds.includes(x.decision.kind)).length;
  return {
    runId: r.runId,
    nowEpochSeconds: r.now,
    dryRun: r.dryRun,
    volumesScanned: r.results.length,
    results: r.results,
    errors: r.errors,
    metricsRequested: r.metricsRequested,
    reconciled: r.reconciled,
    volumesDeferred: r.volumesDeferred,
    volumesResting: r.volumesResting ?? 0,
    counts: {
      alerts: count(['alert']),
      rescues: count(['rescue']),
      reverts: count(['revert']),
      blocked: count(['blocked']),
      notifications: r.results.filter((x) => x.notification !== undefined).length,
      errors: r.errors.length,
    },
  };
}
