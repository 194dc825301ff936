/**
 * The forecaster on an instance's own EBS burst bucket (core/credit/instance-ebs.ts): the same
 * `forecastBucket` as for a volume, run on `EBSIOBalance%` and on `EBSByteBalance%` (AWS/EC2,
 * 5-minute basic monitoring). The series carry the balance only: the instance's served rate is not
 * read (two more metrics an instance, every scan), so the estimate is the slope's, and "empty" is a
 * balance under 1 %. The bucket that empties first is the instance's wall. Pure: `now` is an argument.
 */
import { instanceBucketRates, type InstanceEbsSpec } from '../credit/instance-ebs';
import type { InstanceEbsBalance } from '../ports';
import type { Forecast, ForecastOptions, MetricPoint } from '../types';
import { forecastBucket } from './forecast';

/** Basic monitoring: one point every 5 minutes (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html). */
export const INSTANCE_METRIC_PERIOD_SECONDS = 300;

/**
 * 5-minute points arrive later than 1-minute EBS points: 20 min before a balance is stale, and slope
 * windows long enough to hold the slope estimate's 5 points (30 and 60 min).
 */
export const INSTANCE_FORECAST_OPTIONS: ForecastOptions = { lookbackSeconds: 3 * 3600, staleAfterSeconds: 20 * 60, slopeWindowsSeconds: [1800, 3600], minDrainPoints: 3 };

/** The CloudWatch metric of each instance bucket. */
export type InstanceBucketMetric = 'EBSIOBalance%' | 'EBSByteBalance%';

/** Both buckets' forecasts, and the one that empties first. */
export interface InstanceBucketForecast {
  readonly instanceId: string;
  readonly spec: InstanceEbsSpec;
  readonly io: Forecast;
  readonly bytes: Forecast;
  /** The bucket that is or will be empty first (the I/O bucket when neither drains). */
  readonly wall: InstanceBucketMetric;
  readonly worst: Forecast;
}

/** Forecasts the instance's I/O and byte buckets from their balances seen at `nowEpochSeconds`. */
export function forecastInstanceBucket(balance: InstanceEbsBalance, spec: InstanceEbsSpec, nowEpochSeconds: number, options: { readonly intervalSeconds?: number } = {}): InstanceBucketForecast {
  const rates = instanceBucketRates(spec);
  const opts = { ...INSTANCE_FORECAST_OPTIONS, ...(options.intervalSeconds === undefined ? {} : { intervalSeconds: options.intervalSeconds }) };
  const on = (points: readonly MetricPoint[], r: typeof rates.io): Forecast =>
    r.spendsCredits ? forecastBucket({ volumeId: balance.instanceId, periodSeconds: INSTANCE_METRIC_PERIOD_SECONDS, burstBalancePercent: points, readOps: [], writeOps: [] }, r, nowEpochSeconds, opts) : { kind: 'not-burstable', reason: `${spec.instanceType} sustains its maximum` };
  const io = on(balance.ioBalancePercent, rates.io);
  const bytes = on(balance.byteBalancePercent, rates.bytes);
  const bytesFirst = secondsLeft(bytes) < secondsLeft(io);
  return { instanceId: balance.instanceId, spec, io, bytes, wall: bytesFirst ? 'EBSByteBalance%' : 'EBSIOBalance%', worst: bytesFirst ? bytes : io };
}

/** Seconds until the bucket is empty: 0 when empty now, Infinity when it is not draining. */
export function secondsLeft(forecast: Forecast): number {
  if (forecast.kind === 'empty') return 0;
  return forecast.kind === 'draining' ? forecast.secondsToEmpty : Number.POSITIVE_INFINITY;
}
