/**
 * The forecast-only guardian loop on one simulated volume (issue 2 item 5): every interval, run the
 * forecaster on what is visible and record an alert when the alert rule fires. Shared by the
 * `simulate` CLI and `npm start`; a policy-driven loop plugs in through `onInterval`.
 */
import { forecastExhaustion, shouldAlert, type ForecastOptions } from '../core/forecast/forecast';
import type { Forecast, ForecastKind } from '../core/types';
import { runSimulation, type IntervalContext, type SimulationOptions, type SimulationResult } from './index';
import { readingPolicy, ScanReader } from './scan-read';

/** Options: the simulation, plus the alert horizon and forecaster tuning. */
export interface ForecastRunOptions extends Omit<SimulationOptions, 'onInterval'> {
  readonly horizonSeconds: number;
  readonly forecastOptions?: ForecastOptions;
  /**
   * What the forecaster sees: `shipping`, what the Lambda's scan reads (its cadence and read plan:
   * scan-read.ts), or `full`, every metric every interval. @default 'shipping'
   */
  readonly readPlan?: 'shipping' | 'full';
  /** Called after the forecast of every interval the scan reads the volume (the guardian decision loop hooks in here). */
  readonly onForecast?: (context: IntervalContext, forecast: Forecast) => void | Promise<void>;
}

/** One alert: a run whose forecast said empty within the horizon, or empty now. */
export interface AlertRecord {
  readonly tSeconds: number;
  /** 0 when the volume is already empty. */
  readonly secondsToEmpty: number;
  /** `model`, `slope`, `model+slope`, or `empty` when throttled now. */
  readonly basis: string;
  readonly balancePercent: number;
  readonly confidence: number | undefined;
}

/** An exhaustion and how early it was announced. */
export interface ExhaustionRecord {
  readonly tSeconds: number;
  /** Exhaustion time − the earliest alert in the 6 h before it; null when none. */
  readonly leadSeconds: number | null;
}

/** The report of a forecast-only run (the `simulate --json` object). */
export interface ForecastRunReport {
  readonly volume: {
    readonly type: string;
    readonly sizeGiB: number;
    readonly baselineIops: number | null;
    readonly burstIops: number | null;
    readonly bucketCredits: number | null;
    readonly unit: string | null;
  };
  readonly exhaustions: readonly ExhaustionRecord[];
  readonly alerts: readonly AlertRecord[];
  /** How many runs gave each forecast kind. */
  readonly forecastKinds: Partial<Record<ForecastKind, number>>;
  readonly throttledSeconds: number;
  readonly meanDemandIops: number;
  readonly meanServedIops: number;
  readonly durationSeconds: number;
  readonly intervalSeconds: number;
  readonly horizonSeconds: number;
  readonly metricDelaySeconds: number;
  readonly seed: number;
  /** The read plan the forecasts used, and the GetMetricData metrics it requested over the run. */
  readonly readPlan: 'shipping' | 'full';
  readonly metricsRequested: number;
  /** Intervals at which the scan would not have read the volume (a quiet bucket not due: cadence.ts). */
  readonly intervalsResting: number;
  /** True BurstBalance at the end of every interval, for charts. */
  readonly balance: readonly { readonly tSeconds: number; readonly balancePercent: number | null }[];
}

/** Alerts this far before an exhaustion count towards its lead (issue 2 item 6). */
const LEAD_WINDOW_SECONDS = 6 * 3600;

