/**
 * Reading a forecast against the policy: does it trigger a rescue, an alert, or just watching?
 * Thresholds come from the policy's `rescue.trigger` and `alerting` sections.
 */
import type { AlertSeverity, VolumeContext } from './types';
import type { Forecast, MetricPoint } from '../types';
import { alertTier, type AlertTier, type AlertTierRule } from '../forecast/alert-tier';
import type { Policy } from '../policy/schema';
import { rateIntervalSeconds } from '../scan/schedule';

/** Run interval assumed for a cron schedule (the default `rate(5 minutes)`). */
const DEFAULT_INTERVAL_SECONDS = 300;

/** The policy's alert horizons and thresholds as the tier rule, for runs `intervalSeconds` apart (default: its schedule). */
export function tierRuleOf(policy: Pick<Policy, 'alerting' | 'schedule'>, intervalSeconds = rateIntervalSeconds(policy.schedule) ?? DEFAULT_INTERVAL_SECONDS): AlertTierRule {
  const a = policy.alerting;
  return {
    intervalSeconds,
    pageHorizonSeconds: a.pageHorizonMinutes * 60,
    earlyWarningHorizonSeconds: a.horizonMinutes * 60,
    pageMinConfidence: a.pageMinConfidence,
    earlyWarningMinConfidence: a.minConfidence,
    floorPercent: a.floorPercent,
  };
}

/** A rescue trigger that fired. */
export interface RescueTrigger {
  readonly reason: string;
  /** Seconds until the wall (0 when empty now): orders rescues when the budget is short. */
  readonly urgencySeconds: number;
}

/** The balance a forecast reports, when it has one. */
export function balanceOf(forecast: Forecast | undefined): number | undefined {
  return forecast !== undefined && 'balancePercent' in forecast ? forecast.balancePercent : undefined;
}

function latestValue(points: readonly MetricPoint[] | undefined): MetricPoint | undefined {
  if (points === undefined || points.length === 0) return undefined;
  return points.reduce((a, b) => (b.tEpochSeconds > a.tEpochSeconds ? b : a));
}

/** The first rescue trigger of the policy that fires for this volume, if any. */
export function rescueTrigger(ctx: Pick<VolumeContext, 'policy' | 'forecast' | 'override' | 'metrics' | 'now'>): RescueTrigger | undefined {
  const trigger = ctx.policy.rescue.trigger;
  const f = ctx.forecast;
  if (ctx.override?.rescueImmediately === true) return { reason: `override ${ctx.override.name}: rescue at once`, urgencySeconds: 0 };
  if (f === undefined) return undefined;
  if (f.kind === 'empty' && trigger.throttledNow) return { reason: `burst bucket empty now (${f.balancePercent.toFixed(1)} %): throttled to baseline`, urgencySeconds: 0 };
  const horizonSeconds = trigger.horizonMinutes * 60;
  if (f.kind === 'draining' && f.confidence >= trigger.minConfidence && f.secondsToEmpty <= horizonSeconds) {
    return { reason: `forecast empty in ${Math.round(f.secondsToEmpty / 60)} min (rescue horizon ${trigger.horizonMinutes} min, confidence ${f.confidence.toFixed(2)})`, urgencySeconds: f.secondsToEmpty };
  }
  const balance = balanceOf(f);
  const urgency = f.kind === 'draining' ? f.secondsToEmpty : horizonSeconds;
  // An empty bucket is the throttledNow trigger's call, not the floor's.
  if (balance !== undefined && balance <= trigger.balanceFloorPercent && (f.kind === 'draining' || f.kind === 'steady')) {
    return { reason: `BurstBalance ${balance.toFixed(1)} % at or below the rescue floor ${trigger.balanceFloorPercent} %`, urgencySeconds: urgency };
  }
  const probe = trigger.containerStart;
  const p90 = latestValue(ctx.metrics?.containerStartP90Ms);
  // The probe's point must be recent: a stale latency says nothing about now.
  const fresh = p90 !== undefined && ctx.now - p90.tEpochSeconds <= 15 * 60;
  if (probe !== undefined && fresh && balance !== undefined && p90.value > probe.p90AboveMs && balance < probe.balanceBelowPercent) {
    return { reason: `container starts p90 ${Math.round(p90.value)} ms > ${probe.p90AboveMs} ms while BurstBalance ${balance.toFixed(1)} % < ${probe.balanceBelowPercent} %`, urgencySeconds: urgency };
  }
  return undefined;
}

/** Alerting level: an alert with its severity and tier, watching, or nothing to say. */
export type AlertLevel =
  | { readonly kind: 'alert'; readonly severity: AlertSeverity; readonly tier: AlertTier; readonly reason: string }
  | { readonly kind: 'watch'; readonly reason: string }
  | { readonly kind: 'ok'; readonly reason: string };

/** What the forecast means for alerting under the policy: a page is critical, an early warning a warning. */
export function alertLevel(ctx: Pick<VolumeContext, 'policy'>, forecast: Forecast): AlertLevel {
  const verdict = alertTier(forecast, tierRuleOf(ctx.policy));
  if (verdict.tier !== undefined) return { kind: 'alert', severity: verdict.tier === 'page' ? 'critical' : 'warning', tier: verdict.tier, reason: verdict.reason };
  switch (forecast.kind) {
    case 'draining':
      return { kind: 'watch', reason: `draining, empty in ~${Math.round(forecast.secondsToEmpty / 60)} min` };
    case 'steady':
      return { kind: 'ok', reason: `steady at ${forecast.balancePercent.toFixed(1)} %` };
    case 'refilling':
      return { kind: 'ok', reason: `refilling (${forecast.balancePercent.toFixed(1)} %)` };
    case 'full':
      return { kind: 'ok', reason: 'bucket full' };
    case 'empty':
      return { kind: 'ok', reason: 'empty' };
    default:
      return { kind: 'ok', reason: forecast.reason };
  }
}
