/**
 * Runs one benchmark case on the simulated fleet and scores the forecaster and both baselines on
 * the same delayed series (what a guardian run at each interval would see).
 */
import { predictLinearFires, staticAlarmFires } from '../../lambda/core/forecast/baseline-alerters';
import { forecastExhaustion, shouldAlert } from '../../lambda/core/forecast/forecast';
import { runSimulation, scenarioWorkload, traceWorkload, type Trace } from '../../lambda/sim/index';
import { scoreVolume, type VolumeScore } from './forecast-score';
import type { BenchCase } from './forecast-suite';

/** The alerters compared, in table order. */
export const ALERTERS = ['forecaster', 'static<20%', 'predict_linear'] as const;
/** One of `ALERTERS`. */
export type AlerterName = (typeof ALERTERS)[number];

/** Settings shared by every case. */
export interface BenchSettings {
  readonly horizonSeconds: number;
  readonly intervalSeconds: number;
  readonly metricDelaySeconds: number;
  readonly startEpochSeconds: number;
  /** Parsed traces by path (parsed once, replayed at several sizes). */
  readonly traces: ReadonlyMap<string, Trace>;
}

/** A case's scores per alerter plus its ground truth counts. */
export interface CaseResult {
  readonly benchCase: BenchCase;
  readonly scores: Readonly<Record<AlerterName, VolumeScore>>;
}

/** Series handed to the alerters reach back this far: the forecaster and predict_linear use ≤ 1 h. */
const SERIES_LOOKBACK_SECONDS = 7200;

/** Simulates one case and scores the three alerters on it. */
export async function runCase(benchCase: BenchCase, settings: BenchSettings): Promise<CaseResult> {
  const alerts: Record<AlerterName, number[]> = { forecaster: [], 'static<20%': [], predict_linear: [] };
  const h = settings.horizonSeconds;
  const result = await runSimulation({
    volume: benchCase.volume,
    workload: workloadOf(benchCase, settings),
    startEpochSeconds: settings.startEpochSeconds,
    durationSeconds: benchCase.durationSeconds,
    intervalSeconds: settings.intervalSeconds,
    metricDelaySeconds: settings.metricDelaySeconds,
    seed: benchCase.seed,
    seriesLookbackSeconds: SERIES_LOOKBACK_SECONDS,
    onInterval: ({ nowEpochSeconds, series, volume }) => {
      const forecast = forecastExhaustion(series, volume, nowEpochSeconds, { intervalSeconds: settings.intervalSeconds });
      const wasAlerting = alerts.forecaster.at(-1) === nowEpochSeconds - settings.intervalSeconds;
      if (shouldAlert(forecast, { horizonSeconds: h, intervalSeconds: settings.intervalSeconds }, wasAlerting)) alerts.forecaster.push(nowEpochSeconds);
      if (staticAlarmFires(series, nowEpochSeconds)) alerts['static<20%'].push(nowEpochSeconds);
      if (predictLinearFires(series, nowEpochSeconds, h)) alerts.predict_linear.push(nowEpochSeconds);
    },
  });
  const start = settings.startEpochSeconds;
  const exhaustionTimes = result.exhaustionsSeconds.map((s) => start + s);
  const idleIntervalEnds = result.intervals.filter((i) => i.demandAtOrBelowBaseline).map((i) => start + i.endSeconds);
  const emptyAtEnd = new Set(result.intervals.filter((i) => (i.balancePercentAtEnd ?? 1) <= 1e-9).map((i) => start + i.endSeconds));
  const scoreOf = (alertTimes: number[]): VolumeScore =>
    scoreVolume({
      alertTimes,
      exhaustionTimes,
      startEpochSeconds: start,
      endEpochSeconds: start + benchCase.durationSeconds,
      idleIntervalEnds,
      // Alerts happen at run times, which are interval ends.
      isEmptyAt: (t) => emptyAtEnd.has(t),
      horizonSeconds: h,
      metricDelaySeconds: settings.metricDelaySeconds,
      intervalSeconds: settings.intervalSeconds,
    });
  return {
    benchCase,
    scores: { forecaster: scoreOf(alerts.forecaster), 'static<20%': scoreOf(alerts['static<20%']), predict_linear: scoreOf(alerts.predict_linear) },
  };
}

function workloadOf(benchCase: BenchCase, settings: BenchSettings) {
  if ('scenario' in benchCase.workload) return scenarioWorkload(benchCase.workload.scenario);
  const trace = settings.traces.get(benchCase.workload.traceFile);
  if (trace === undefined) throw new Error(`trace ${benchCase.workload.traceFile} was not loaded`);
  return traceWorkload(trace);
}
