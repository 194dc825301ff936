/**
 * Reading a forecast against the policy: does it trigger a rescue, an alert, or just watching?
 * Thresholds come from the policy's `rescue.trigger` and `alerting` sections.
 */
import type { AlertSeverity, VolumeContext } from './types';
import type { Forecast, MetricPoint } from '../types';

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
export function rescueTrigger(ctx: VolumeContext): RescueTrigger | undefined {
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

/** Alerting level: an alert with its severity, watching, or nothing to say. */
export type AlertLevel =
  | { readonly kind: 'alert'; readonly severity: AlertSeverity; readonly reason: string }
  | { readonly kind: 'watch'; readonly reason: string }
  | { readonly kind: 'ok'; readonly reason: string };

/** What the forecast means for alerting under the policy. */
export function alertLevel(ctx: VolumeContext, forecast: Forecast): AlertLevel {
  const a = ctx.policy.alerting;
  const rescueHorizonSeconds = ctx.policy.rescue.trigger.horizonMinutes * 60;
  switch (forecast.kind) {
    case 'empty':
      return { kind: 'alert', severity: 'critical', reason: 'burst bucket empty: IOPS held to the baseline' };
    case 'draining': {
      const minutes = Math.round(forecast.secondsToEmpty / 60);
      if (forecast.confidence >= a.minConfidence && forecast.secondsToEmpty <= a.horizonMinutes * 60) {
        const severity: AlertSeverity = forecast.secondsToEmpty <= rescueHorizonSeconds ? 'critical' : 'warning';
        return { kind: 'alert', severity, reason: `forecast empty in ${minutes} min (alert horizon ${a.horizonMinutes} min)` };
      }
      if (forecast.balancePercent <= a.floorPercent) return { kind: 'alert', severity: 'warning', reason: `BurstBalance ${forecast.balancePercent.toFixed(1)} % at or below ${a.floorPercent} %` };
      return { kind: 'watch', reason: `draining, empty in ~${minutes} min` };
    }
    case 'steady':
      return forecast.balancePercent <= a.floorPercent
        ? { kind: 'alert', severity: 'warning', reason: `BurstBalance ${forecast.balancePercent.toFixed(1)} % at or below ${a.floorPercent} %` }
        : { kind: 'ok', reason: `steady at ${forecast.balancePercent.toFixed(1)} %` };
    case 'refilling':
      return { kind: 'ok', reason: `refilling (${forecast.balancePercent.toFixed(1)} %)` };
    case 'full':
      return { kind: 'ok', reason: 'bucket full' };
    default:
      return { kind: 'ok', reason: forecast.reason };
  }
}
