/**
 * Cleaning of the CloudWatch series the forecaster reads. GetMetricData may return points out of
 * order, duplicated (overlapping pages), NaN, in the future of `now` (clock skew), or not at all:
 * a missing point is missing, never zero (DESIGN.md §2). Pure: `now` is an argument.
 */
import type { MetricPoint } from '../types';

/** A cleaned series: sorted by time, one finite point per timestamp, none after `now`. */
export interface CleanSeries {
  readonly points: readonly MetricPoint[];
  /** Points dropped as NaN/Infinity, duplicates or in the future: each lowers confidence. */
  readonly droppedCount: number;
}

/**
 * Sorts, drops non-finite values and points that start after `nowEpochSeconds` or before
 * `sinceEpochSeconds`, and merges duplicates of one timestamp into their mean.
 */
export function cleanPoints(points: readonly MetricPoint[], sinceEpochSeconds: number, nowEpochSeconds: number): CleanSeries {
  const byTime = new Map<number, { sum: number; count: number }>();
  let dropped = 0;
  for (const p of points) {
    if (!Number.isFinite(p.value) || !Number.isFinite(p.tEpochSeconds) || p.tEpochSeconds > nowEpochSeconds) {
      dropped += 1;
      continue;
    }
    if (p.tEpochSeconds < sinceEpochSeconds) continue;
    const slot = byTime.get(p.tEpochSeconds);
    if (slot === undefined) byTime.set(p.tEpochSeconds, { sum: p.value, count: 1 });
    else {
      slot.sum += p.value;
      slot.count += 1;
      dropped += 1;
    }
  }
  const clean = [...byTime.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([tEpochSeconds, s]) => ({ tEpochSeconds, value: s.sum / s.count }));
  return { points: clean, droppedCount: dropped };
}

/**
 * Adds two per-period Sum series (e.g. VolumeReadOps + VolumeWriteOps) and divides by the period
 * to get a rate per second (https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html:
 * "To calculate the average IOPS, divide the total operations in the period by the number of
 * seconds in that period"). A timestamp present in only one series is kept only when the other
 * series is empty altogether (a missing point is unknown, not zero).
 */
export function ratePerSecond(a: CleanSeries, b: CleanSeries, periodSeconds: number, divisor = 1): MetricPoint[] {
  const bByTime = new Map(b.points.map((p) => [p.tEpochSeconds, p.value]));
  const aByTime = new Map(a.points.map((p) => [p.tEpochSeconds, p.value]));
  const times = new Set<number>([...aByTime.keys(), ...bByTime.keys()]);
  const out: MetricPoint[] = [];
  for (const t of [...times].sort((x, y) => x - y)) {
    const va = aByTime.get(t) ?? (a.points.length === 0 ? 0 : undefined);
    const vb = bByTime.get(t) ?? (b.points.length === 0 ? 0 : undefined);
    if (va === undefined || vb === undefined || va < 0 || vb < 0) continue;
    out.push({ tEpochSeconds: t, value: (va + vb) / periodSeconds / divisor });
  }
  return out;
}

/** The points whose period starts in (`endEpochSeconds` − `windowSeconds`, `endEpochSeconds`]. */
export function lastWindow(points: readonly MetricPoint[], endEpochSeconds: number, windowSeconds: number): MetricPoint[] {
  const start = endEpochSeconds - windowSeconds;
  const out: MetricPoint[] = [];
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const p = points[i];
    if (p === undefined || p.tEpochSeconds <= start) break;
    if (p.tEpochSeconds <= endEpochSeconds) out.push(p);
  }
  return out.reverse();
}

/** Mean of the values; NaN for an empty list. */
export function meanOf(points: readonly MetricPoint[]): number {
  if (points.length === 0) return Number.NaN;
  let sum = 0;
  for (const p of points) sum += p.value;
  return sum / points.length;
}

/** How many of the most recent points (from the end) have a value above `threshold`, in a row. */
export function trailingRunAbove(points: readonly MetricPoint[], threshold: number): number {
  let run = 0;
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const p = points[i];
    if (p === undefined || p.value <= threshold) break;
    run += 1;
  }
  return run;
}
