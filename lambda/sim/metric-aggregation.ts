/**
 * Re-aggregates 1-minute series to a longer period the way CloudWatch does for GetMetricData:
 * Average for `BurstBalance`, Sum for ops and bytes, Maximum for `VolumeIOPSExceededCheck`.
 */
import type { MetricPoint, VolumeMetricSeries } from '../core/types';

type Statistic = 'Average' | 'Sum' | 'Maximum';

/** Keeps points before `endEpochSeconds` and aggregates them to `periodSeconds` (a multiple of the source period). */
export function aggregateSeries(series: VolumeMetricSeries, endEpochSeconds: number, periodSeconds: number): VolumeMetricSeries {
  const by = (points: readonly MetricPoint[] | undefined, statistic: Statistic): MetricPoint[] =>
    aggregate((points ?? []).filter((p) => p.tEpochSeconds < endEpochSeconds), periodSeconds, series.periodSeconds, statistic);
  return {
    volumeId: series.volumeId,
    periodSeconds: Math.max(periodSeconds, series.periodSeconds),
    burstBalancePercent: by(series.burstBalancePercent, 'Average'),
    readOps: by(series.readOps, 'Sum'),
    writeOps: by(series.writeOps, 'Sum'),
    readBytes: by(series.readBytes, 'Sum'),
    writeBytes: by(series.writeBytes, 'Sum'),
    iopsExceededCheck: by(series.iopsExceededCheck, 'Maximum'),
  };
}

function aggregate(points: readonly MetricPoint[], periodSeconds: number, sourcePeriodSeconds: number, statistic: Statistic): MetricPoint[] {
  if (periodSeconds <= sourcePeriodSeconds) return [...points];
  const buckets = new Map<number, number[]>();
  for (const point of points) {
    const start = Math.floor(point.tEpochSeconds / periodSeconds) * periodSeconds;
    const values = buckets.get(start) ?? [];
    values.push(point.value);
    buckets.set(start, values);
  }
  return [...buckets.entries()].map(([tEpochSeconds, values]) => ({ tEpochSeconds, value: combine(values, statistic) }));
}

function combine(values: readonly number[], statistic: Statistic): number {
  if (statistic === 'Maximum') return Math.max(...values);
  const sum = values.reduce((a, b) => a + b, 0);
  return statistic === 'Sum' ? sum : sum / values.length;
}
