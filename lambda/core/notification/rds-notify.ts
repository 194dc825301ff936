/**
 * Notifications about RDS DB instances (issue 15 part 2), deduplicated like the volumes' (state.ts):
 * the first alert is sent; while it stays open another goes out only when it worsens (severity rises,
 * or the time to empty shrinks below `escalateWhenTimeToEmptyRatioBelow` of the last) or after the
 * repeat interval (`repeatIntervalMinutes` for pages, `earlyWarningRepeatMinutes` for notices); an
 * applied rescue is always sent; one `recovered` closes a page. The state is stored under
 * `rds:<identifier>` in the same history table.
 */
import type { RdsDecision } from '../decision/rds-decide';
import type { Policy } from '../policy/schema';
import type { AccountIdentity, GuardianNotification, NotificationEvent, NotificationSeverity, NotificationState } from '../ports';
import { rdsResourceKey, type RdsInstance } from '../rds-ports';
import { isoUtc } from '../iso-time';
import { routeOf } from './route';
import type { NotificationOutcome } from './state';

/** What `nextRdsNotification` needs for one DB instance. */
export interface RdsNotificationInput {
  readonly decision: RdsDecision;
  readonly instance: RdsInstance;
  readonly previous: NotificationState | undefined;
  readonly policy: Policy;
  readonly now: number;
  readonly region?: string;
  readonly account?: AccountIdentity;
  /** True when the rescue was requested from RDS and accepted this scan. */
  readonly applied?: boolean;
  /** ModifyDBInstance for this rescue failed this scan: why, and when the guardian may try again. */
  readonly failure?: { readonly reason: string; readonly retryAfterEpochSeconds?: number };
}

const RANK: Record<NotificationSeverity, number> = { info: 0, warning: 1, critical: 2 };

interface Candidate {
  readonly event: NotificationEvent;
  readonly severity: NotificationSeverity;
  readonly action: string;
  readonly open: boolean;
  readonly always: boolean;
}

function candidateOf(d: RdsDecision, applied: boolean, dryRun: boolean, failure: RdsNotificationInput['failure']): Candidate | undefined {
  if (failure !== undefined) {
    const next = failure.retryAfterEpochSeconds === undefined ? 'at the next scan' : `not before ${isoUtc(failure.retryAfterEpochSeconds)}`;
    return { event: 'rescue-failed', severity: 'critical', action: `tried to move its storage to gp3 and failed; it tries again ${next}. Move it by hand now if RDS allows: its burst credits are running out`, open: true, always: false };
  }
  switch (d.kind) {
    case 'alert':
      return d.forecast.kind === 'empty'
        ? { event: 'throttled', severity: 'critical', action: 'only alerts (rds.rescue is false): move it to gp3 by hand', open: true, always: false }
        : { event: 'forecast-alert', severity: d.severity, action: 'only alerts (rds.rescue is false): move it to gp3 by hand before the wall', open: true, always: false };
    case 'rescue':
      return applied
        ? { event: 'rescue', severity: 'warning', action: 'asked RDS to move its storage to gp3 now (ModifyDBInstance, ApplyImmediately); it stays on gp3', open: false, always: true }
        : { event: 'rescue', severity: 'warning', action: dryRun ? 'would move its storage to gp3 (dry run: nothing was modified)' : 'wanted to move its storage to gp3', open: true, always: false };
    case 'blocked':
      return { event: 'blocked', severity: 'critical', action: `wanted to move its storage to gp3 but RDS would refuse it now (${d.block})${d.nextAllowedEpochSeconds === undefined ? '' : `; next attempt not before ${isoUtc(d.nextAllowedEpochSeconds)}`}`, open: true, always: false };
    default:
      return undefined;
  }
}

function secondsToEmptyOf(d: RdsDecision): number | undefined {
  if (!('forecast' in d) || d.forecast === undefined) return undefined;
  return d.forecast.kind === 'draining' ? d.forecast.secondsToEmpty : d.forecast.kind === 'empty' ? 0 : undefined;
}

