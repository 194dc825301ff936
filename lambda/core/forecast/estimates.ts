/**
 * The forecaster's two estimates (DESIGN.md §4): the physics model from the served rate and the
 * robust slope of BurstBalance. Each returns undefined when its data cannot support an estimate.
 */
import type { BucketRates } from '../credit/credit-model';
import { cleanPoints, lastWindow, meanOf, ratePerSecond, trailingRunAbove } from './series';
import { medianOf, theilSenSlope } from './slope';
import type { ForecastOptions, MetricPoint, VolumeMetricSeries } from '../types';

/** What the served rate says about the bucket. */
export interface ModelEstimate {
  /** A net drain seen in the shortest supported window and in the latest `minDrainPoints` points. */
  readonly draining: boolean;
  /** min(demand, burst) − baseline in the shortest supported window (negative = refilling). */
  readonly netDrainPerSecond: number;
  /** Demand of the window that gave `secondsToEmpty` (or of the shortest window). */
  readonly demandPerSecond: number;
  /** The latest datapoint's rate. */
  readonly latestDemandPerSecond: number;
  /** Median rate of the latest `minDrainPoints` datapoints: what the volume does now, one spike aside. */
  readonly recentDemandPerSecond: number;
  /** Pessimistic time to empty over the draining windows, from now; Infinity if none drains. */
  readonly secondsToEmpty: number;
}

/** What the BurstBalance slope says. */
export interface SlopeEstimate {
  readonly draining: boolean;
  /** Theil–Sen slope of the shortest supported window, percent per second. */
  readonly slopePercentPerSecond: number;
  /** Pessimistic time to empty over the falling windows, from now; Infinity if none falls. */
  readonly secondsToEmpty: number;
}

/** Inputs of `estimateModel`. */
export interface ModelInput {
  readonly spec: BucketRates;
  readonly series: VolumeMetricSeries;
  readonly since: number;
  readonly nowEpochSeconds: number;
  readonly periodSeconds: number;
  readonly credits: number;
  /** Seconds from the balance reading to now: the drain continued meanwhile. */
  readonly ageSeconds: number;
  readonly opts: Required<ForecastOptions>;
}

const BYTES_PER_MIB = 1_048_576;

/** Served rate per second: ops for gp2, MiB/s for st1/sc1 (their credits are throughput, hdd-vols.html). */
export function servedRateSeries(spec: BucketRates, series: VolumeMetricSeries, since: number, now: number, periodSeconds: number): MetricPoint[] {
  if (spec.unit === 'iops') {
    return ratePerSecond(cleanPoints(series.readOps, since, now), cleanPoints(series.writeOps, since, now), periodSeconds);
  }
  if (series.readBytes === undefined && series.writeBytes === undefined) return [];
  return ratePerSecond(cleanPoints(series.readBytes ?? [], since, now), cleanPoints(series.writeBytes ?? [], since, now), periodSeconds, BYTES_PER_MIB);
}

