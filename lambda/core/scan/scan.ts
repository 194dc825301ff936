/**
 * The scan use case (DESIGN.md §3): reconcile → inventory → metrics → forecast → decide → act →
 * record. Pure orchestration over the ports: the Lambda, the `scan` CLI and the simulated fleet all
 * run this one function. One volume's failure is recorded and the scan goes on.
 */
import { readInstanceBalances } from './instance-balances';
import { decide, intentRecordFor, isActing, modificationRequestFor, type ActingDecision, type Decision } from '../decision/decide';
import { activeRescue } from '../decision/volume';
import { forecastExhaustion } from '../forecast/forecast';
import { nextNotification } from '../notification/state';
import type { Policy } from '../policy/schema';
import type { HistoryEventKind, InventoryFilter, ModificationRecord, NotificationState, VolumeMetricsOutcome } from '../ports';
import { rescueFailedNotification } from '../notification/failure';
import { closeFailedIntent, failureSummary, recordAccepted } from './act-record';
import { recordExternalModifications } from './external';
import { classifyModifyFailure, type ModifyFailure } from './modify-failure';
import { reconcileOpenModifications, recordRoundTrips } from './reconcile';
import type { ScanDeps, ScanError, ScanReport, VolumeScanResult } from './types';
import { mapWithConcurrency, messageOf, monthToDateSpendUSD, scheduleIntervalSeconds } from './support';
import { isBurstableType, type Forecast, type VolumeDescription, type VolumeMetricSeries, type VolumeModification } from '../types';
import { withOriginDeps } from './origin';

export type { ScanDeps, ScanReport, VolumeScanResult, ScanError } from './types';

/** How far back a flipped volume's I/O is read for the revert replay, seconds. */
const FLIPPED_LOOKBACK_SECONDS = 24 * 3600;

/** DynamoDB/ledger reads in flight at once. */
const LEDGER_CONCURRENCY = 16;

/** Runs one scan at `nowEpochSeconds` and returns what it saw, decided and did. */
export async function runScan(input: ScanDeps, nowEpochSeconds: number): Promise<ScanReport> {
  const deps = withOriginDeps(input);
  const dryRun = deps.policy.dryRun || deps.dryRun === true;
  const policy: Policy = { ...deps.policy, dryRun };
  const region = deps.region ?? deps.origin?.region ?? policy.region;
  const errors: ScanError[] = [];
  const reconciled = await reconcileOpenModifications(deps, nowEpochSeconds, errors);

  let volumes: VolumeDescription[];
  try {
    volumes = await listManagedVolumes(deps, policy);
  } catch (error) {
    errors.push({ stage: 'inventory', message: messageOf(error) });
    return report(deps.runId, nowEpochSeconds, dryRun, [], errors, 0, reconciled);
  }

  const { series, forecasts, metricsRequested } = await readSeries(deps, policy, volumes, nowEpochSeconds, errors);

  const ledger = new Map<string, ModificationRecord[]>();
  const notificationStates = new Map<string, NotificationState | undefined>();
  await mapWithConcurrency(volumes, LEDGER_CONCURRENCY, async (volume) => {
    try {
      ledger.set(volume.volumeId, await deps.history.listModifications(volume.volumeId));
      notificationStates.set(volume.volumeId, await deps.history.getNotificationState(volume.volumeId));
    } catch (error) {
      errors.push({ stage: 'record', volumeId: volume.volumeId, message: `history unreadable: ${messageOf(error)}` });
    }
  });
  // A volume whose ledger could not be read is never acted on: without its ledger the limits are unknown.
  const decidable = volumes.filter((v) => ledger.has(v.volumeId));
  await recordRoundTrips(deps, decidable, ledger, series, errors);

  let awsModifications = new Map<string, VolumeModification>();
  try {
    awsModifications = await deps.modifier.describeModifications(decidable.map((v) => v.volumeId));
  } catch (error) {
    errors.push({ stage: 'decide', message: `DescribeVolumesModifications failed, acting on the guardian's ledger only: ${messageOf(error)}` });
  }
  await recordExternalModifications(deps, { volumes: decidable, ledger, latest: awsModifications, notificationStates, policy, region, now: nowEpochSeconds }, errors);
  const instanceBalances = await readInstanceBalances(deps, decidable, nowEpochSeconds, errors);
  const flipped = decidable.filter((v) => activeRescue({ volume: v, records: ledger.get(v.volumeId) ?? [] }) !== undefined).length;
  const decisions = decide({
    policy,
    ...(region === undefined ? {} : { region }),
    ...(deps.prices === undefined ? {} : { prices: deps.prices }),
    now: nowEpochSeconds,
    volumes: decidable,
    forecasts,
    metrics: series,
    ledger,
    awsModifications,
    instanceBalances,
    budget: { modificationsThisRun: 0, volumesFlipped: flipped, monthToDateSpendUSD: monthToDateSpendUSD([...ledger.values()].flat(), nowEpochSeconds) },
  });

  const results: VolumeScanResult[] = [];
  for (const [index, decision] of decisions.entries()) {
    const volume = decidable[index];
    if (volume === undefined) continue;
    const context = { volume, decision, forecast: forecasts.get(volume.volumeId) ?? insufficient('no forecast'), previous: notificationStates.get(volume.volumeId), p90: latestValue(series.get(volume.volumeId)?.containerStartP90Ms) };
    results.push(await handleVolume(deps, policy, region, nowEpochSeconds, context, errors));
  }
  for (const volume of volumes.filter((v) => !ledger.has(v.volumeId))) {
    results.push({ volume, forecast: forecasts.get(volume.volumeId) ?? insufficient('no forecast'), decision: { volumeId: volume.volumeId, kind: 'skip', skip: 'no-data', reasons: ['history unreadable: not acting without the ledger'] }, action: 'failed', error: 'history unreadable' });
  }
  return report(deps.runId, nowEpochSeconds, dryRun, results, errors, metricsRequested, reconciled);
}

