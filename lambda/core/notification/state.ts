/**
 * Per-volume notification dedup and escalation (DESIGN.md §5): the first alert is sent; while the
 * danger stays open, another is sent only when it worsens (severity rises, or the time to empty
 * shrinks below the policy's ratio of the last one) or after the repeat interval; actions (rescue,
 * revert) are always sent; when the danger is over, one `recovered` closes it. Early warnings
 * (issue 16) are informational: at most one per volume per `earlyWarningRepeatMinutes` (a day),
 * whether or not the danger closed in between, unless the time to empty shrinks by the ratio; and
 * an early warning that passes closes silently (no `recovered` for something nobody was paged for).
 */
import type { Decision } from '../decision/types';
import type { Policy } from '../policy/schema';
import type { ConfigurationOf, GuardianNotification, NotificationEvent, NotificationSeverity, NotificationState } from '../ports';
import { isoUtc } from '../iso-time';
import type { Forecast, VolumeDescription } from '../types';
import { routeOf } from './route';

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
  /** What the guardian did or will do: a verb phrase read after "The guardian". */
  readonly text: string;
  readonly forecast?: Forecast;
  readonly monthlyCostDeltaUSD?: number;
  readonly change?: { readonly from: ConfigurationOf; readonly to: ConfigurationOf };
  readonly nextAllowedEpochSeconds?: number;
  readonly blockReason?: string;
}

/** `gp3, 3,000 IOPS, 125 MiB/s`. */
export function describeConfiguration(c: ConfigurationOf): string {
  return [c.type, c.iops === undefined ? undefined : `${c.iops.toLocaleString('en-US')} IOPS`, c.throughputMiBps === undefined ? undefined : `${c.throughputMiBps} MiB/s`]
    .filter((x) => x !== undefined)
    .join(', ');
}

function configurationOf(t: { readonly type: ConfigurationOf['type']; readonly iops?: number; readonly throughputMiBps?: number }): ConfigurationOf {
  return { type: t.type, ...(t.iops === undefined ? {} : { iops: t.iops }), ...(t.throughputMiBps === undefined ? {} : { throughputMiBps: t.throughputMiBps }) };
}

