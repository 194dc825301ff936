/**
 * The RDS pass of a scan (issue 15 part 2), in the volumes' shape: inventory (DescribeDBInstances,
 * selected by the opt-in tag) → reconcile open records → read plan (BurstBalance first, ReadIOPS and
 * WriteIOPS only where the bucket is not full and flat) → forecast (the volumes' forecaster: RDS gp2
 * storage has the gp2 bucket, 3 IOPS/GiB baseline, 3,000 IOPS burst, 5.4 million credits) → decide
 * (rds-decide.ts, RDS's storage rules in rds-ledger.ts) → act (intent first, then ModifyDBInstance)
 * → history → notify. One DB instance's failure never stops the pass, and the pass never stops the scan.
 */
import { DEFAULT_FORECAST_OPTIONS, forecastExhaustion } from '../forecast/forecast';
import { bucketSpecFor } from '../credit/credit-model';
import { bundledPriceBook } from '../decision/price-book';
import { decideDbInstance, selectDbInstance, type RdsDecision } from '../decision/rds-decide';
import { modificationIdFor } from '../decision/actions';
import { nextRdsNotification } from '../notification/rds-notify';
import type { BudgetState } from '../decision/types';
import type { Policy } from '../policy/schema';
import type { GuardianNotification, HistoryEventKind, ModificationRecord, RdsResourceRef } from '../ports';
import { rdsResourceKey, type RdsInstance, type RdsInventory, type RdsMetricField, type RdsMetricsReader, type RdsModifier } from '../rds-ports';
import type { Forecast, VolumeMetricSeries } from '../types';
import { classifyModifyFailure, type ModifyFailure } from './modify-failure';
import { isFullAndFlat } from './read-plan';
import { applyRdsBudget, startRdsBudget } from './rds-budget';
import { reconcileRdsRecords } from './rds-reconcile';
import { mapWithConcurrency, messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** The RDS ports of a scan (absent: the scan never lists a database). */
export interface RdsScanPorts {
  readonly inventory: RdsInventory;
  readonly metrics: RdsMetricsReader;
  readonly modifier: RdsModifier;
}

/** What happened to one watched DB instance. */
export interface RdsScanResult {
  readonly instance: RdsInstance;
  readonly forecast: Forecast;
  readonly decision: RdsDecision;
  /** `modified`: ModifyDBInstance accepted; `dry-run`: nothing called (RDS has no DryRun); `failed`: see `error`. */
  readonly action: 'none' | 'modified' | 'dry-run' | 'failed';
  readonly notification?: GuardianNotification;
  readonly error?: string;
}

/** The RDS part of a scan report. */
export interface RdsScanReport {
  readonly instancesListed: number;
  readonly results: readonly RdsScanResult[];
  readonly metricsRequested: number;
  readonly reconciled: number;
}

const PERIOD_SECONDS = 60;
/** Ledger reads in flight at once. */
const HISTORY_CONCURRENCY = 8;

/** Runs the RDS pass, under the budget the volumes' pass left (`volumesBudget`); errors are pushed to `errors` with the instance's `rds:<identifier>` key. Never throws. */
export async function runRdsScan(deps: ScanDeps, rds: RdsScanPorts, policy: Policy, region: string | undefined, now: number, errors: ScanError[], volumesBudget?: BudgetState): Promise<RdsScanReport> {
  let listed: RdsInstance[];
  try {
    listed = await rds.inventory.listDbInstances();
  } catch (error) {
    errors.push({ stage: 'inventory', message: `DescribeDBInstances failed, no DB instance watched this scan: ${messageOf(error)}` });
    return { instancesListed: 0, results: [], metricsRequested: 0, reconciled: 0 };
  }
  const reconciled = await reconcileRdsRecords(deps, listed, now, errors);
  const watched = listed.filter((i) => selectDbInstance(policy, i).selected).sort((a, b) => a.identifier.localeCompare(b.identifier));
  const { series, metricsRequested } = await readRdsSeries(rds.metrics, watched, now, errors);
  const prices = deps.prices ?? bundledPriceBook(region ?? policy.region ?? 'us-east-1');
  const results: RdsScanResult[] = [];
  const decided = await mapWithConcurrency(watched, HISTORY_CONCURRENCY, async (instance) => {
    const key = rdsResourceKey(instance.identifier);
    const forecast = forecastOf(instance, series.get(instance.identifier), now);
    let records: ModificationRecord[];
    try {
      records = await deps.history.listModifications(key);
    } catch (error) {
      errors.push({ stage: 'record', volumeId: key, message: `history unreadable, not acting on this DB instance: ${messageOf(error)}` });
      return undefined;
    }
    return { instance, forecast, records, decision: decideDbInstance({ policy, instance, forecast, records, prices, now }) };
  });
  // Most urgent rescue first, under what the volumes left of the run's budgets (rds-budget.ts).
  const ordered = decided.filter((d) => d !== undefined).sort((a, b) => urgencyOf(a.decision) - urgencyOf(b.decision));
  const budget = startRdsBudget(volumesBudget, ordered.flatMap((o) => o.records), now);
  for (const { instance, forecast, decision } of ordered) {
    const d = applyRdsBudget(decision, policy, budget, now);
    let action: RdsScanResult['action'] = d.kind === 'rescue' ? 'dry-run' : 'none';
    let error: string | undefined;
    let failure: ModifyFailure | undefined;
    if (d.kind === 'rescue' && !d.dryRun) {
      const acted = await actRescue(deps, rds.modifier, instance, d, now, errors);
      action = acted.ok ? 'modified' : 'failed';
      if (!acted.ok) error = acted.message;
      failure = acted.ok ? undefined : acted.failure;
    }
    // A failed rescue reaches on-call at once (deduplicated), unless the instance is gone.
    const notification = failure?.kind === 'volume-deleted' ? undefined : await notify(deps, policy, region, now, instance, d, { applied: action === 'modified', failure }, errors);
    results.push({ instance, forecast, decision: d, action, ...(notification === undefined ? {} : { notification }), ...(error === undefined ? {} : { error }) });
  }
  results.sort((a, b) => a.instance.identifier.localeCompare(b.instance.identifier));
  return { instancesListed: listed.length, results, metricsRequested, reconciled };
}

function urgencyOf(d: RdsDecision): number {
  return d.kind === 'rescue' ? d.urgencySeconds : Number.POSITIVE_INFINITY;
}

/** The volumes' forecaster on the instance's storage as one gp2 bucket of its allocated size (see docs/beyond-gp2.md on striping). */
function forecastOf(instance: RdsInstance, series: VolumeMetricSeries | undefined, now: number): Forecast {
  if (instance.storageType !== 'gp2') return { kind: 'not-burstable', reason: `${instance.storageType} storage has no burst bucket` };
  if (!(instance.allocatedStorageGiB > 0) || !bucketSpecFor('gp2', instance.allocatedStorageGiB).spendsCredits) return { kind: 'not-burstable', reason: `gp2 ${instance.allocatedStorageGiB} GiB: modelled as one volume, it never spends burst credits (not read)` };
  if (series === undefined) return { kind: 'insufficient-data', reason: 'no AWS/RDS BurstBalance read' };
  return forecastExhaustion(series, { type: 'gp2', sizeGiB: instance.allocatedStorageGiB }, now);
}

/**
 * The read plan: BurstBalance for every watched gp2 instance that can spend credits (gp2 under
 * 1,000 GiB), then ReadIOPS/WriteIOPS only for those whose bucket is not full and flat
 * (GetMetricData bills per metric requested, https://aws.amazon.com/cloudwatch/pricing/).
 */
async function readRdsSeries(reader: RdsMetricsReader, watched: readonly RdsInstance[], now: number, errors: ScanError[]): Promise<{ series: Map<string, VolumeMetricSeries>; metricsRequested: number }> {
  const burstable = watched.filter((i) => i.storageType === 'gp2' && i.allocatedStorageGiB > 0 && bucketSpecFor('gp2', i.allocatedStorageGiB).spendsCredits);
  const window = { startEpochSeconds: now - DEFAULT_FORECAST_OPTIONS.lookbackSeconds, endEpochSeconds: now, periodSeconds: PERIOD_SECONDS };
  const out = new Map<string, VolumeMetricSeries>();
  if (burstable.length === 0) return { series: out, metricsRequested: 0 };
  let metricsRequested = 0;
  const read = async (instances: readonly { identifier: string; fields: readonly RdsMetricField[] }[]) => {
    try {
      const result = await reader.readRdsMetrics({ instances, ...window });
      metricsRequested += result.metricsRequested;
      for (const [identifier, e] of result.errors) errors.push({ stage: 'metrics', volumeId: rdsResourceKey(identifier), message: messageOf(e) });
      return result.series;
    } catch (error) {
      metricsRequested += instances.reduce((n, i) => n + i.fields.length, 0);
      errors.push({ stage: 'metrics', message: `AWS/RDS metrics unreadable: ${messageOf(error)}` });
      return new Map<string, VolumeMetricSeries>();
    }
  };
  const first = await read(burstable.map((i) => ({ identifier: i.identifier, fields: ['burstBalancePercent'] })));
  const busy = burstable.filter((i) => {
    const balance = first.get(i.identifier)?.burstBalancePercent ?? [];
    return balance.length > 0 && !isFullAndFlat(balance, now);
  });
  const second = busy.length === 0 ? new Map<string, VolumeMetricSeries>() : await read(busy.map((i) => ({ identifier: i.identifier, fields: ['readOps', 'writeOps'] })));
  for (const [identifier, s] of first) {
    const io = second.get(identifier);
    out.set(identifier, { ...s, readOps: io?.readOps ?? [], writeOps: io?.writeOps ?? [] });
  }
  return { series: out, metricsRequested };
}

type ActOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly failure?: ModifyFailure };