/** Lists the burstable volumes the policy selects, plus the rescue-target types (flipped volumes are gp3/io1/io2 now). */
async function listManagedVolumes(deps: ScanDeps, policy: Policy): Promise<VolumeDescription[]> {
  const selection = policy.selection;
  const tags: Record<string, readonly string[]> = { ...selection.tags };
  if (selection.optInTag !== null) tags[selection.optInTag.key] = selection.optInTag.value === undefined ? [] : [selection.optInTag.value];
  const filter: InventoryFilter = {
    volumeTypes: [...new Set([...selection.volumeTypes, 'gp3', 'io1', 'io2'] as const)],
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    ...(selection.volumeIds.length === 0 ? {} : { volumeIds: selection.volumeIds }),
  };
  return deps.inventory.listVolumes(filter);
}

async function readSeries(deps: ScanDeps, policy: Policy, volumes: readonly VolumeDescription[], now: number, errors: ScanError[]): Promise<{ series: Map<string, VolumeMetricSeries>; forecasts: Map<string, Forecast>; metricsRequested: number }> {
  // The revert replay needs the trailing window; the forecaster needs about an hour. GetMetricData
  // bills per metric requested, not per datapoint, so a longer window costs nothing extra.
  const lookbackSeconds = Math.max(3 * 3600, (policy.revert.shadowBucket.trailingWindowMinutes + 60) * 60);
  const intervalSeconds = scheduleIntervalSeconds(policy.schedule);
  const byId = new Map(volumes.map((v) => [v.volumeId, v]));
  const series = new Map<string, VolumeMetricSeries>();
  const forecasts = new Map<string, Forecast>();
  const onVolume = (outcome: VolumeMetricsOutcome): void => {
    if (outcome.kind === 'error') {
      errors.push({ stage: 'metrics', volumeId: outcome.volumeId, message: messageOf(outcome.error) });
      return;
    }
    const volume = byId.get(outcome.series.volumeId);
    if (volume === undefined) return;
    const forecast = forecastSafely(outcome.series, volume, now, intervalSeconds);
    forecasts.set(volume.volumeId, forecast);
    // Keeping every series of a 10,000-volume fleet would cost hundreds of MB (docs/scan-benchmark.md).
    // Their BurstBalance is kept for the round-trip record (the first balance after a revert).
    series.set(volume.volumeId, forecast.kind === 'full' && isBurstableType(volume.type) ? balanceOnly(outcome.series) : outcome.series);
  };
  // Flipped (gp3/io1/io2) volumes need the I/O since the flip for the revert's shadow-bucket replay:
  // a day of it. They are few; the burstable fleet keeps the short window.
  const groups = [
    { volumes: volumes.filter((v) => isBurstableType(v.type)), lookbackSeconds },
    { volumes: volumes.filter((v) => !isBurstableType(v.type)), lookbackSeconds: Math.max(lookbackSeconds, FLIPPED_LOOKBACK_SECONDS) },
  ];
  let metricsRequested = 0;
  for (const group of groups.filter((g) => g.volumes.length > 0)) {
    const request = {
      volumes: group.volumes.map((v) => ({ volumeId: v.volumeId, type: v.type, ...(v.instanceId === undefined ? {} : { instanceId: v.instanceId }) })),
      startEpochSeconds: Math.floor((now - group.lookbackSeconds) / 60) * 60,
      endEpochSeconds: Math.floor(now / 60) * 60,
      periodSeconds: 60,
      ...(deps.probeNamespace === undefined ? {} : { probeNamespace: deps.probeNamespace }),
    };
    try {
      if (deps.metrics.streamMetrics !== undefined) {
        metricsRequested += (await deps.metrics.streamMetrics(request, onVolume)).metricsRequested;
      } else {
        const result = await deps.metrics.readMetrics(request);
        for (const s of result.series.values()) onVolume({ kind: 'series', series: s });
        for (const [volumeId, error] of result.errors) onVolume({ kind: 'error', volumeId, error });
        metricsRequested += result.metricsRequested;
      }
    } catch (error) {
      errors.push({ stage: 'metrics', message: `metrics unreadable, no volume is acted on for lack of data: ${messageOf(error)}` });
    }
  }
  for (const volume of volumes) {
    if (!forecasts.has(volume.volumeId)) forecasts.set(volume.volumeId, forecastSafely(undefined, volume, now, intervalSeconds));
  }
  return { series, forecasts, metricsRequested };
}

