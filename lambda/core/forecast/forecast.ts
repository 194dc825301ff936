/**
 * The forecaster (DESIGN.md §4): from the delayed 1-minute CloudWatch series a guardian run sees,
 * when will a gp2/st1/sc1 volume's burst bucket be empty? Two estimates, the pessimistic supported
 * one wins:
 * - model: credits = BurstBalance% × bucket; net drain = min(demand, burst) − baseline from the
 *   served-ops rate over several trailing windows; time to empty = credits ÷ net drain
 *   (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html, "I/O credits and burst performance");
 * - slope: Theil–Sen slope of BurstBalance over trailing windows.
 * A drain must persist for `minDrainPoints` datapoints to count. Pure: `now` is an argument.
 */
import { bucketSpecFor, creditsFromBalancePercent, minSecondsToEmpty, secondsToFull, type BucketRates } from '../credit/credit-model';
import { cleanPoints, type CleanSeries } from './series';
import { estimateModel, estimateSlope, type ModelEstimate, type SlopeEstimate } from './estimates';
import { drainPersistence } from './persistence';
import { isBurstableType, type Forecast, type ForecastOptions, type MetricPoint, type VolumeDescription, type VolumeMetricSeries } from '../types';

export type { ForecastOptions } from '../types';

/** Defaults: 5-minute runs, 3 h of history, 15 min staleness (2 min CloudWatch delay is normal). */
export const DEFAULT_FORECAST_OPTIONS: Required<ForecastOptions> = {
  intervalSeconds: 300,
  lookbackSeconds: 3 * 3600,
  staleAfterSeconds: 900,
  demandWindowsSeconds: [300, 900, 1800, 3600],
  slopeWindowsSeconds: [900, 3600],
  minDrainPoints: 3,
};

/** BurstBalance below this percent with demand at or above the baseline means throttled now. */
const EMPTY_BALANCE_PERCENT = 1;
/** BurstBalance at or above this percent, with no drain, is reported as `full`. */
const FULL_BALANCE_PERCENT = 99.5;

/** Forecasts when the volume's burst bucket will be empty, from the series visible at `nowEpochSeconds`. */
export function forecastExhaustion(
  series: VolumeMetricSeries,
  volume: Pick<VolumeDescription, 'type' | 'sizeGiB'>,
  nowEpochSeconds: number,
  options: ForecastOptions = {},
): Forecast {
  if (!isBurstableType(volume.type)) return { kind: 'not-burstable', reason: `${volume.type} has no burst bucket` };
  if (!Number.isFinite(volume.sizeGiB) || volume.sizeGiB <= 0) return { kind: 'insufficient-data', reason: `invalid size ${volume.sizeGiB} GiB` };
  const spec = bucketSpecFor(volume.type, volume.sizeGiB);
  // gp2 ≥ 1,000 GiB: baseline ≥ burst, never spends credits (general-purpose.html).
  if (!spec.spendsCredits) return { kind: 'not-burstable', reason: `${volume.type} ${volume.sizeGiB} GiB never spends burst credits` };
  return forecastBucket(series, spec, nowEpochSeconds, options);
}

/**
 * The same forecast for any token bucket whose balance percent and (optionally) served rate are in
 * `series`: a volume's, or an instance's own EBS bucket (core/forecast/instance.ts), whose series has
 * the balance only and is forecast on its slope.
 */