/** Intent first, then ModifyDBInstance, then the result and the history event (DESIGN.md §3). */
async function actRescue(deps: ScanDeps, modifier: RdsModifier, instance: RdsInstance, d: Extract<RdsDecision, { kind: 'rescue' }>, now: number, errors: ScanError[]): Promise<ActOutcome> {
  const key = rdsResourceKey(instance.identifier);
  const resource: RdsResourceRef = { kind: 'rds', identifier: instance.identifier, engine: instance.engine };
  const record: ModificationRecord = {
    volumeId: key, modificationId: modificationIdFor(now, 'rescue'), kind: 'rescue', source: 'guardian', requestedEpochSeconds: now, status: 'intent',
    from: { type: 'gp2' }, to: { type: 'gp3' }, sizeGiB: instance.allocatedStorageGiB, reason: d.reasons.join('; '), dryRun: false,
    hourlyCostDeltaUSD: d.monthlyCostDeltaUSD / 730, monthlyCostDeltaUSD: d.monthlyCostDeltaUSD,
    ...(d.forecast.kind !== 'not-burstable' && d.forecast.kind !== 'insufficient-data' ? { burstBalanceBeforePercent: d.forecast.balancePercent } : {}),
    runId: deps.runId, resource,
  };
  const fail = (message: string, failure?: ModifyFailure): ActOutcome => {
    errors.push({ stage: 'act', volumeId: key, message });
    return { ok: false, message, ...(failure === undefined ? {} : { failure }) };
  };
  try {
    await deps.history.putIntent(record);
  } catch (error) {
    return fail(`intent not recorded, not modifying: ${messageOf(error)}`);
  }
  try {
    const change = await modifier.modifyStorageType({ identifier: instance.identifier, targetType: 'gp3' });
    const status = change.storageType === 'gp3' && change.status === 'storage-optimization' ? 'optimizing' : 'modifying';
    try {
      await deps.history.updateModification(key, record.modificationId, 'intent', { status, awsStartEpochSeconds: now });
    } catch (error) {
      errors.push({ stage: 'record', volumeId: key, message: `ModifyDBInstance accepted, its result not recorded; the next scan reconciles it from DescribeDBInstances: ${messageOf(error)}` });
    }
    await appendRdsEvent(deps, now, instance, d, 'rescue', `storage gp2 -> gp3 requested (ModifyDBInstance, ApplyImmediately): ${d.reasons.join('; ')}`, errors);
    return { ok: true };
  } catch (error) {
    const failure = classifyModifyFailure(error, now);
    if (failure.kind !== 'ambiguous') {
      const patch = { status: failure.kind, statusMessage: failure.reason, ...(failure.kind === 'rejected' ? { retryAfterEpochSeconds: failure.retryAfterEpochSeconds } : {}) } as const;
      await deps.history.updateModification(key, record.modificationId, 'intent', patch).catch((e: unknown) => errors.push({ stage: 'record', volumeId: key, message: messageOf(e) }));
    }
    await appendRdsEvent(deps, now, instance, d, 'failure', `ModifyDBInstance failed (${failure.kind}): ${failure.reason}`, errors);
    return fail(`ModifyDBInstance failed: ${messageOf(error)}`, failure);
  }
}

