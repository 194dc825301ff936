/**
 * The scan's read plan (issue 12, lever 1): GetMetricData bills per metric requested
 * (https://aws.amazon.com/cloudwatch/pricing/), so each volume gets only the metrics its decision
 * can use. Two rounds per chunk: BurstBalance first; the I/O series only where the bucket is not
 * full and flat. Pure: the scan hands it volumes, the ledger and the first round's series.
 */
import { bucketSpecFor } from '../credit/credit-model';
import type { Policy } from '../policy/schema';
import type { MetricField, MetricsRequestVolume } from '../ports';
import { isBurstableType, type VolumeDescription, type VolumeMetricSeries, type VolumeType } from '../types';

/**
 * A bucket whose BurstBalance stayed at or above this over `FLAT_WINDOW_SECONDS` is full and flat:
 * demand was at or below the baseline, and the forecaster says `full` from BurstBalance alone
 * (its own full threshold is 99.5 %, lambda/core/forecast/forecast.ts).
 */
export const FULL_FLAT_PERCENT = 99.5;

/** How far back "flat" looks, seconds. */
export const FLAT_WINDOW_SECONDS = 30 * 60;

/**
 * `VolumeIOPSExceededCheck` only tells "throttled now", which the forecaster asks only below 1 %
 * BurstBalance; reading it below 5 % leaves a margin for a 5-minute scan interval.
 */
export const NEAR_EMPTY_PERCENT = 5;

/** The metrics a volume type's default read covers when nothing narrower is planned (the reader's full set). */
export function defaultMetricFields(volume: Pick<VolumeDescription, 'type' | 'instanceId'>, options: { readonly probeNamespace?: string; readonly iopsExceededCheck?: boolean } = {}): MetricField[] {
  const fields: MetricField[] = [];
  // BurstBalance exists only for gp2/st1/sc1: asking for it elsewhere costs money and returns nothing.
  if (isBurstableType(volume.type)) fields.push('burstBalancePercent');
  fields.push('readOps', 'writeOps');
  // st1/sc1 spend throughput credits, so their demand is in bytes.
  if (volume.type === 'st1' || volume.type === 'sc1') fields.push('readBytes', 'writeBytes');
  if (volume.type === 'gp2' && (options.iopsExceededCheck ?? true)) fields.push('iopsExceededCheck');
  if (options.probeNamespace !== undefined && volume.instanceId !== undefined) fields.push('containerStartP90Ms');
  return fields;
}

/** How the scan will read one volume. */
export type VolumeReadPlan =
  /** Nothing to read: not selected, never flipped gp3/io1/io2, or a gp2 ≥ 1,000 GiB that never spends credits. */
  | { readonly kind: 'none' }
  /** A burstable volume: BurstBalance first, then `secondRound` decides the rest. */
  | { readonly kind: 'balance-first' }
  /**
   * Exactly these fields in one round: a volume the guardian flipped (its I/O since the flip, for the
   * revert's shadow-bucket replay), or one an override rescues at once (sized from its demand).
   */
  | { readonly kind: 'fields'; readonly fields: readonly MetricField[]; readonly flipped: boolean };

/** What the first round needs to know about a volume besides the volume itself. */
export interface FirstRoundContext {
  readonly selected: boolean;
  /** The type before the guardian's active rescue, when the volume is flipped. */
  readonly rescuedFrom?: VolumeType;
  /** An override rescues it without waiting for a trigger. */
  readonly rescueImmediately: boolean;
  readonly probeNamespace?: string;
}

/** The first-round plan of one volume. */
export function firstRoundPlan(volume: VolumeDescription, ctx: FirstRoundContext): VolumeReadPlan {
  if (!ctx.selected) return { kind: 'none' };
  const from = ctx.rescuedFrom;
  if (from !== undefined && !isBurstableType(volume.type)) {
    return { kind: 'fields', flipped: true, fields: from === 'st1' || from === 'sc1' ? ['readOps', 'writeOps', 'readBytes', 'writeBytes'] : ['readOps', 'writeOps'] };
  }
  if (!isBurstableType(volume.type)) return { kind: 'none' };
  if (ctx.rescueImmediately) return { kind: 'fields', flipped: false, fields: defaultMetricFields(volume, ctx.probeNamespace === undefined ? {} : { probeNamespace: ctx.probeNamespace }) };
  // gp2 at 1,000 GiB and more: the baseline reaches the burst, no credits are spent (general-purpose.html).
  if (!bucketSpecFor(volume.type, volume.sizeGiB).spendsCredits) return { kind: 'none' };
  return { kind: 'balance-first' };
}

/** The second-round fields of a burstable volume given its BurstBalance; empty when BurstBalance alone decides. */
export function secondRoundFields(
  volume: Pick<VolumeDescription, 'type' | 'instanceId'>,
  balance: VolumeMetricSeries['burstBalancePercent'],
  context: { readonly now: number; readonly policy?: Policy; readonly probeNamespace?: string },
): MetricField[] {
  const latest = balance.at(-1);
  // No BurstBalance (detached, stopped, new): no I/O datapoints either, and the forecaster says insufficient data.
  if (latest === undefined) return [];
  if (isFullAndFlat(balance, context.now)) return [];
  const fields: MetricField[] = ['readOps', 'writeOps'];
  if (volume.type === 'st1' || volume.type === 'sc1') fields.push('readBytes', 'writeBytes');
  const lowest = Math.min(...balance.slice(-5).map((p) => p.value));
  if (volume.type === 'gp2' && lowest < NEAR_EMPTY_PERCENT) fields.push('iopsExceededCheck');
  const probe = context.policy === undefined ? undefined : probeBalanceBelow(context.policy);
  if (probe !== undefined && context.probeNamespace !== undefined && volume.instanceId !== undefined && lowest < probe) fields.push('containerStartP90Ms');
  return fields;
}

/** True when every BurstBalance point of the last `FLAT_WINDOW_SECONDS` is at least `FULL_FLAT_PERCENT`. */
export function isFullAndFlat(balance: VolumeMetricSeries['burstBalancePercent'], now: number): boolean {
  const recent = balance.filter((p) => p.tEpochSeconds >= now - FLAT_WINDOW_SECONDS);
  return recent.length > 0 && recent.every((p) => p.value >= FULL_FLAT_PERCENT);
}

/** The balance below which the probe's trigger can fire, when the policy uses it. */
function probeBalanceBelow(policy: Policy): number | undefined {
  return policy.rescue.trigger.containerStart?.balanceBelowPercent;
}

/** A request entry naming exactly the fields to read. */
export function requestVolume(volume: VolumeDescription, fields: readonly MetricField[]): MetricsRequestVolume {
  return { volumeId: volume.volumeId, type: volume.type, ...(volume.instanceId === undefined ? {} : { instanceId: volume.instanceId }), fields };
}

/** The first round's series with the second round's merged in (the second has no BurstBalance). */
export function mergeSeries(first: VolumeMetricSeries, second: VolumeMetricSeries | undefined): VolumeMetricSeries {
  if (second === undefined) return first;
  return { ...second, burstBalancePercent: first.burstBalancePercent };
}