/** Decides whether to notify about one DB instance, and the state to store. */
export function nextRdsNotification(input: RdsNotificationInput): NotificationOutcome {
  const { decision: d, previous, policy, now } = input;
  const key = rdsResourceKey(input.instance.identifier);
  const version = (previous?.version ?? 0) + 1;
  const candidate = candidateOf(d, input.applied === true, policy.dryRun, input.failure);
  if (candidate === undefined) {
    // Only a page is closed out loud; an early warning that passes closes silently (as for volumes).
    if (previous?.open !== true || d.kind === 'skip') return { notification: undefined, state: undefined };
    const state: NotificationState = { ...previous, open: false, version };
    if (previous.lastSeverity !== 'critical') return { notification: undefined, state };
    return { notification: build(input, { event: 'recovered', severity: 'info', action: 'closes the alert: the burst balance is no longer running out', open: false, always: true }, undefined), state: { ...state, lastEvent: 'recovered', lastSeverity: 'info', lastSentEpochSeconds: now } };
  }
  const seconds = secondsToEmptyOf(d);
  let event = candidate.event;
  if (!candidate.always && previous?.open === true) {
    const worse = RANK[candidate.severity] > RANK[previous.lastSeverity];
    const shrunk = seconds !== undefined && previous.lastSecondsToEmpty !== undefined && seconds < previous.lastSecondsToEmpty * policy.alerting.escalateWhenTimeToEmptyRatioBelow;
    const repeatMinutes = candidate.severity === 'critical' ? policy.alerting.repeatIntervalMinutes : policy.alerting.earlyWarningRepeatMinutes;
    const due = now - previous.lastSentEpochSeconds >= repeatMinutes * 60;
    if (!worse && !shrunk && !due) return { notification: undefined, state: undefined };
    if (worse || shrunk) event = 'escalation';
  }
  const notification = build(input, { ...candidate, event }, seconds);
  const state: NotificationState = {
    volumeId: key, open: candidate.open, lastEvent: event, lastSeverity: candidate.severity, lastSentEpochSeconds: now,
    ...(seconds === undefined ? {} : { lastSecondsToEmpty: seconds }), version,
  };
  return { notification, state };
}

function build(input: RdsNotificationInput, c: Candidate, secondsToEmpty: number | undefined): GuardianNotification {
  const { decision: d, instance, policy, now } = input;
  const forecast = 'forecast' in d ? d.forecast : undefined;
  const balance = forecast !== undefined && 'balancePercent' in forecast ? forecast.balancePercent : undefined;
  const demand = forecast !== undefined && (forecast.kind === 'draining' || forecast.kind === 'empty') ? forecast.demandPerSecond : undefined;
  const optIn = policy.selection.optInTag;
  const routing = routeOf(c.event, forecast, policy);
  return {
    event: c.event, severity: c.severity, tEpochSeconds: now,
    volumeId: rdsResourceKey(instance.identifier), volumeType: 'gp2', sizeGiB: instance.allocatedStorageGiB,
    rds: { identifier: instance.identifier, engine: instance.engine, ...(instance.arn === undefined ? {} : { arn: instance.arn }) },
    ...(input.region === undefined ? {} : { region: input.region }),
    ...(input.account === undefined ? {} : { account: input.account }),
    ...(balance === undefined ? {} : { balancePercent: balance }),
    ...(secondsToEmpty === undefined ? {} : { secondsToEmpty }),
    ...(demand === undefined ? {} : { demandPerSecond: demand }),
    action: c.action, reason: input.failure === undefined ? d.reasons.join('; ') : `${input.failure.reason} (wanted because: ${d.reasons.join('; ')})`, dryRun: policy.dryRun,
    ...(d.kind === 'rescue' ? { monthlyCostDeltaUSD: d.monthlyCostDeltaUSD, change: { from: { type: 'gp2' as const }, to: { type: 'gp3' as const } } } : {}),
    manualTarget: { type: 'gp3' },
    ...(d.kind === 'blocked' ? { blockReason: d.block, ...(d.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: d.nextAllowedEpochSeconds }) } : {}),
    ...(optIn === null ? {} : { optInTag: optIn }),
    route: routing.route, ...(routing.pageConfidence === undefined ? {} : { pageConfidence: routing.pageConfidence }),
  };
}