async function notify(deps: ScanDeps, policy: Policy, region: string | undefined, now: number, instance: RdsInstance, d: RdsDecision, outcome: { readonly applied: boolean; readonly failure: ModifyFailure | undefined }, errors: ScanError[]): Promise<GuardianNotification | undefined> {
  const { applied } = outcome;
  const failure = outcome.failure === undefined ? undefined : { reason: outcome.failure.reason, ...(outcome.failure.kind === 'rejected' ? { retryAfterEpochSeconds: outcome.failure.retryAfterEpochSeconds } : {}) };
  const key = rdsResourceKey(instance.identifier);
  let previous;
  try {
    previous = await deps.history.getNotificationState(key);
  } catch (error) {
    errors.push({ stage: 'record', volumeId: key, message: `notification state unreadable: ${messageOf(error)}` });
  }
  const next = nextRdsNotification({ decision: d, instance, previous, policy, now, applied, ...(failure === undefined ? {} : { failure }), ...(region === undefined ? {} : { region }), ...(deps.origin === undefined ? {} : { account: deps.origin.account }) });
  if (next.notification === undefined) {
    if (next.state !== undefined) await deps.history.putNotificationState(next.state).catch((e: unknown) => errors.push({ stage: 'record', volumeId: key, message: messageOf(e) }));
    return undefined;
  }
  try {
    await deps.notifier.notify(next.notification);
  } catch (error) {
    errors.push({ stage: 'notify', volumeId: key, message: messageOf(error) });
    return next.notification;
  }
  try {
    if (next.state !== undefined) await deps.history.putNotificationState(next.state);
  } catch (error) {
    errors.push({ stage: 'record', volumeId: key, message: `notification sent, its dedupe state not recorded: ${messageOf(error)}` });
  }
  // A failed rescue already has its `failure` event (actRescue).
  const kind: HistoryEventKind | undefined = failure !== undefined ? undefined : d.kind === 'alert' ? 'alert' : d.kind === 'blocked' ? 'blocked' : d.kind === 'rescue' && !applied ? 'rescue' : next.notification.event === 'recovered' ? 'alert-cleared' : undefined;
  if (kind !== undefined) await appendRdsEvent(deps, now, instance, d, kind, d.reasons.join('; '), errors);
  return next.notification;
}

