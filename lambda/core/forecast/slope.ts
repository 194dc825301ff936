/**
 * Line fits over a metric series: Theil–Sen (median of pairwise slopes, robust to a minority of
 * outliers such as one odd datapoint) for the forecaster, and ordinary least squares for the
 * Prometheus-style `predict_linear` baseline. Time in seconds, slope in value units per second.
 */
import type { MetricPoint } from '../types';

/** Theil–Sen slope (value per second); NaN with fewer than two distinct timestamps. */
export function theilSenSlope(points: readonly MetricPoint[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i += 1) {
    const a = points[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < points.length; j += 1) {
      const b = points[j];
      if (b === undefined || b.tEpochSeconds === a.tEpochSeconds) continue;
      slopes.push((b.value - a.value) / (b.tEpochSeconds - a.tEpochSeconds));
    }
  }
  return medianOf(slopes);
}

/** Median of the numbers (sorted copy); NaN when empty. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** An ordinary least-squares line `value = intercept + slope × (t − originEpochSeconds)`. */
export interface LinearFit {
  readonly slopePerSecond: number;
  readonly interceptAtOrigin: number;
}

/**
 * Least-squares fit with the intercept taken at `originEpochSeconds`, as Prometheus'
 * `predict_linear` does at the evaluation time
 * (https://prometheus.io/docs/prometheus/latest/querying/functions/#predict_linear);
 * undefined with fewer than two distinct timestamps.
 */
export function leastSquaresFit(points: readonly MetricPoint[], originEpochSeconds: number): LinearFit | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  let sumX = 0;
  let sumY = 0;
  for (const p of points) {
    sumX += p.tEpochSeconds - originEpochSeconds;
    sumY += p.value;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    const dx = p.tEpochSeconds - originEpochSeconds - meanX;
    sxx += dx * dx;
    sxy += dx * (p.value - meanY);
  }
  if (sxx === 0) return undefined;
  const slopePerSecond = sxy / sxx;
  return { slopePerSecond, interceptAtOrigin: meanY - slopePerSecond * meanX };
}
