/**
 * Two kinds of alert (issue 16). An *early warning* (the forecast empties within the long horizon,
 * or the balance is low) is informational: it goes to a non-paging topic, at most once a day per
 * volume. A *page* (the bucket is empty now, or the forecast empties within the page horizon and the
 * drain is likely to hold) wakes a person. The page confidence is calibrated: it is the share of past
 * page-window forecasts with that persistence that came true on the benchmark (see
 * docs/forecast-benchmark.md, "Calibration"). Pure.
 */
import type { DrainPersistence, Forecast } from '../types';
import { DEFAULT_ALERT_CLEAR_ABOVE_PERCENT, DEFAULT_ALERT_SAFETY_FRACTION } from './forecast';

/** Where an alert goes: the paging topic, or the informational one. */
export type AlertTier = 'page' | 'early-warning';

/** The alerting horizons and thresholds, from the policy's `alerting` section. */
export interface AlertTierRule {
  readonly intervalSeconds: number;
  /** Page when the forecast empties within this (and the drain is likely to hold). */
  readonly pageHorizonSeconds: number;
  /** Early warning when the forecast empties within this. */
  readonly earlyWarningHorizonSeconds: number;
  /** Calibrated page confidence (0–1) a forecast needs to page. */
  readonly pageMinConfidence: number;
  /** Forecaster data confidence (0–1) an early warning needs. */
  readonly earlyWarningMinConfidence: number;
  /** Early warning when BurstBalance is at or below this percent. */
  readonly floorPercent: number;
  /** Extra lead as a fraction of H + interval (see `shouldAlert`). @default 0.35 */
  readonly safetyFraction?: number;
}

/** The tier of one run's forecast, with the page confidence when it was judged. */
export interface TierVerdict {
  readonly tier: AlertTier | undefined;
  /** Calibrated 0–1 chance that this drain empties the bucket; undefined unless a page was considered. */
  readonly pageConfidence?: number;
  readonly reason: string;
}

/**
 * Calibration of the raw persistence score: [upper bound of the raw score, share of page-window
 * forecasts in that bin whose bucket emptied within 6 h] on the benchmark suite (smooth and spiky),
 * measured with `npm run bench:forecast -- --calibration` (2026-12-01, docs/forecast-benchmark.md)
 * and pooled into monotone bins (pool-adjacent-violators).
 */
export const PAGE_CONFIDENCE_CALIBRATION: readonly (readonly [number, number])[] = [
  [0.4, 0.42], [0.5, 0.46], [0.6, 0.5], [0.7, 0.67], [0.8, 0.69], [0.9, 0.79], [1, 0.84],
];

/** Raw persistence score: the drain's survival (persistence.ts), zero unless the balance fell since the last run. */
export function rawPersistenceScore(p: DrainPersistence): number {
  return p.heldRuns < 1 ? 0 : p.survival;
}

/** The calibrated page confidence of a drain (see `PAGE_CONFIDENCE_CALIBRATION`). */
export function pageConfidenceOf(p: DrainPersistence | undefined): number {
  if (p === undefined) return 0;
  const raw = rawPersistenceScore(p);
  for (const [upper, share] of PAGE_CONFIDENCE_CALIBRATION) if (raw <= upper) return share;
  return PAGE_CONFIDENCE_CALIBRATION.at(-1)?.[1] ?? raw;
}

function within(seconds: number, horizonSeconds: number, rule: AlertTierRule): boolean {
  return seconds <= (horizonSeconds + rule.intervalSeconds) * (1 + (rule.safetyFraction ?? DEFAULT_ALERT_SAFETY_FRACTION));
}

/**
 * The tier of this run's forecast. `wasPaging` holds an open page (as `shouldAlert` does) until the
 * balance is back above 20 % or while data is missing, so one drain–refill–drain near empty is one page.
 */
export function alertTier(forecast: Forecast, rule: AlertTierRule, wasPaging = false): TierVerdict {
  if (forecast.kind === 'empty') return { tier: 'page', reason: 'burst bucket empty: throttled to the baseline' };
  if (forecast.kind === 'draining') {
    const minutes = Math.round(forecast.secondsToEmpty / 60);
    if (within(forecast.secondsToEmpty, rule.pageHorizonSeconds, rule)) {
      const pageConfidence = pageConfidenceOf(forecast.persistence);
      // A page also needs data it can trust: gaps and disagreeing estimates lower `confidence`.
      if (pageConfidence >= rule.pageMinConfidence && forecast.confidence >= rule.earlyWarningMinConfidence) {
        return { tier: 'page', pageConfidence, reason: `forecast empty in ${minutes} min, drain held ${Math.round((forecast.persistence?.drainSeconds ?? 0) / 60)} min (page confidence ${pageConfidence.toFixed(2)})` };
      }
      if (wasPaging) return { tier: 'page', pageConfidence, reason: `forecast empty in ${minutes} min (page still open)` };
      return { tier: 'early-warning', pageConfidence, reason: `forecast empty in ${minutes} min, but the drain may not hold (page confidence ${pageConfidence.toFixed(2)})` };
    }
  }
  if (wasPaging && (forecast.kind === 'insufficient-data' || ('balancePercent' in forecast && forecast.balancePercent < DEFAULT_ALERT_CLEAR_ABOVE_PERCENT))) {
    return { tier: 'page', reason: 'page still open: BurstBalance not yet back above 20 %' };
  }
  if (forecast.kind === 'draining' && forecast.confidence >= rule.earlyWarningMinConfidence && within(forecast.secondsToEmpty, rule.earlyWarningHorizonSeconds, { ...rule, safetyFraction: 0 })) {
    return { tier: 'early-warning', reason: `forecast empty in ${Math.round(forecast.secondsToEmpty / 60)} min (early-warning horizon ${Math.round(rule.earlyWarningHorizonSeconds / 60)} min)` };
  }
  if ('balancePercent' in forecast && forecast.balancePercent <= rule.floorPercent && (forecast.kind === 'draining' || forecast.kind === 'steady')) {
    return { tier: 'early-warning', reason: `BurstBalance ${forecast.balancePercent.toFixed(1)} % at or below ${rule.floorPercent} %` };
  }
  return { tier: undefined, reason: forecast.kind };
}