/** The physics estimate over the trailing demand windows; undefined without fresh rate data. */
export function estimateModel(input: ModelInput): ModelEstimate | undefined {
  const { spec, opts, periodSeconds } = input;
  const demand = servedRateSeries(spec, input.series, input.since, input.nowEpochSeconds, periodSeconds);
  const latest = demand.at(-1);
  if (latest === undefined) return undefined;
  if (input.nowEpochSeconds - (latest.tEpochSeconds + periodSeconds) > opts.staleAfterSeconds) return undefined;
  let shortNet: number | undefined;
  let shortDemand = latest.value;
  let best = { secondsToEmpty: Number.POSITIVE_INFINITY, demandPerSecond: Number.NaN };
  for (const windowSeconds of [...opts.demandWindowsSeconds].sort((a, b) => a - b)) {
    const points = lastWindow(demand, latest.tEpochSeconds, windowSeconds);
    // A window counts only if at least half of its datapoints are there.
    if (points.length < Math.max(1, Math.ceil((0.5 * windowSeconds) / periodSeconds))) continue;
    const demandPerSecond = meanOf(points);
    const net = Math.min(demandPerSecond, spec.burstPerSecond) - spec.baselinePerSecond;
    if (shortNet === undefined) {
      shortNet = net;
      shortDemand = demandPerSecond;
    }
    if (net > 0) {
      const secondsToEmpty = input.credits / net - input.ageSeconds;
      if (secondsToEmpty < best.secondsToEmpty) best = { secondsToEmpty, demandPerSecond };
    }
  }
  if (shortNet === undefined) return undefined;
  const run = trailingRunAbove(demand, spec.baselinePerSecond);
  const persistent = run >= opts.minDrainPoints;
  const runPoints = demand.slice(-run);
  // A run whose latest minute is under half its peak is a burst ending (a spike), not a drain.
  const fading = latest.value < 0.5 * Math.max(...runPoints.map((p) => p.value));
  if (persistent && !fading) {
    // The current regime alone: fixed windows that reach back before a drain began dilute it.
    const demandPerSecond = meanOf(runPoints);
    const secondsToEmpty = input.credits / (Math.min(demandPerSecond, spec.burstPerSecond) - spec.baselinePerSecond) - input.ageSeconds;
    if (secondsToEmpty < best.secondsToEmpty) best = { secondsToEmpty, demandPerSecond };
  }
  const draining = shortNet > 0 && persistent && !fading && Number.isFinite(best.secondsToEmpty);
  return {
    draining,
    netDrainPerSecond: shortNet,
    demandPerSecond: draining ? best.demandPerSecond : shortDemand,
    latestDemandPerSecond: latest.value,
    recentDemandPerSecond: medianOf(demand.slice(-opts.minDrainPoints).map((p) => p.value)),
    secondsToEmpty: draining ? best.secondsToEmpty : Number.POSITIVE_INFINITY,
  };
}

/** Inputs of `estimateSlope`. */
export interface SlopeInput {
  readonly balance: readonly MetricPoint[];
  readonly balancePercent: number;
  readonly endEpochSeconds: number;
  readonly ageSeconds: number;
  readonly opts: Required<ForecastOptions>;
}

/** A fall smaller than this over the shortest window (percentage points) is noise or rounding. */
const MIN_FALL_PERCENT = 0.2;
/** Fewest points a slope window needs. */
const MIN_SLOPE_POINTS = 5;

/** The Theil–Sen estimate over the trailing slope windows; undefined with too few points. */
export function estimateSlope(input: SlopeInput): SlopeEstimate | undefined {
  let shortSlope: number | undefined;
  let shortWindow = 0;
  let secondsToEmpty = Number.POSITIVE_INFINITY;
  for (const windowSeconds of [...input.opts.slopeWindowsSeconds].sort((a, b) => a - b)) {
    const points = lastWindow(input.balance, input.endEpochSeconds, windowSeconds);
    if (points.length < MIN_SLOPE_POINTS) continue;
    const slope = theilSenSlope(points);
    if (!Number.isFinite(slope)) continue;
    if (shortSlope === undefined) {
      shortSlope = slope;
      shortWindow = windowSeconds;
    }
    if (slope < 0) secondsToEmpty = Math.min(secondsToEmpty, input.balancePercent / -slope - input.ageSeconds);
  }
  if (shortSlope === undefined) return undefined;
  const tail = input.balance.slice(-input.opts.minDrainPoints - 1);
  const fallingTail = tail.length > input.opts.minDrainPoints && tail.every((p, i) => i === 0 || p.value < (tail[i - 1]?.value ?? Number.NaN));
  const draining = shortSlope < 0 && -shortSlope * shortWindow >= MIN_FALL_PERCENT && fallingTail;
  return { draining, slopePercentPerSecond: shortSlope, secondsToEmpty: draining ? secondsToEmpty : Number.POSITIVE_INFINITY };
}
