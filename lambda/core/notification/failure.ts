/**
 * Notifications for what went wrong with the guardian's own actions (issue 11): a rescue whose
 * ModifyVolume failed (deduplicated like a danger: once, then again only after the repeat interval),
 * and a flipped volume someone else modified (once, when the guardian first sees it). Each says why
 * and, for a failed rescue, when the guardian may try again (ISO-8601 UTC, STYLE.md §20).
 */
import type { Policy } from '../policy/schema';
import type { ConfigurationOf, GuardianNotification, NotificationState } from '../ports';
import { isoUtc } from '../iso-time';
import { isBurstableType, type VolumeDescription, type VolumeModification } from '../types';
import type { NotificationOutcome } from './state';

/** What a failed rescue notification needs. */
export interface RescueFailureInput {
  readonly volume: VolumeDescription;
  readonly targetType: string;
  /** The error, as a person reads it. */
  readonly reason: string;
  /** When the guardian may try again; undefined = at the next scan. */
  readonly retryAfterEpochSeconds: number | undefined;
  /** ModifyVolume's answer was lost: whether it reached AWS is known only after reconciliation. */
  readonly answerLost?: boolean;
  readonly previous: NotificationState | undefined;
  readonly policy: Policy;
  readonly now: number;
  readonly region?: string;
}

/** The notification of a failed rescue, unless one was sent within the repeat interval. */
export function rescueFailedNotification(input: RescueFailureInput): NotificationOutcome {
  const { previous, now } = input;
  const repeatSeconds = input.policy.alerting.repeatIntervalMinutes * 60;
  if (previous?.open === true && previous.lastEvent === 'rescue-failed' && now - previous.lastSentEpochSeconds < repeatSeconds) {
    return { notification: undefined, state: undefined };
  }
  const next = input.answerLost === true
    ? 'once EC2 shows the request never arrived (checked every scan; at the earliest 10 min from now)'
    : input.retryAfterEpochSeconds === undefined ? 'at the next scan' : `not before ${isoUtc(input.retryAfterEpochSeconds)}`;
  const notification: GuardianNotification = {
    ...volumeFields(input.volume, input.region),
    event: 'rescue-failed',
    severity: 'critical',
    tEpochSeconds: now,
    ...manualSteps(input.targetType, input.policy),
    action: `tried to rescue it to ${input.targetType} and failed; it tries again ${next}. Check the volume now: its burst credits are running out`,
    reason: input.reason,
    dryRun: input.policy.dryRun,
  };
  const state: NotificationState = { volumeId: input.volume.volumeId, open: true, lastEvent: 'rescue-failed', lastSeverity: 'critical', lastSentEpochSeconds: now, version: (previous?.version ?? 0) + 1 };
  return { notification, state };
}

/** The one notification that a flipped volume left the guardian's control, and the state closing its danger. */
export function leftControlNotification(input: {
  readonly volume: VolumeDescription;
  readonly modification: VolumeModification;
  readonly rescueStartEpochSeconds: number;
  readonly previous: NotificationState | undefined;
  readonly policy: Policy;
  readonly now: number;
  readonly region?: string;
}): { notification: GuardianNotification; state: NotificationState } {
  const m = input.modification;
  const notification: GuardianNotification = {
    ...volumeFields(input.volume, input.region),
    event: 'left-control',
    severity: 'warning',
    tEpochSeconds: input.now,
    ...manualSteps(undefined, input.policy),
    action: isBurstableType(m.targetType)
      ? `has let go of it: its rescue has ended, the volume is back on ${m.targetType}, and it is watched like any ${m.targetType} volume`
      : 'has let go of it: it no longer manages this volume and will not revert it; it watches it again only once it is back on a burstable type',
    reason: `someone else modified it at ${isoUtc(m.startEpochSeconds)} (${m.originalType} -> ${m.targetType}, ${m.state}), after the guardian's rescue of ${isoUtc(input.rescueStartEpochSeconds)}`,
    dryRun: input.policy.dryRun,
  };
  const state: NotificationState = { volumeId: input.volume.volumeId, open: false, lastEvent: 'left-control', lastSeverity: 'warning', lastSentEpochSeconds: input.now, version: (input.previous?.version ?? 0) + 1 };
  return { notification, state };
}

/** The manual rescue target (gp3 at its included baseline when that is the target) and the opt-in tag that pauses the guardian. */
function manualSteps(targetType: string | undefined, policy: Policy): Pick<GuardianNotification, 'manualTarget' | 'optInTag'> {
  const target: ConfigurationOf | undefined = targetType === 'gp3'
    ? { type: 'gp3', iops: 3000, throughputMiBps: 125 }
    : targetType === 'io1' || targetType === 'io2' ? { type: targetType, iops: 3000 } : undefined;
  const optIn = policy.selection.optInTag;
  return {
    ...(target === undefined ? {} : { manualTarget: target }),
    ...(optIn === null ? {} : { optInTag: { key: optIn.key, ...(optIn.value === undefined ? {} : { value: optIn.value }) } }),
  };
}

function volumeFields(volume: VolumeDescription, region: string | undefined): Pick<GuardianNotification, 'volumeId' | 'volumeType' | 'sizeGiB' | 'nameTag' | 'instanceId' | 'region'> {
  const nameTag = volume.tags['Name'];
  return {
    volumeId: volume.volumeId,
    volumeType: volume.type,
    sizeGiB: volume.sizeGiB,
    ...(nameTag === undefined ? {} : { nameTag }),
    ...(volume.instanceId === undefined ? {} : { instanceId: volume.instanceId }),
    ...(region === undefined ? {} : { region }),
  };
}
