/**
 * What the guardian's flip spared the volume (issue 14): while it is flipped, the demand observed
 * since the flip (on the provisioned type it is the real demand, with no burst ceiling) is replayed
 * through the bucket the volume would have had unaided, starting from its balance at the flip.
 * Wherever that bucket is empty and a datapoint's demand exceeds the baseline, the unaided volume
 * would have been throttled to its baseline (general-purpose.html, "I/O credits and burst
 * performance": an empty bucket serves the baseline). The tally accumulates scan by scan; a scan
 * counts only datapoints that start at or after the last counted one ended, so overlapping metric
 * windows never count a datapoint twice. Same exact constant-demand bucket as shadow.ts.
 */
import { advanceBucket, bucketSpecFor, creditsFromBalancePercent } from '../credit/credit-model';
import type { ShadowThrottling } from '../ports';
import type { BurstableVolumeType, VolumeMetricSeries } from '../types';
import { demandPoints } from './shadow';

/** What the tally needs. */
export interface ShadowThrottlingInput {
  readonly originalType: BurstableVolumeType;
  readonly sizeGiB: number;
  readonly series: VolumeMetricSeries | undefined;
  /** When the volume left its burstable type (the rescue's request time): earlier datapoints never count. */
  readonly sinceEpochSeconds: number;
  /** The unaided bucket's balance at the flip (the rescue's BurstBalance before). */
  readonly startBalancePercent: number;
  /** What earlier scans recorded; undefined before the first. */
  readonly previous: ShadowThrottling | undefined;
  readonly now: number;
}

/**
 * The tally with every complete datapoint newer than `previous` added, or undefined when there is
 * none (nothing to record). Gaps are skipped, neither draining nor refilling the bucket: a period
 * not observed is never counted as throttled.
 */
export function tallyShadowThrottling(input: ShadowThrottlingInput): ShadowThrottling | undefined {
  if (input.series === undefined) return undefined;
  const period = input.series.periodSeconds;
  const spec = bucketSpecFor(input.originalType, input.sizeGiB);
  const from = Math.max(input.sinceEpochSeconds, input.previous?.throughEpochSeconds ?? Number.NEGATIVE_INFINITY);
  const points = demandPoints(input.series, input.originalType).filter((p) => p.tEpochSeconds >= from && p.tEpochSeconds + period <= input.now);
  if (points.length === 0) return undefined;
  let tally: ShadowThrottling = input.previous ?? {
    throughEpochSeconds: input.sinceEpochSeconds,
    credits: creditsFromBalancePercent(spec, input.startBalancePercent),
    throttledSeconds: 0,
    deferredUnits: 0,
    datapoints: 0,
  };
  for (const p of points) {
    const step = advanceBucket(spec, tally.credits, p.value, period);
    // Throttled from the moment the bucket is empty (0 when it already was) to the datapoint's end,
    // only while demand exceeds the baseline; a volume that never spends credits is never throttled by its bucket.
    const emptyFor = spec.spendsCredits && p.value > spec.baselinePerSecond && step.emptiedAfterSeconds !== undefined ? period - step.emptiedAfterSeconds : 0;
    tally = {
      throughEpochSeconds: p.tEpochSeconds + period,
      credits: step.creditsAfter,
      throttledSeconds: tally.throttledSeconds + emptyFor,
      deferredUnits: tally.deferredUnits + (Math.min(p.value, spec.burstPerSecond) - spec.baselinePerSecond) * emptyFor,
      datapoints: tally.datapoints + 1,
    };
  }
  return tally;
}

/** How often a tally is written while it only grows (shadow-tally.ts sets them). */
export interface ShadowWriteCadence {
  /** A tally that counts more throttling is written once the stored one is this old (seconds of data). */
  readonly throttlingEverySeconds: number;
  /** A tally whose bucket only refilled or drained is written once the stored one is this old. */
  readonly bucketEverySeconds: number;
}

/**
 * True when `next` is worth a write: it is the first tally, or it changed and the stored one is old
 * enough for that kind of change (`cadence`), or `final` (the flip ends now: write whatever changed).
 * Otherwise the stored tally stands: replaying the same datapoints from it next scan gives the same
 * result, provided they are still in the scan's metrics window (so both intervals must stay well
 * inside it).
 */
export function shadowThrottlingWorthWriting(previous: ShadowThrottling | undefined, next: ShadowThrottling, cadence: ShadowWriteCadence, final = false): boolean {
  if (previous === undefined) return true;
  const throttled = next.throttledSeconds !== previous.throttledSeconds || next.deferredUnits !== previous.deferredUnits;
  const bucket = Math.abs(next.credits - previous.credits) > 1e-6;
  if (final) return throttled || bucket;
  const age = next.throughEpochSeconds - previous.throughEpochSeconds;
  return (throttled && age >= cadence.throttlingEverySeconds) || (bucket && age >= cadence.bucketEverySeconds);
}

/**
 * Seconds the unaided volume would have been throttled had its demand come in bursts at its burst
 * ceiling, as container starts do: the deferred demand over the ceiling's margin above the baseline.
 * CloudWatch's 1-minute sums cannot show how demand moved within a minute, so this is the lower end
 * and `throttledSeconds` (steady demand within each minute) the upper end of the same replay.
 */
export function burstShapedThrottledSeconds(tally: Pick<ShadowThrottling, 'deferredUnits' | 'throttledSeconds'>, originalType: BurstableVolumeType, sizeGiB: number): number {
  const spec = bucketSpecFor(originalType, sizeGiB);
  const margin = spec.burstPerSecond - spec.baselinePerSecond;
  return margin > 0 ? Math.min(tally.throttledSeconds, tally.deferredUnits / margin) : 0;
}
