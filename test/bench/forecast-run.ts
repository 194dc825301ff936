/**
 * Runs one benchmark case on the simulated fleet and scores, on the same delayed series (what a
 * guardian run at each interval would see): the shipping policy's two alert tiers (pages; early
 * warnings: every run that at least warns; `ew-sent`: the early warnings the notification dedup
 * actually sends), the single alert before issue 16 (`one-tier`: `shouldAlert` at H) and both
 * baselines, at each scored horizon. It also
 * records every forecast that fell in the page window, with its persistence and whether the bucket
 * then emptied, for the page-confidence calibration.
 */
import { predictLinearFires, staticAlarmFires } from '../../lambda/core/forecast/baseline-alerters';
import { shouldAlert } from '../../lambda/core/forecast/forecast';
import { alertTier, rawPersistenceScore, type AlertTierRule } from '../../lambda/core/forecast/alert-tier';
import { runSimulation, scaleTrace, scenarioWorkload, traceWorkload, type Trace } from '../../lambda/sim/index';
import { readingPolicy, ScanReader } from '../../lambda/sim/scan-read';
import { LEAD_WINDOW_SECONDS, scoreVolume, type VolumeScore } from './forecast-score';
import type { BenchCase } from './forecast-suite';
import { nextNotification } from '../../lambda/core/notification/state';
import type { Decision } from '../../lambda/core/decision/types';
import type { Policy } from '../../lambda/core/policy/schema';
import type { NotificationState } from '../../lambda/core/ports';

/** The alerters compared, in table order. */
export const ALERTERS = ['page', 'early-warning', 'ew-sent', 'one-tier', 'static<20%', 'predict_linear'] as const;
/** One of `ALERTERS`. */
export type AlerterName = (typeof ALERTERS)[number];

/** Horizons every alerter is scored at, minutes (issue 16: 30, 60 and the shipped 180). */
export const SCORED_HORIZONS_MINUTES = [30, 60, 180] as const;

/** Settings shared by every case. */
export interface BenchSettings {
  /** The policy whose alerting ships (its notification dedup decides which early warnings are sent). */
  readonly policy: Policy;
  readonly rule: AlertTierRule;
  readonly metricDelaySeconds: number;
  readonly startEpochSeconds: number;
  /** Parsed traces by path (parsed once, replayed at several sizes). */
  readonly traces: ReadonlyMap<string, Trace>;
  /**
   * What the guardian's alerters forecast from: `shipping`, what the Lambda's scan reads (its
   * cadence and read plan, run on the simulated fleet: lambda/sim/scan-read.ts), or `full`, every
   * metric every run. The baselines always see every BurstBalance point (a CloudWatch alarm reads it).
   */
  readonly readPlan: 'shipping' | 'full';
}

/** A forecast in the page window: its persistence and whether the bucket emptied within 6 h. */
export interface PageCandidate {
  readonly family: string;
  readonly group: string;
  readonly drainSeconds: number;
  readonly pastDrains: number;
  readonly confidence: number;
  readonly raw: number;
  readonly heldRuns: number;
  readonly survival: number;
  readonly secondsToEmpty: number;
  readonly balancePercent: number;
  readonly cameTrue: boolean;
}

/** A case's scores per horizon and alerter, plus its page-window forecasts. */
export interface CaseResult {
  readonly benchCase: BenchCase;
  readonly scores: Readonly<Record<number, Readonly<Record<AlerterName, VolumeScore>>>>;
  readonly candidates: readonly PageCandidate[];
  /** GetMetricData metrics the guardian's reads requested over the case, and the runs it rested. */
  readonly metricsRequested: number;
  readonly runsResting: number;
}

/** True BurstBalance at or below this is "already near empty" (the forecaster's own empty threshold). */
export const NEAR_EMPTY_PERCENT = 1;

/** Series handed to the alerters reach back this far: the forecaster's lookback (3 h) and predict_linear's hour. */
const SERIES_LOOKBACK_SECONDS = 3 * 3600;

