/**
 * Per-volume notification dedup and escalation (DESIGN.md §5): the first alert is sent; while the
 * danger stays open, another is sent only when it worsens (severity rises, or the time to empty
 * shrinks below the policy's ratio of the last one) or after the repeat interval; actions (rescue,
 * revert) are always sent; when the danger is over, one `recovered` closes it.
 */
import type { Decision } from '../decision/types';
import type { Policy } from '../policy/schema';
import type { GuardianNotification, NotificationEvent, NotificationSeverity, NotificationState } from '../ports';
import { isoUtc } from '../iso-time';
import type { Forecast, VolumeDescription } from '../types';

/** What `nextNotification` needs for one volume. */
export interface NotificationInput {
  readonly decision: Decision;
  readonly volume: VolumeDescription;
  readonly previous: NotificationState | undefined;
  readonly policy: Policy;
  readonly now: number;
  readonly region?: string;
  /** Latest probe container-start p90, ms, quoted in alerts when known. */
  readonly containerStartP90Ms?: number;
}

/** The notification to send (if any) and the state to store (undefined = keep the stored one). */
export interface NotificationOutcome {
  readonly notification: GuardianNotification | undefined;
  readonly state: NotificationState | undefined;
}

const RANK: Record<NotificationSeverity, number> = { info: 0, warning: 1, critical: 2 };

function secondsToEmptyOf(forecast: Forecast | undefined): number | undefined {
  if (forecast === undefined) return undefined;
  if (forecast.kind === 'draining') return forecast.secondsToEmpty;
  return forecast.kind === 'empty' ? 0 : undefined;
}

function balanceOf(forecast: Forecast | undefined): number | undefined {
  return forecast !== undefined && 'balancePercent' in forecast ? forecast.balancePercent : undefined;
}

/** A decision seen as a notification candidate. */
interface Candidate {
  readonly event: NotificationEvent;
  readonly severity: NotificationSeverity;
  /** True for real actions (always sent); false for dangers and dry-run actions (deduplicated). */
  readonly action: boolean;
  /** Whether the danger stays open after this. */
  readonly open: boolean;
  readonly text: string;
  readonly forecast?: Forecast;
  readonly monthlyCostDeltaUSD?: number;
}

function candidateOf(d: Decision, dryRun: boolean): Candidate | undefined {
  const would = dryRun ? 'would modify (dry run)' : 'modifying';
  switch (d.kind) {
    case 'alert':
      return { event: d.forecast.kind === 'empty' ? 'throttled' : 'forecast-alert', severity: d.severity, action: false, open: true, text: 'watch the volume; the policy does not rescue it now', forecast: d.forecast };
    case 'rescue':
      return { event: 'rescue', severity: 'warning', action: !dryRun, open: true, text: `${would} to ${d.target.type} ${d.target.iops} IOPS${d.target.throughputMiBps === undefined ? '' : ` / ${d.target.throughputMiBps} MiB/s`}`, ...(d.forecast === undefined ? {} : { forecast: d.forecast }), monthlyCostDeltaUSD: d.cost.monthlyUSD };
    case 'revert':
      return { event: 'revert', severity: 'info', action: !dryRun, open: false, text: `${would} back to ${d.target.type}`, monthlyCostDeltaUSD: d.cost.monthlyUSD };
    case 'stay-recommendation':
      return { event: 'stay-recommendation', severity: 'info', action: false, open: false, text: `recommend staying on ${d.recommended.type}${d.recommended.iops === undefined ? '' : ` at ${d.recommended.iops} IOPS`}${d.recommended.throughputMiBps === undefined ? '' : ` / ${d.recommended.throughputMiBps} MiB/s`}: saves $${d.savingMonthlyUSD.toFixed(2)}/month over ${d.original.type}`, monthlyCostDeltaUSD: -d.savingMonthlyUSD };
    case 'blocked':
      // In progress = usually our own rescue still optimizing: nothing new to say.
      return d.wanted === 'rescue' && d.block !== 'in-progress'
        ? { event: 'blocked', severity: 'critical', action: false, open: true, text: `rescue blocked (${d.block}); ${d.nextAllowedEpochSeconds === undefined ? 'the guardian tries again once the running modification completes' : `next attempt not before ${isoUtc(d.nextAllowedEpochSeconds)}`}` }
        : undefined;
    default:
      return undefined;
  }
}

