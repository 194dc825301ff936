/**
 * The "Instance EBS buckets" part of finance's report (issue 15 part 1): each EC2 instance whose own
 * EBS burst bucket (`EBSIOBalance%` / `EBSByteBalance%`) the guardian alerted on in the period, or
 * whose bucket made it refuse a volume's flip. Alerts are the `alert` events stored under the
 * instance id (core/instance-keys.ts, written by scan/instance-alerts.ts when a notification went
 * out); refusals are the volumes' `blocked` events whose decision says `instance-bucket`, attributed
 * through the `instanceId` the scan records beside the decision. The guardian never changes an
 * instance, so there is no cost here: the fix and its monthly price difference are the latest
 * alert's suggestion.
 */
import { isInstanceKey } from '../instance-keys';
import type { HistoryEvent } from '../ports';
import { fieldAt, numberAt } from './effects';
import type { ReportPeriod } from './types';

/** The fix the latest alert suggested: a size whose EBS bandwidth covers the drain. */
export interface InstanceFixLine {
  readonly instanceType: string;
  readonly burstable: boolean;
  /** Monthly price difference of the move, USD (positive = costs more); absent when unpriced. */
  readonly monthlyDeltaUSD?: number;
  readonly text: string;
}

/** One instance over the period. */
export interface InstanceBucketLine {
  readonly instanceId: string;
  readonly instanceType?: string;
  readonly accountId?: string;
  readonly region?: string;
  /** `instance-bucket` notifications sent (early warnings and pages). */
  readonly alertsSent: number;
  /** Of which pages (severity critical). */
  readonly pagesSent: number;
  /** Volume flips refused because this instance's bucket was the wall (one per `blocked` notification, as recorded). */
  readonly refusedFlips: number;
  /** The selected volumes the alerts named, and those whose flip was refused. */
  readonly volumeIds: readonly string[];
  readonly firstAlertEpochSeconds?: number;
  readonly lastAlertEpochSeconds?: number;
  /** The lowest balance an alert reported (the bucket that empties first). */
  readonly lowestBalancePercent?: number;
  readonly fix?: InstanceFixLine;
}

/** The section: instances, most alerted first, and the totals. */
export interface InstanceReport {
  readonly instances: readonly InstanceBucketLine[];
  readonly alertsSent: number;
  readonly refusedFlips: number;
}

interface Tally {
  instanceId: string;
  instanceType?: string;
  accountId?: string;
  region?: string;
  alertsSent: number;
  pagesSent: number;
  refusedFlips: number;
  volumeIds: Set<string>;
  firstAlertEpochSeconds?: number;
  lastAlertEpochSeconds?: number;
  lowestBalancePercent?: number;
  fix?: InstanceFixLine;
}

/** The instance section from the period's events (events outside the period are ignored). */
export function buildInstanceReport(period: ReportPeriod, events: readonly HistoryEvent[]): InstanceReport {
  const tallies = new Map<string, Tally>();
  const tallyOf = (instanceId: string, e: HistoryEvent): Tally => {
    let t = tallies.get(instanceId);
    if (t === undefined) tallies.set(instanceId, (t = { instanceId, alertsSent: 0, pagesSent: 0, refusedFlips: 0, volumeIds: new Set() }));
    if (e.accountId !== undefined) t.accountId = e.accountId;
    if (e.region !== undefined) t.region = e.region;
    return t;
  };
  const sorted = events.filter((e) => e.tEpochSeconds >= period.sinceEpochSeconds && e.tEpochSeconds < period.untilEpochSeconds).sort((a, b) => a.tEpochSeconds - b.tEpochSeconds);
  for (const e of sorted) {
    if (isInstanceKey(e.volumeId) && e.kind === 'alert') addAlert(tallyOf(e.volumeId, e), e);
    const refusedOn = refusingInstance(e);
    if (refusedOn !== undefined) {
      const t = tallyOf(refusedOn, e);
      t.refusedFlips += 1;
      t.volumeIds.add(e.volumeId);
    }
  }
  const instances = [...tallies.values()]
    .map(({ volumeIds, ...t }): InstanceBucketLine => ({ ...t, volumeIds: [...volumeIds].sort() }))
    .sort((a, b) => b.alertsSent + b.refusedFlips - (a.alertsSent + a.refusedFlips) || a.instanceId.localeCompare(b.instanceId));
  return { instances, alertsSent: sum(instances, (i) => i.alertsSent), refusedFlips: sum(instances, (i) => i.refusedFlips) };
}

function addAlert(t: Tally, e: HistoryEvent): void {
  t.alertsSent += 1;
  if (fieldAt(e.details, 'severity') === 'critical') t.pagesSent += 1;
  t.firstAlertEpochSeconds ??= e.tEpochSeconds;
  t.lastAlertEpochSeconds = e.tEpochSeconds;
  const facts = fieldAt(e.details, 'instance');
  const type = fieldAt(facts, 'instanceType');
  if (typeof type === 'string') t.instanceType = type;
  const volumes = fieldAt(facts, 'attachedVolumeIds');
  if (Array.isArray(volumes)) for (const v of volumes) if (typeof v === 'string') t.volumeIds.add(v);
  const balance = numberAt(e.details, 'balancePercent');
  if (balance !== undefined) t.lowestBalancePercent = Math.min(balance, t.lowestBalancePercent ?? balance);
  const fix = fixOf(fieldAt(facts, 'fix'));
  if (fix !== undefined) t.fix = fix;
}

function fixOf(value: unknown): InstanceFixLine | undefined {
  const instanceType = fieldAt(value, 'instanceType');
  const text = fieldAt(value, 'text');
  if (typeof instanceType !== 'string' || typeof text !== 'string') return undefined;
  const delta = numberAt(value, 'monthlyDeltaUSD');
  return { instanceType, burstable: fieldAt(value, 'burstable') === true, ...(delta === undefined ? {} : { monthlyDeltaUSD: delta }), text };
}

/** The instance a volume's `blocked` event was refused for, when the refusal was the instance bucket's and the scan recorded the instance. */
function refusingInstance(e: HistoryEvent): string | undefined {
  if (e.kind !== 'blocked' || isInstanceKey(e.volumeId)) return undefined;
  if (fieldAt(fieldAt(e.details, 'decision'), 'block') !== 'instance-bucket') return undefined;
  const instanceId = fieldAt(e.details, 'instanceId');
  return typeof instanceId === 'string' && isInstanceKey(instanceId) ? instanceId : undefined;
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}