/** Runs the forecast-only loop and returns its report and the raw simulation result. */
export async function runForecastSimulation(options: ForecastRunOptions): Promise<{ report: ForecastRunReport; result: SimulationResult }> {
  const intervalSeconds = options.intervalSeconds ?? 300;
  const alerts: AlertRecord[] = [];
  const forecastKinds: Partial<Record<ForecastKind, number>> = {};
  const readPlan = options.readPlan ?? 'shipping';
  let metricsRequested = 0;
  let intervalsResting = 0;
  let reader: ScanReader | undefined;
  const result = await runSimulation({
    ...options,
    onInterval: async (context) => {
      reader ??= new ScanReader({ fleet: context.fleet, policy: readingPolicy(intervalSeconds), readPlan });
      // An alert still firing keeps the volume read every scan, as an open alert does in the scan.
      const read = await reader.read(context.volume, context.nowEpochSeconds, alerts.at(-1)?.tSeconds === context.tSeconds - intervalSeconds);
      metricsRequested += read.metricsRequested;
      if (read.kind === 'resting') {
        intervalsResting += 1;
        return;
      }
      // The scan's own forecast, unless the caller tunes the forecaster: then the same series, re-forecast.
      const forecast = options.forecastOptions === undefined || read.series === undefined
        ? read.forecast
        : forecastExhaustion(read.series, context.volume, context.nowEpochSeconds, { intervalSeconds, ...options.forecastOptions });
      forecastKinds[forecast.kind] = (forecastKinds[forecast.kind] ?? 0) + 1;
      if (shouldAlert(forecast, { horizonSeconds: options.horizonSeconds, intervalSeconds })) alerts.push(alertOf(context.tSeconds, forecast));
      await options.onForecast?.(context, forecast);
    },
  });
  const exhaustions = result.exhaustionsSeconds.map((tSeconds) => {
    const earliest = alerts.find((a) => a.tSeconds <= tSeconds && a.tSeconds > tSeconds - LEAD_WINDOW_SECONDS);
    return { tSeconds, leadSeconds: earliest === undefined ? null : tSeconds - earliest.tSeconds };
  });
  const seconds = Math.max(result.durationSeconds, 1);
  const report: ForecastRunReport = {
    volume: {
      type: result.volume.type, sizeGiB: result.volume.sizeGiB,
      baselineIops: result.spec?.baselinePerSecond ?? result.volume.iops ?? null,
      burstIops: result.spec?.burstPerSecond ?? null,
      bucketCredits: result.spec?.bucketCredits ?? null,
      unit: result.spec?.unit ?? null,
    },
    exhaustions, alerts, forecastKinds,
    throttledSeconds: result.throttledSeconds,
    meanDemandIops: result.demandOps / seconds,
    meanServedIops: result.servedOps / seconds,
    durationSeconds: result.durationSeconds, intervalSeconds, horizonSeconds: options.horizonSeconds,
    metricDelaySeconds: options.metricDelaySeconds ?? 120, seed: options.seed, readPlan, metricsRequested, intervalsResting,
    balance: [
      { tSeconds: 0, balancePercent: result.spec === undefined ? null : (options.volume.initialBalancePercent ?? 100) },
      ...result.intervals.map((i) => ({ tSeconds: i.endSeconds, balancePercent: i.balancePercentAtEnd ?? null })),
    ],
  };
  return { report, result };
}

function alertOf(tSeconds: number, forecast: Forecast): AlertRecord {
  if (forecast.kind === 'draining') {
    return { tSeconds, secondsToEmpty: forecast.secondsToEmpty, basis: forecast.basis, balancePercent: forecast.balancePercent, confidence: forecast.confidence };
  }
  const balancePercent = forecast.kind === 'empty' ? forecast.balancePercent : 0;
  return { tSeconds, secondsToEmpty: 0, basis: 'empty', balancePercent, confidence: undefined };
}

/** Groups alerts closer than `gapSeconds` into episodes (issue 2 item 6: 30 min). */
export function alertEpisodes(alerts: readonly AlertRecord[], gapSeconds = 1800): AlertRecord[][] {
  const episodes: AlertRecord[][] = [];
  for (const alert of alerts) {
    const current = episodes.at(-1);
    const last = current?.at(-1);
    if (current !== undefined && last !== undefined && alert.tSeconds - last.tSeconds < gapSeconds) current.push(alert);
    else episodes.push([alert]);
  }
  return episodes;
}