async function appendRdsEvent(deps: ScanDeps, now: number, instance: RdsInstance, d: RdsDecision, kind: HistoryEventKind, summary: string, errors: ScanError[]): Promise<void> {
  const key = rdsResourceKey(instance.identifier);
  const forecast = 'forecast' in d ? d.forecast : undefined;
  const details: Record<string, unknown> = {
    resourceKind: 'rds', identifier: instance.identifier, engine: instance.engine, storageType: instance.storageType, volumeType: instance.storageType,
    sizeGiB: instance.allocatedStorageGiB, tags: instance.tags, decision: d,
    ...(forecast === undefined ? {} : { forecast }),
    ...(forecast?.kind === 'draining' ? { secondsToEmpty: forecast.secondsToEmpty, demandPerSecond: forecast.demandPerSecond } : {}),
    ...(d.kind === 'rescue' ? { from: 'gp2', to: 'gp3', monthlyCostDeltaUSD: d.monthlyCostDeltaUSD, dryRun: d.dryRun } : {}),
  };
  try {
    await deps.history.appendEvent({ volumeId: key, tEpochSeconds: now, kind, runId: deps.runId, summary, details, resource: { kind: 'rds', identifier: instance.identifier, engine: instance.engine } });
  } catch (error) {
    errors.push({ stage: 'record', volumeId: key, message: messageOf(error) });
  }
}