/** A full bucket triggers nothing: its ops series are not needed for sizing or replay. */
function balanceOnly(s: VolumeMetricSeries): VolumeMetricSeries {
  return { volumeId: s.volumeId, periodSeconds: s.periodSeconds, burstBalancePercent: s.burstBalancePercent, readOps: [], writeOps: [] };
}

function forecastSafely(series: VolumeMetricSeries | undefined, volume: VolumeDescription, now: number, intervalSeconds: number): Forecast {
  if (!isBurstableType(volume.type)) return { kind: 'not-burstable', reason: `${volume.type} has no burst bucket` };
  if (series === undefined) return insufficient('no metrics for this volume');
  try {
    return forecastExhaustion(series, volume, now, { intervalSeconds });
  } catch (error) {
    return insufficient(`forecast failed: ${messageOf(error)}`);
  }
}

interface VolumeContext {
  readonly volume: VolumeDescription;
  readonly decision: Decision;
  readonly forecast: Forecast;
  readonly previous: NotificationState | undefined;
  readonly p90: number | undefined;
}

/** Acts on one decision, notifies and records; never throws. */
async function handleVolume(deps: ScanDeps, policy: Policy, region: string | undefined, now: number, ctx: VolumeContext, errors: ScanError[]): Promise<VolumeScanResult> {
  const { volume, decision, forecast } = ctx;
  const base = { volume, forecast, decision, ...(ctx.p90 === undefined ? {} : { containerStartP90Ms: ctx.p90 }) };
  const outcome = nextNotification({ decision, volume, previous: ctx.previous, policy, now, ...(region === undefined ? {} : { region }), ...(ctx.p90 === undefined ? {} : { containerStartP90Ms: ctx.p90 }) });
  let action: VolumeScanResult['action'] = 'none';
  if (isActing(decision)) {
    // A dry run proves the permission (EC2 DryRun) once per new notification, not every scan.
    const result = decision.dryRun && outcome.notification === undefined ? OK : await act(deps, now, volume, decision, errors);
    if (!result.ok) {
      if (decision.kind === 'rescue' && !decision.dryRun) await notifyFailedRescue(deps, policy, region, now, ctx, result.failure, errors);
      return { ...base, action: 'failed', error: result.message };
    }
    action = decision.dryRun ? 'dry-run' : 'modified';
  }
  if (outcome.notification === undefined) return { ...base, action };
  try {
    // Send first, then store the state: on-call gets at-least-once delivery.
    await deps.notifier.notify(outcome.notification);
  } catch (error) {
    // Only a failed Publish is a `notify` error (its alarm says on-call was not told).
    errors.push({ stage: 'notify', volumeId: volume.volumeId, message: messageOf(error) });
    return { ...base, action, notification: outcome.notification };
  }
  try {
    if (outcome.state !== undefined) await deps.history.putNotificationState(outcome.state);
    // On a flipped volume "recovered" means the rescue took effect, not that demand eased: finance's
    // throttling-prevented estimate must not end there.
    const kind = outcome.notification.event === 'recovered' && !isBurstableType(volume.type) ? undefined : eventKindOf(decision, outcome.notification.event);
    if (kind !== undefined && !(isActing(decision) && !decision.dryRun)) await appendEvent(deps, now, volume, decision, forecast, kind, errors);
  } catch (error) {
    errors.push({ stage: 'record', volumeId: volume.volumeId, message: `notification sent, its dedupe state not recorded: ${messageOf(error)}` });
  }
  return { ...base, action, notification: outcome.notification };
}

type ActResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly failure?: ModifyFailure };
const OK: ActResult = { ok: true };

/** Intent first, then ModifyVolume, then the result (DESIGN.md §3). */
async function act(deps: ScanDeps, now: number, volume: VolumeDescription, decision: ActingDecision, errors: ScanError[]): Promise<ActResult> {
  const request = modificationRequestFor(decision);
  if (decision.dryRun) {
    try {
      await deps.modifier.modifyVolume(request, { dryRun: true });
      return OK;
    } catch (error) {
      return { ok: false, message: fail(errors, volume.volumeId, `dry-run ModifyVolume refused: ${messageOf(error)}`) };
    }
  }
  const record = intentRecordFor(decision, { now, runId: deps.runId, sizeGiB: volume.sizeGiB });
  try {
    await deps.history.putIntent(record);
  } catch (error) {
    return { ok: false, message: fail(errors, volume.volumeId, `intent not recorded, not modifying: ${messageOf(error)}`) };
  }
  let modification;
  try {
    modification = await deps.modifier.modifyVolume(request, { dryRun: false });
  } catch (error) {
    const failure = classifyModifyFailure(error, now);
    await closeFailedIntent(deps, record, failure, errors);
    await appendEvent(deps, now, volume, decision, undefined, 'failure', errors, failureSummary(failure));
    return { ok: false, failure, message: fail(errors, volume.volumeId, `ModifyVolume failed: ${messageOf(error)}`) };
  }
  // The flip happened: only its record may still fail, and reconciliation recovers that (never a `failure`).
  if ((await recordAccepted(deps, record, modification, errors)) === 'recorded') await appendEvent(deps, now, volume, decision, undefined, decision.kind, errors);
  return OK;
}

