/**
 * Alerts about an instance's own EBS burst bucket (issue 15 part 1): when `EBSIOBalance%` or
 * `EBSByteBalance%` is forecast to run out (core/forecast/instance.ts), on-call is told which
 * instance, which of its volumes slow down, and what would fix it (a larger size or one that never
 * bursts, with the monthly price difference). The same tiers as a volume's forecast (alert-tier.ts:
 * a page within the page horizon when the drain holds, else an early warning) and the same dedupe
 * rules (state.ts), keyed by the instance id. The guardian never changes an instance: it only alerts.
 */
import { instanceFixFor } from '../decision/instance-fix';
import { tierRuleOf } from '../decision/triggers';
import { alertTier } from '../forecast/alert-tier';
import { secondsLeft, type InstanceBucketForecast } from '../forecast/instance';
import type { Policy } from '../policy/schema';
import type { GuardianNotification, InstanceAlertFacts, NotificationSeverity, NotificationState } from '../ports';
import type { VolumeDescription } from '../types';
import type { NotificationOutcome } from './state';

/** What `nextInstanceNotification` needs for one instance. */
export interface InstanceNotificationInput {
  readonly forecast: InstanceBucketForecast;
  /** The selected volumes attached to the instance. */
  readonly volumes: readonly VolumeDescription[];
  readonly previous: NotificationState | undefined;
  readonly policy: Policy;
  readonly now: number;
  readonly region?: string;
}

const RANK: Record<NotificationSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** Decides whether to notify about the instance's bucket, and the state to store under its id. */
export function nextInstanceNotification(input: InstanceNotificationInput): NotificationOutcome {
  const { forecast, previous, policy, now } = input;
  const wasPaging = previous?.open === true && previous.lastSeverity === 'critical';
  const verdict = alertTier(forecast.worst, tierRuleOf(policy), wasPaging);
  const version = (previous?.version ?? 0) + 1;
  if (verdict.tier === undefined) {
    if (previous?.open !== true) return { notification: undefined, state: undefined };
    // A page is closed with a notice; an early warning that passed closes silently (as for volumes).
    const state = { ...previous, open: false, version };
    if (previous.lastSeverity !== 'critical') return { notification: undefined, state };
    return { notification: build(input, 'recovered', 'info', 'has nothing more to say about it and keeps watching', `danger over: ${describeBucket(forecast)}`), state: { ...state, lastEvent: 'recovered', lastSeverity: 'info', lastSentEpochSeconds: now } };
  }
  const severity: NotificationSeverity = verdict.tier === 'page' ? 'critical' : 'warning';
  const left = secondsLeft(forecast.worst);
  const secondsToEmpty = Number.isFinite(left) ? left : undefined;
  if (previous?.open === true) {
    const ratio = policy.alerting.escalateWhenTimeToEmptyRatioBelow;
    const worse = RANK[severity] > RANK[previous.lastSeverity] || (secondsToEmpty !== undefined && previous.lastSecondsToEmpty !== undefined && secondsToEmpty < previous.lastSecondsToEmpty * ratio);
    const repeatMinutes = severity === 'critical' ? policy.alerting.repeatIntervalMinutes : policy.alerting.earlyWarningRepeatMinutes;
    if (!worse && now - previous.lastSentEpochSeconds < repeatMinutes * 60) return { notification: undefined, state: undefined };
  }
  const action = 'only alerts: it changes no instance, and it refuses to flip the attached volumes while the instance is their wall';
  const notification = { ...build(input, 'instance-bucket', severity, action, `${describeBucket(forecast)}; ${verdict.reason}`), route: verdict.tier === 'page' ? ('page' as const) : ('notice' as const), ...(verdict.pageConfidence === undefined ? {} : { pageConfidence: verdict.pageConfidence }) };
  const state: NotificationState = {
    volumeId: forecast.instanceId, open: true, lastEvent: 'instance-bucket', lastSeverity: severity, lastSentEpochSeconds: now, version,
    ...(secondsToEmpty === undefined ? {} : { lastSecondsToEmpty: secondsToEmpty }),
  };
  return { notification, state };
}

/** `EBSIOBalance% 42.0 %, forecast empty at 2026-…Z (in 35 min): every attached volume (…) will be held to …`. */
function describeBucket(f: InstanceBucketForecast): string {
  const balance = 'balancePercent' in f.worst ? ` ${f.worst.balancePercent.toFixed(1)} %` : '';
  const left = secondsLeft(f.worst);
  const now = f.worst.kind === 'empty' ? 'empty now' : Number.isFinite(left) ? `falling` : f.worst.kind;
  return `instance ${f.instanceId} (${f.spec.instanceType}) ${f.wall}${balance}, ${now}: when it is empty every attached volume is held to the instance's EBS baseline (${f.spec.baselineIops.toLocaleString('en-US')} IOPS, ${f.spec.baselineMBps} MB/s in total), whatever its type, so flipping the volumes would not help`;
}

function balanceOf(forecast: InstanceBucketForecast['io']): number | undefined {
  return 'balancePercent' in forecast ? forecast.balancePercent : undefined;
}

function build(input: InstanceNotificationInput, event: 'instance-bucket' | 'recovered', severity: NotificationSeverity, action: string, reason: string): GuardianNotification {
  const { forecast: f, volumes, policy, now } = input;
  const first = volumes[0];
  const left = secondsLeft(f.worst);
  const fix = instanceFixFor(f, input.region ?? policy.region ?? 'us-east-1');
  const io = balanceOf(f.io);
  const bytes = balanceOf(f.bytes);
  const facts: InstanceAlertFacts = {
    instanceId: f.instanceId, instanceType: f.spec.instanceType, bucket: f.wall,
    ...(io === undefined ? {} : { ioBalancePercent: io }), ...(bytes === undefined ? {} : { byteBalancePercent: bytes }),
    baselineIops: f.spec.baselineIops, maximumIops: f.spec.maximumIops, baselineMBps: f.spec.baselineMBps, maximumMBps: f.spec.maximumMBps,
    attachedVolumeIds: volumes.map((v) => v.volumeId),
    ...(fix === undefined ? {} : { fix: { instanceType: fix.instanceType, burstable: fix.burstable, ...(fix.monthlyDeltaUSD === undefined ? {} : { monthlyDeltaUSD: fix.monthlyDeltaUSD }), priceNote: fix.priceNote, text: fix.text } }),
  };
  const balance = balanceOf(f.worst);
  return {
    event, severity, ...(event === 'recovered' ? { route: 'notice' as const } : {}), tEpochSeconds: now,
    volumeId: f.instanceId, volumeType: first?.type ?? 'gp2', sizeGiB: first?.sizeGiB ?? 0, instanceId: f.instanceId,
    ...(input.region === undefined ? {} : { region: input.region }),
    ...(balance === undefined ? {} : { balancePercent: balance }),
    ...(event === 'instance-bucket' && Number.isFinite(left) ? { secondsToEmpty: left } : {}),
    action, reason, dryRun: policy.dryRun,
    ...(fix?.monthlyDeltaUSD === undefined ? {} : { monthlyCostDeltaUSD: fix.monthlyDeltaUSD }),
    instance: facts,
  };
}