export function forecastBucket(series: VolumeMetricSeries, spec: BucketRates, nowEpochSeconds: number, options: ForecastOptions = {}): Forecast {
  const opts = { ...DEFAULT_FORECAST_OPTIONS, ...options };
  const periodSeconds = series.periodSeconds > 0 ? series.periodSeconds : 60;
  const since = nowEpochSeconds - opts.lookbackSeconds;
  const balance = cleanPoints(series.burstBalancePercent, since, nowEpochSeconds);
  const last = balance.points.at(-1);
  if (last === undefined) return { kind: 'insufficient-data', reason: 'no BurstBalance datapoints in the lookback window' };
  const lagSeconds = nowEpochSeconds - (last.tEpochSeconds + periodSeconds);
  if (lagSeconds > opts.staleAfterSeconds) return { kind: 'insufficient-data', reason: `latest BurstBalance is ${Math.round(lagSeconds)} s old` };
  // A 1-minute Average describes the middle of its period; extrapolate from there to now.
  const ageSeconds = Math.max(0, nowEpochSeconds - (last.tEpochSeconds + periodSeconds / 2));
  const balancePercent = Math.min(100, Math.max(0, last.value));
  const credits = creditsFromBalancePercent(spec, balancePercent);
  const model = estimateModel({ spec, series, since, nowEpochSeconds, periodSeconds, credits, ageSeconds, opts });
  const slope = estimateSlope({ balance: balance.points, balancePercent, endEpochSeconds: last.tEpochSeconds, ageSeconds, opts });
  const context = { spec, credits, balancePercent, ageSeconds, quality: qualityOf(balance, last.tEpochSeconds, periodSeconds), balance: balance.points, periodSeconds, intervalSeconds: opts.intervalSeconds };
  return combine(context, model, slope, series, since, nowEpochSeconds);
}

interface CombineContext {
  readonly spec: BucketRates;
  readonly credits: number;
  readonly balancePercent: number;
  readonly ageSeconds: number;
  readonly quality: number;
  readonly balance: readonly MetricPoint[];
  readonly periodSeconds: number;
  readonly intervalSeconds: number;
}

/** Picks the outcome from the two estimates: the pessimistic supported drain, else the bucket's state. */
function combine(
  ctx: CombineContext,
  model: ModelEstimate | undefined,
  slope: SlopeEstimate | undefined,
  series: VolumeMetricSeries,
  since: number,
  nowEpochSeconds: number,
): Forecast {
  const { spec, credits, balancePercent, ageSeconds } = ctx;
  const minSecondsToEmptyNow = Math.max(0, minSecondsToEmpty(spec, credits) - ageSeconds);
  if (balancePercent < EMPTY_BALANCE_PERCENT && isThrottled(ctx, model, series, since, nowEpochSeconds)) {
    return { kind: 'empty', balancePercent, demandPerSecond: model?.demandPerSecond ?? spec.baselinePerSecond };
  }
  const modelDrains = model !== undefined && model.draining;
  // Served ops are direct evidence: a falling balance while the served rate is below the baseline
  // is the lag of the 1-minute Average, not a drain. Without ops, the slope alone decides.
  const slopeDrains = slope !== undefined && slope.draining && (model === undefined || model.netDrainPerSecond > 0);
  if (modelDrains || slopeDrains) {
    const candidates: number[] = [];
    if (modelDrains) candidates.push(model.secondsToEmpty);
    if (slopeDrains) candidates.push(slope.secondsToEmpty);
    const secondsToEmpty = Math.max(0, Math.min(...candidates));
    const basis = modelDrains && slopeDrains ? 'model+slope' : modelDrains ? 'model' : 'slope';
    const agreement = candidates.length === 2 ? Math.sqrt(Math.min(...candidates) / Math.max(...candidates, 1e-9)) : basis === 'model' ? 0.7 : 0.6;
    return {
      kind: 'draining',
      balancePercent,
      secondsToEmpty,
      minSecondsToEmpty: Math.min(minSecondsToEmptyNow, secondsToEmpty),
      basis,
      confidence: clamp01(ctx.quality * agreement),
      demandPerSecond: model?.demandPerSecond ?? spec.baselinePerSecond + ((-(slope?.slopePercentPerSecond ?? 0)) / 100) * spec.bucketCredits,
      persistence: drainPersistence({ balance: ctx.balance, periodSeconds: ctx.periodSeconds, intervalSeconds: ctx.intervalSeconds, secondsToEmpty }),
    };
  }
  if (balancePercent >= FULL_BALANCE_PERCENT) return { kind: 'full', balancePercent };
  if (model !== undefined && model.recentDemandPerSecond < spec.baselinePerSecond) {
    const demand = model.recentDemandPerSecond;
    return { kind: 'refilling', balancePercent, secondsToFull: Math.max(0, secondsToFull(spec, credits, demand) - ageSeconds) };
  }
  if (model === undefined && slope === undefined) return { kind: 'insufficient-data', reason: 'too few datapoints to see a trend' };
  return { kind: 'steady', balancePercent };
}