/** A failed rescue reaches on-call, deduplicated, with when the guardian tries again (issue 11). */
async function notifyFailedRescue(deps: ScanDeps, policy: Policy, region: string | undefined, now: number, ctx: VolumeContext, failure: ModifyFailure | undefined, errors: ScanError[]): Promise<void> {
  if (failure === undefined || failure.kind === 'volume-deleted' || ctx.decision.kind !== 'rescue') return;
  const outcome = rescueFailedNotification({
    volume: ctx.volume, targetType: ctx.decision.target.type, reason: failureSummary(failure),
    retryAfterEpochSeconds: failure.kind === 'rejected' ? failure.retryAfterEpochSeconds : undefined, answerLost: failure.kind === 'ambiguous',
    previous: ctx.previous, policy, now, ...(region === undefined ? {} : { region }),
  });
  if (outcome.notification === undefined) return;
  try {
    await deps.notifier.notify(outcome.notification);
    if (outcome.state !== undefined) await deps.history.putNotificationState(outcome.state);
  } catch (error) {
    errors.push({ stage: 'notify', volumeId: ctx.volume.volumeId, message: messageOf(error) });
  }
}

async function appendEvent(deps: ScanDeps, now: number, volume: VolumeDescription, decision: Decision, forecast: Forecast | undefined, kind: HistoryEventKind, errors: ScanError[], failure?: string): Promise<void> {
  const f = forecast ?? ('forecast' in decision ? decision.forecast : undefined);
  const details: Record<string, unknown> = {
    volumeType: volume.type,
    sizeGiB: volume.sizeGiB,
    // Finance groups by a tag (`report --by tag:team`): the tags as the volume had them then.
    tags: volume.tags,
    decision,
    ...(f === undefined ? {} : { forecast: f }),
    ...(f !== undefined && f.kind === 'draining' ? { secondsToEmpty: f.secondsToEmpty, demandPerSecond: f.demandPerSecond } : {}),
    ...(f !== undefined && f.kind === 'empty' ? { secondsToEmpty: 0, demandPerSecond: f.demandPerSecond } : {}),
    ...(failure === undefined ? {} : { error: failure }),
  };
  try {
    await deps.history.appendEvent({ volumeId: volume.volumeId, tEpochSeconds: now, kind, runId: deps.runId, summary: failure ?? decision.reasons.join('; '), details });
  } catch (error) {
    errors.push({ stage: 'record', volumeId: volume.volumeId, message: messageOf(error) });
  }
}

function eventKindOf(decision: Decision, event: string): HistoryEventKind | undefined {
  if (event === 'recovered') return 'alert-cleared';
  switch (decision.kind) {
    case 'alert':
      return 'alert';
    case 'rescue':
    case 'revert':
      return decision.kind;
    case 'blocked':
      return 'blocked';
    case 'stay-recommendation':
      return 'recommendation';
    default:
      return undefined;
  }
}

function fail(errors: ScanError[], volumeId: string, message: string): string {
  errors.push({ stage: 'act', volumeId, message });
  return message;
}

function insufficient(reason: string): Forecast {
  return { kind: 'insufficient-data', reason };
}

function latestValue(points: VolumeMetricSeries['containerStartP90Ms']): number | undefined {
  const last = points === undefined || points.length === 0 ? undefined : points.reduce((a, b) => (b.tEpochSeconds > a.tEpochSeconds ? b : a));
  return last !== undefined && Number.isFinite(last.value) ? last.value : undefined;
}


function report(runId: string, now: number, dryRun: boolean, results: VolumeScanResult[], errors: ScanError[], metricsRequested: number, reconciled: number): ScanReport {
  const count = (kinds: readonly string[]) => results.filter((r) => kinds.includes(r.decision.kind)).length;
  return {
    runId,
    nowEpochSeconds: now,
    dryRun,
    volumesScanned: results.length,
    results,
    errors,
    metricsRequested,
    reconciled,
    counts: {
      alerts: count(['alert']),
      rescues: count(['rescue']),
      reverts: count(['revert']),
      blocked: count(['blocked']),
      notifications: results.filter((r) => r.notification !== undefined).length,
      errors: errors.length,
    },
  };
}