/** Decides whether to notify for one volume's decision, and the notification state to store. */
export function nextNotification(input: NotificationInput): NotificationOutcome {
  const { decision, previous, now } = input;
  const candidate = candidateOf(decision, input.policy.dryRun);
  const version = (previous?.version ?? 0) + 1;
  if (candidate === undefined) {
    if (previous?.open !== true || decision.kind === 'blocked') return { notification: undefined, state: undefined };
    const notification = build(input, { event: 'recovered', severity: 'info', action: false, open: false, text: 'no action needed' }, ['danger over: ' + decision.reasons.join('; ')]);
    return { notification, state: { volumeId: decision.volumeId, open: false, lastEvent: 'recovered', lastSeverity: 'info', lastSentEpochSeconds: now, version } };
  }
  const secondsToEmpty = secondsToEmptyOf(candidate.forecast);
  const stateOf = (event: NotificationEvent): NotificationState => ({
    volumeId: decision.volumeId, open: candidate.open, lastEvent: event, lastSeverity: candidate.severity, lastSentEpochSeconds: now, version,
    ...(secondsToEmpty === undefined ? {} : { lastSecondsToEmpty: secondsToEmpty }),
  });
  const event = candidate.action ? candidate.event : dedupEvent(input, candidate, secondsToEmpty);
  if (event === undefined) return { notification: undefined, state: undefined };
  return { notification: build(input, { ...candidate, event }, decision.reasons), state: stateOf(event) };
}

/** For a danger: the event to send now (first, escalation or repeat), or undefined to stay quiet. */
function dedupEvent(input: NotificationInput, candidate: Candidate, secondsToEmpty: number | undefined): NotificationEvent | undefined {
  const previous = input.previous;
  // Recommendations and dry-run reverts are said once, not repeated every scan.
  if (!candidate.open) return previous?.lastEvent === candidate.event ? undefined : candidate.event;
  if (previous === undefined || !previous.open) return candidate.event;
  if (RANK[candidate.severity] > RANK[previous.lastSeverity]) return 'escalation';
  const ratio = input.policy.alerting.escalateWhenTimeToEmptyRatioBelow;
  if (secondsToEmpty !== undefined && previous.lastSecondsToEmpty !== undefined && secondsToEmpty < previous.lastSecondsToEmpty * ratio) return 'escalation';
  if (input.now - previous.lastSentEpochSeconds >= input.policy.alerting.repeatIntervalMinutes * 60) return candidate.event;
  return undefined;
}

function build(input: NotificationInput, c: Candidate, reasons: readonly string[]): GuardianNotification {
  const { volume } = input;
  const balance = balanceOf(c.forecast);
  const secondsToEmpty = secondsToEmptyOf(c.forecast);
  const nameTag = volume.tags['Name'];
  return {
    event: c.event,
    severity: c.event === 'escalation' ? 'critical' : c.severity,
    tEpochSeconds: input.now,
    volumeId: volume.volumeId,
    volumeType: volume.type,
    sizeGiB: volume.sizeGiB,
    ...(nameTag === undefined ? {} : { nameTag }),
    ...(volume.instanceId === undefined ? {} : { instanceId: volume.instanceId }),
    ...(input.region === undefined ? {} : { region: input.region }),
    ...(balance === undefined ? {} : { balancePercent: balance }),
    ...(secondsToEmpty === undefined ? {} : { secondsToEmpty }),
    ...(input.containerStartP90Ms === undefined ? {} : { containerStartP90Ms: input.containerStartP90Ms }),
    action: c.text,
    reason: reasons.join('; '),
    dryRun: input.policy.dryRun,
    ...(c.monthlyCostDeltaUSD === undefined ? {} : { monthlyCostDeltaUSD: c.monthlyCostDeltaUSD }),
  };
}