function candidateOf(d: Decision, dryRun: boolean): Candidate | undefined {
  switch (d.kind) {
    case 'alert':
      return { event: d.forecast.kind === 'empty' ? 'throttled' : 'forecast-alert', severity: d.severity, action: false, open: true, text: 'only alerts: the policy does not let it rescue this volume now', forecast: d.forecast };
    case 'rescue': {
      const change = { from: configurationOf(d.from), to: configurationOf(d.target) };
      const text = dryRun
        ? `would rescue it to ${describeConfiguration(change.to)} (dry run: nothing was modified)`
        : `is rescuing it now: ModifyVolume to ${describeConfiguration(change.to)} was requested`;
      // A planned window's flip is routine (info), and nothing is in danger, so no `recovered` follows it.
      const scheduled = d.schedule === undefined ? '' : `for schedule '${d.schedule}': `;
      return { event: 'rescue', severity: d.schedule === undefined ? 'warning' : 'info', action: !dryRun, open: d.schedule === undefined, text: scheduled + text, ...(d.forecast === undefined ? {} : { forecast: d.forecast }), monthlyCostDeltaUSD: d.cost.monthlyUSD, change };
    }
    case 'revert': {
      const change = { from: configurationOf(d.from), to: configurationOf(d.target) };
      const text = dryRun ? `would revert it to ${describeConfiguration(change.to)} (dry run: nothing was modified)` : `is reverting it now to ${describeConfiguration(change.to)}`;
      return { event: 'revert', severity: 'info', action: !dryRun, open: false, text, monthlyCostDeltaUSD: d.cost.monthlyUSD, change };
    }
    case 'stay-recommendation':
      return {
        event: 'stay-recommendation', severity: 'info', action: false, open: false,
        text: `recommends staying on ${describeConfiguration(d.recommended)}: it costs $${d.savingMonthlyUSD.toFixed(2)}/month less than going back to ${d.original.type}; no change made`,
        monthlyCostDeltaUSD: -d.savingMonthlyUSD, change: { from: configurationOf(d.current), to: configurationOf(d.recommended) },
      };
    case 'blocked':
      // In progress = usually our own rescue still optimizing: nothing new to say.
      return d.wanted === 'rescue' && d.block !== 'in-progress'
        ? {
            event: 'blocked', severity: 'critical', action: false, open: true,
            text: d.block === 'instance-bucket'
              ? "wanted to rescue it but will not: its instance's own EBS bucket is the wall, and no volume type gets past it; it looks again every scan"
              : `wanted to rescue it but may not (${d.block}); ${d.nextAllowedEpochSeconds === undefined ? 'it tries again once the running modification completes' : `next attempt not before ${isoUtc(d.nextAllowedEpochSeconds)}`}`,
            ...(d.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: d.nextAllowedEpochSeconds }),
            blockReason: d.block,
          }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * While a danger stays open its severity never drops (five CRITICAL escalations are not followed by
 * a WARNING because the dry-run rescue candidate is rated lower); `recovered` closes it.
 */
function effectiveSeverity(candidate: Candidate, previous: NotificationState | undefined): NotificationSeverity {
  if (!candidate.open || previous?.open !== true) return candidate.severity;
  return RANK[previous.lastSeverity] > RANK[candidate.severity] ? previous.lastSeverity : candidate.severity;
}

/** Decides whether to notify for one volume's decision, and the notification state to store. */
export function nextNotification(input: NotificationInput): NotificationOutcome {
  const { decision, previous, now } = input;
  const raw = candidateOf(decision, input.policy.dryRun);
  const candidate = raw === undefined ? undefined : { ...raw, severity: effectiveSeverity(raw, previous) };
  const version = (previous?.version ?? 0) + 1;
  if (candidate === undefined) {
    if (previous?.open !== true || decision.kind === 'blocked') return { notification: undefined, state: undefined };
    if (isEarlyWarningState(previous)) return { notification: undefined, state: { ...previous, open: false, version } };
    const notification = build(input, { event: 'recovered', severity: 'info', action: false, open: false, text: 'has nothing more to do and keeps watching' }, ['danger over: ' + decision.reasons.join('; ')]);
    return { notification, state: { volumeId: decision.volumeId, open: false, lastEvent: 'recovered', lastSeverity: 'info', lastSentEpochSeconds: now, version, ...earlyWarningFields(previous) } };
  }
  const secondsToEmpty = secondsToEmptyOf(candidate.forecast);
  const early = isEarlyWarning(candidate);
  // The state remembers the severity actually sent (an escalation is sent as critical).
  const stateOf = (event: NotificationEvent): NotificationState => ({
    volumeId: decision.volumeId, open: candidate.open, lastEvent: event, lastSeverity: event === 'escalation' && !early ? 'critical' : candidate.severity, lastSentEpochSeconds: now, version,
    ...(secondsToEmpty === undefined ? {} : { lastSecondsToEmpty: secondsToEmpty }),
    ...earlyWarningFields(early ? { lastEarlyWarningEpochSeconds: now, lastEarlyWarningSecondsToEmpty: secondsToEmpty } : previous),
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
  const ratio = input.policy.alerting.escalateWhenTimeToEmptyRatioBelow;
  const halved = secondsToEmpty !== undefined && previous?.lastSecondsToEmpty !== undefined && secondsToEmpty < previous.lastSecondsToEmpty * ratio;
  // A state stored before these fields existed: its last early warning is its last message.
  const legacy = previous !== undefined && previous.lastEarlyWarningEpochSeconds === undefined && isEarlyWarningState(previous);
  const lastEarly = legacy ? previous.lastSentEpochSeconds : previous?.lastEarlyWarningEpochSeconds;
  // Early warnings: one a day per volume, whatever happened in between, unless the forecast halved.
  if (isEarlyWarning(candidate) && lastEarly !== undefined && input.now - lastEarly < input.policy.alerting.earlyWarningRepeatMinutes * 60) {
    const lastT = legacy ? previous.lastSecondsToEmpty : previous?.lastEarlyWarningSecondsToEmpty;
    return secondsToEmpty !== undefined && lastT !== undefined && secondsToEmpty < lastT * ratio ? 'escalation' : undefined;
  }
  if (previous === undefined || !previous.open) return candidate.event;
  if (RANK[candidate.severity] > RANK[previous.lastSeverity]) return 'escalation';
  if (halved) return 'escalation';
  if (input.now - previous.lastSentEpochSeconds >= input.policy.alerting.repeatIntervalMinutes * 60) return candidate.event;
  return undefined;
}

/** gp3 at its included baseline (3,000 IOPS, 125 MiB/s) covers what a gp2 burst gave (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html). */
const GP3_BASELINE: ConfigurationOf = { type: 'gp3', iops: 3000, throughputMiBps: 125 };

/** The early-warning dedup fields of a state (or of a fresh early warning), carried into the next state. */
function earlyWarningFields(s: Pick<NotificationState, 'lastEarlyWarningEpochSeconds' | 'lastEarlyWarningSecondsToEmpty'> | undefined): Partial<NotificationState> {
  if (s?.lastEarlyWarningEpochSeconds === undefined) return {};
  return { lastEarlyWarningEpochSeconds: s.lastEarlyWarningEpochSeconds, ...(s.lastEarlyWarningSecondsToEmpty === undefined ? {} : { lastEarlyWarningSecondsToEmpty: s.lastEarlyWarningSecondsToEmpty }) };
}

/** A forecast alert below the page tier: an early warning. */
function isEarlyWarning(c: Candidate): boolean {
  return c.event === 'forecast-alert' && c.severity === 'warning';
}

/** The stored state of an early warning (sent as a warning-level forecast alert or its escalation). */
function isEarlyWarningState(s: NotificationState): boolean {
  return (s.lastEvent === 'forecast-alert' || s.lastEvent === 'escalation') && s.lastSeverity === 'warning';
}

function build(input: NotificationInput, c: Candidate, reasons: readonly string[]): GuardianNotification {
  const { volume, policy } = input;
  const balance = balanceOf(c.forecast);
  const secondsToEmpty = secondsToEmptyOf(c.forecast);
  const demand = c.forecast !== undefined && 'demandPerSecond' in c.forecast ? c.forecast.demandPerSecond : undefined;
  const nameTag = volume.tags['Name'];
  const burstable = volume.type === 'gp2' || volume.type === 'st1' || volume.type === 'sc1';
  // The guardian's own sized target when it wants to rescue (also when the message is an escalation).
  const manualTarget = input.decision.kind === 'rescue' && c.change !== undefined ? c.change.to : burstable ? GP3_BASELINE : undefined;
  const optIn = policy.selection.optInTag;
  const { route, pageConfidence } = routeOf(c.event === 'escalation' ? 'forecast-alert' : c.event, c.forecast, input.policy);
  return {
    event: c.event,
    // An early warning that worsened is still informational; any other escalation is critical.
    severity: c.event === 'escalation' && !(route === 'notice' && c.severity === 'warning') ? 'critical' : c.severity,
    route,
    ...(pageConfidence === undefined ? {} : { pageConfidence }),
    tEpochSeconds: input.now,
    volumeId: volume.volumeId,
    volumeType: volume.type,
    sizeGiB: volume.sizeGiB,
    ...(nameTag === undefined ? {} : { nameTag }),
    ...(volume.instanceId === undefined ? {} : { instanceId: volume.instanceId }),
    ...(input.region === undefined ? {} : { region: input.region }),
    ...(balance === undefined ? {} : { balancePercent: balance }),
    ...(secondsToEmpty === undefined ? {} : { secondsToEmpty }),
    ...(demand === undefined ? {} : { demandPerSecond: demand }),
    ...(input.containerStartP90Ms === undefined ? {} : { containerStartP90Ms: input.containerStartP90Ms }),
    action: c.text,
    reason: reasons.join('; '),
    dryRun: policy.dryRun,
    ...(c.monthlyCostDeltaUSD === undefined ? {} : { monthlyCostDeltaUSD: c.monthlyCostDeltaUSD }),
    ...(c.change === undefined ? {} : { change: c.change }),
    ...(manualTarget === undefined ? {} : { manualTarget }),
    ...(c.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: c.nextAllowedEpochSeconds }),
    ...(c.blockReason === undefined ? {} : { blockReason: c.blockReason }),
    ...(optIn === null ? {} : { optInTag: { key: optIn.key, ...(optIn.value === undefined ? {} : { value: optIn.value }) } }),
  };
}