/** Throttled now: VolumeIOPSExceededCheck says so, or the served rate sits at the baseline. */
function isThrottled(ctx: CombineContext, model: ModelEstimate | undefined, series: VolumeMetricSeries, since: number, now: number): boolean {
  const exceeded = cleanPoints(series.iopsExceededCheck ?? [], since, now).points.at(-1);
  if (exceeded !== undefined && exceeded.value >= 1) return true;
  if (model === undefined) return true;
  return model.latestDemandPerSecond >= ctx.spec.baselinePerSecond * 0.95;
}

/** 0–1 data quality of the balance series: coverage of the last 30 min and dropped bad points. */
function qualityOf(balance: CleanSeries, endEpochSeconds: number, periodSeconds: number): number {
  const windowSeconds = 1800;
  const expected = windowSeconds / periodSeconds;
  const present = balance.points.filter((p) => p.tEpochSeconds > endEpochSeconds - windowSeconds).length;
  const coverage = Math.min(1, present / expected);
  const dropped = balance.droppedCount > 0 ? 0.9 : 1;
  return coverage * dropped;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Options of the alerting rule: the horizon and how often the guardian looks. */
export interface AlertRuleOptions {
  readonly horizonSeconds: number;
  readonly intervalSeconds: number;
  /**
   * Extra lead, as a fraction of H + interval, for the error of a forecast made from minutes-old
   * 1-minute averages while demand moves. @default 0.35
   */
  readonly safetyFraction?: number;
  /** An open alert stays open until BurstBalance recovers to this percent (hysteresis). @default 20 */
  readonly clearAbovePercent?: number;
}

/** Default `safetyFraction` of `shouldAlert`. */
export const DEFAULT_ALERT_SAFETY_FRACTION = 0.35;
/** Default `clearAbovePercent`: the same 20 % at which issue 2 re-arms exhaustion counting. */
export const DEFAULT_ALERT_CLEAR_ABOVE_PERCENT = 20;

/**
 * True when this run must alert so that the alert comes at least `horizonSeconds` before the
 * bucket empties: the next run is `intervalSeconds` away, so a volume forecast to empty within
 * (H + interval) × (1 + safety) alerts now (the forecast already counts the CloudWatch delay from
 * `now`). An empty (throttled) volume always alerts. With `wasAlerting` (the previous run alerted)
 * the alert is held until the balance is back above `clearAbovePercent`, or while data is missing,
 * so one drain–refill–drain cycle near empty is one incident, not many.
 */
export function shouldAlert(forecast: Forecast, rule: AlertRuleOptions, wasAlerting = false): boolean {
  if (forecast.kind === 'empty') return true;
  if (forecast.kind === 'draining') {
    const safety = 1 + (rule.safetyFraction ?? DEFAULT_ALERT_SAFETY_FRACTION);
    if (forecast.secondsToEmpty <= (rule.horizonSeconds + rule.intervalSeconds) * safety) return true;
  }
  if (!wasAlerting) return false;
  if (forecast.kind === 'insufficient-data') return true;
  return 'balancePercent' in forecast && forecast.balancePercent < (rule.clearAbovePercent ?? DEFAULT_ALERT_CLEAR_ABOVE_PERCENT);
}
