/**
 * The two alerting rules the forecaster must beat (DESIGN.md §4), computed on the same delayed
 * series a guardian run sees:
 * - a static CloudWatch alarm `BurstBalance < 20` on the latest datapoint;
 * - Prometheus-style `predict_linear(BurstBalance[60m], H) < 0`: a least-squares line over the last
 *   hour, extrapolated H seconds past the evaluation time
 *   (https://prometheus.io/docs/prometheus/latest/querying/functions/#predict_linear).
 * Pure: `now` is an argument.
 */
import { cleanPoints } from './series';
import { leastSquaresFit } from './slope';
import type { VolumeMetricSeries } from '../types';

/** Threshold of the static alarm, percent (the usual "BurstBalance < 20 %" CloudWatch alarm). */
export const STATIC_ALARM_THRESHOLD_PERCENT = 20;
/** Range of the `predict_linear` fit, seconds. */
export const PREDICT_LINEAR_RANGE_SECONDS = 3600;

/** The static alarm: true when the latest visible BurstBalance is below `thresholdPercent`. */
export function staticAlarmFires(
  series: Pick<VolumeMetricSeries, 'burstBalancePercent'>,
  nowEpochSeconds: number,
  thresholdPercent = STATIC_ALARM_THRESHOLD_PERCENT,
): boolean {
  // CloudWatch alarms evaluate the latest datapoint; a missing one is "missing", not breaching.
  const latest = cleanPoints(series.burstBalancePercent, nowEpochSeconds - 900, nowEpochSeconds).points.at(-1);
  return latest !== undefined && latest.value < thresholdPercent;
}

/**
 * `predict_linear`: true when the least-squares line over the last `rangeSeconds` of BurstBalance,
 * taken at `nowEpochSeconds`, is below 0 at now + `horizonSeconds`. Needs two points, as Prometheus does.
 */
export function predictLinearFires(
  series: Pick<VolumeMetricSeries, 'burstBalancePercent'>,
  nowEpochSeconds: number,
  horizonSeconds: number,
  rangeSeconds = PREDICT_LINEAR_RANGE_SECONDS,
): boolean {
  const points = cleanPoints(series.burstBalancePercent, nowEpochSeconds - rangeSeconds, nowEpochSeconds).points;
  const fit = leastSquaresFit(points, nowEpochSeconds);
  if (fit === undefined) return false;
  return fit.interceptAtOrigin + fit.slopePerSecond * horizonSeconds < 0;
}