/** Simulates one case and scores the alerters on it. */
export async function runCase(benchCase: BenchCase, settings: BenchSettings): Promise<CaseResult> {
  const interval = settings.rule.intervalSeconds;
  const times = { page: [] as number[], 'early-warning': [] as number[], 'ew-sent': [] as number[], 'static<20%': [] as number[] };
  let notified: NotificationState | undefined;
  const linear = new Map<number, number[]>(SCORED_HORIZONS_MINUTES.map((m) => [m, []]));
  // Before issue 16: one alert, `shouldAlert` at H itself, no persistence judgement.
  const oneTier = new Map<number, number[]>(SCORED_HORIZONS_MINUTES.map((m) => [m, []]));
  const pending: (Omit<PageCandidate, 'cameTrue'> & { t: number })[] = [];
  const trace = traceOf(benchCase, settings);
  let reader: ScanReader | undefined;
  let metricsRequested = 0;
  let runsResting = 0;
  const result = await runSimulation({
    volume: benchCase.volume,
    workload: trace === undefined ? workloadOf(benchCase) : traceWorkload(trace),
    ...(trace === undefined ? {} : { gaps: trace.gaps }),
    startEpochSeconds: settings.startEpochSeconds,
    durationSeconds: benchCase.durationSeconds,
    intervalSeconds: interval,
    metricDelaySeconds: settings.metricDelaySeconds,
    seed: benchCase.seed,
    seriesLookbackSeconds: SERIES_LOOKBACK_SECONDS,
    onInterval: async ({ nowEpochSeconds: now, series, volume, fleet }) => {
      // The baselines read every BurstBalance point at every run, whatever the guardian reads.
      if (staticAlarmFires(series, now)) times['static<20%'].push(now);
      for (const [minutes, list] of linear) if (predictLinearFires(series, now, minutes * 60)) list.push(now);
      reader ??= new ScanReader({ fleet, policy: readingPolicy(interval, settings.policy), readPlan: settings.readPlan });
      // An open alert keeps the volume read every scan (fleet-loop.ts: mustRead).
      const read = await reader.read(volume, now, notified?.open === true || times.page.at(-1) === now - interval);
      metricsRequested += read.metricsRequested;
      if (read.kind === 'resting') {
        runsResting += 1;
        return;
      }
      const forecast = read.forecast;
      const verdict = alertTier(forecast, settings.rule, times.page.at(-1) === now - interval);
      if (verdict.tier === 'page') times.page.push(now);
      if (verdict.tier !== undefined) times['early-warning'].push(now);
      // The early warnings a person actually receives: the scan's decision (no page hysteresis there)
      // through its own notification dedup (one a day unless the time to empty halves).
      const level = alertTier(forecast, settings.rule);
      const decision: Decision = level.tier === undefined ? { volumeId: volume.volumeId, reasons: [], kind: 'ok' } : { volumeId: volume.volumeId, reasons: [level.reason], kind: 'alert', severity: level.tier === 'page' ? 'critical' : 'warning', forecast };
      const outcome = nextNotification({ decision, volume, previous: notified, policy: settings.policy, now });
      if (outcome.state !== undefined) notified = outcome.state;
      if (outcome.notification?.route === 'notice' && outcome.notification.event !== 'recovered') times['ew-sent'].push(now);
      if (forecast.kind === 'draining' && forecast.persistence !== undefined && verdict.pageConfidence !== undefined) {
        const p = forecast.persistence;
        pending.push({
          t: now, family: benchCase.family, group: benchCase.group, drainSeconds: p.drainSeconds, pastDrains: p.pastDrains, confidence: forecast.confidence,
          raw: rawPersistenceScore(p), heldRuns: p.heldRuns, survival: p.survival, secondsToEmpty: forecast.secondsToEmpty, balancePercent: forecast.balancePercent,
        });
      }
      for (const [minutes, list] of oneTier) if (shouldAlert(forecast, { horizonSeconds: minutes * 60, intervalSeconds: interval }, list.at(-1) === now - interval)) list.push(now);
    },
  });
  const start = settings.startEpochSeconds;
  const exhaustionTimes = result.exhaustionsSeconds.map((s) => start + s);
  const idleIntervalEnds = result.intervals.filter((i) => i.demandAtOrBelowBaseline).map((i) => start + i.endSeconds);
  // Issue 16's definition: an episode is not false when it starts with the bucket already near empty.
  const nearEmptyAtEnd = new Set(result.intervals.filter((i) => (i.balancePercentAtEnd ?? 100) <= NEAR_EMPTY_PERCENT).map((i) => start + i.endSeconds));
  const scoreOf = (alertTimes: readonly number[], horizonSeconds: number): VolumeScore =>
    scoreVolume({
      alertTimes, exhaustionTimes, idleIntervalEnds, horizonSeconds,
      startEpochSeconds: start,
      endEpochSeconds: start + benchCase.durationSeconds,
      // Alerts happen at run times, which are interval ends.
      isEmptyAt: (t) => nearEmptyAtEnd.has(t),
      metricDelaySeconds: settings.metricDelaySeconds,
      intervalSeconds: interval,
    });
  const scores: Record<number, Record<AlerterName, VolumeScore>> = {};
  for (const minutes of SCORED_HORIZONS_MINUTES) {
    const h = minutes * 60;
    scores[minutes] = {
      page: scoreOf(times.page, h), 'early-warning': scoreOf(times['early-warning'], h), 'ew-sent': scoreOf(times['ew-sent'], h),
      'one-tier': scoreOf(oneTier.get(minutes) ?? [], h),
      'static<20%': scoreOf(times['static<20%'], h), predict_linear: scoreOf(linear.get(minutes) ?? [], h),
    };
  }
  const candidates = pending.map(({ t, ...rest }) => ({ ...rest, cameTrue: exhaustionTimes.some((e) => e >= t && e - t <= LEAD_WINDOW_SECONDS) }));
  return { benchCase, scores, candidates, metricsRequested, runsResting };
}

function traceOf(benchCase: BenchCase, settings: BenchSettings): Trace | undefined {
  if ('scenario' in benchCase.workload) return undefined;
  const trace = settings.traces.get(benchCase.workload.traceFile);
  if (trace === undefined) throw new Error(`trace ${benchCase.workload.traceFile} was not loaded`);
  return benchCase.workload.scale === 1 && trace.durationSeconds >= benchCase.durationSeconds ? trace : scaleTrace(trace, benchCase.workload.scale, benchCase.durationSeconds);
}

function workloadOf(benchCase: BenchCase) {
  if (!('scenario' in benchCase.workload)) throw new Error(`${benchCase.name} is a trace case`);
  return scenarioWorkload(benchCase.workload.scenario);
}
