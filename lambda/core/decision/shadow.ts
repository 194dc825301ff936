/**
 * The revert test: replay the I/O observed since the flip through a shadow gp2 (or st1/sc1) bucket
 * of the volume's size and require its balance to stay above a floor over a trailing window. On the
 * provisioned type the observed ops are the real demand (no burst ceiling), so the replay shows
 * whether the volume could live on its burstable type again. The bucket starts empty unless the
 * policy says otherwise: AWS does not document the balance after a round trip (DESIGN.md §1).
 * Uses the exact constant-demand bucket of credit-model.ts, one step per datapoint.
 */
import { advanceBucket, balancePercentOf, bucketSpecFor, creditsFromBalancePercent } from '../credit/credit-model';
import type { BurstableVolumeType, MetricPoint, VolumeMetricSeries } from '../types';

/** MiB in bytes: st1/sc1 buckets count MiB of throughput. */
const BYTES_PER_MIB = 1_048_576;
/** Share of the trailing window's datapoints that must be present to judge it. */
const MIN_WINDOW_COVERAGE = 0.8;

/** What the replay needs. */
export interface ShadowReplayInput {
  readonly originalType: BurstableVolumeType;
  readonly sizeGiB: number;
  readonly series: VolumeMetricSeries | undefined;
  /** When the volume left its burstable type (the rescue's request time). */
  readonly sinceEpochSeconds: number;
  readonly now: number;
  readonly startBalancePercent: number;
  readonly floorPercent: number;
  readonly trailingWindowSeconds: number;
}

/** The replay's verdict. */
export type ShadowReplay =
  | { readonly kind: 'sustainable'; readonly minBalancePercent: number; readonly finalBalancePercent: number }
  | { readonly kind: 'not-sustainable'; readonly minBalancePercent: number; readonly finalBalancePercent: number }
  | { readonly kind: 'insufficient-data'; readonly reason: string };

/**
 * Per-period demand (ops/s, or MiB/s for st1/sc1) from the Sum series, joined on timestamps; a
 * period missing from either series is missing (never zero).
 */
export function demandPoints(series: VolumeMetricSeries, type: BurstableVolumeType): MetricPoint[] {
  const [a, b] = type === 'gp2' ? [series.readOps, series.writeOps] : [series.readBytes ?? [], series.writeBytes ?? []];
  const scale = type === 'gp2' ? 1 : 1 / BYTES_PER_MIB;
  const other = new Map(b.map((p) => [p.tEpochSeconds, p.value]));
  return a
    .flatMap((p) => {
      const v = other.get(p.tEpochSeconds);
      return v === undefined ? [] : [{ tEpochSeconds: p.tEpochSeconds, value: ((p.value + v) * scale) / series.periodSeconds }];
    })
    .sort((x, y) => x.tEpochSeconds - y.tEpochSeconds);
}

/** Replays the observed demand since the flip through a shadow bucket and judges the trailing window. */
export function replayShadowBucket(input: ShadowReplayInput): ShadowReplay {
  if (input.series === undefined) return { kind: 'insufficient-data', reason: 'no metrics since the flip' };
  const period = input.series.periodSeconds;
  const spec = bucketSpecFor(input.originalType, input.sizeGiB);
  const points = demandPoints(input.series, input.originalType).filter((p) => p.tEpochSeconds >= input.sinceEpochSeconds && p.tEpochSeconds + period <= input.now);
  const windowStart = input.now - input.trailingWindowSeconds;
  const expected = Math.floor(input.trailingWindowSeconds / period);
  const inWindow = points.filter((p) => p.tEpochSeconds >= windowStart).length;
  if (expected === 0 || inWindow < MIN_WINDOW_COVERAGE * expected) {
    return { kind: 'insufficient-data', reason: `${inWindow} of ${expected} datapoints in the trailing window` };
  }
  // Gaps are skipped: no refill is credited for a period we did not observe (the cautious side).
  let credits = creditsFromBalancePercent(spec, input.startBalancePercent);
  let minBalancePercent = Number.POSITIVE_INFINITY;
  for (const p of points) {
    const step = advanceBucket(spec, credits, p.value, period);
    const lowest = step.emptiedAfterSeconds !== undefined ? 0 : Math.min(credits, step.creditsAfter);
    credits = step.creditsAfter;
    if (p.tEpochSeconds >= windowStart) minBalancePercent = Math.min(minBalancePercent, balancePercentOf(spec, lowest));
  }
  const finalBalancePercent = balancePercentOf(spec, credits);
  return minBalancePercent > input.floorPercent
    ? { kind: 'sustainable', minBalancePercent, finalBalancePercent }
    : { kind: 'not-sustainable', minBalancePercent, finalBalancePercent };
}
