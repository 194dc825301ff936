/**
 * EventBridge `EBS Volume Notification` handler (`detail.event = modifyVolume`). The event is a hint,
 * never the source of truth (best effort delivery:
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-cloud-watch-events.html): the handler runs the
 * same scan restricted to the event's volume, whose reconciliation step refreshes every open
 * modification from DescribeVolumesModifications, so a lost or duplicated event changes nothing.
 * A restricted scan (not a full one) keeps the function's 1-minute timeout safe on big fleets, and it
 * emits no `ScanSucceeded`: only the schedule proves the guardian is alive.
 */
import type { Context } from 'aws-lambda';
import { createWiredScan, type HandlerOptions } from './wiring';

/** The part of the EventBridge event the handler reads. */
export interface EbsVolumeNotificationEvent {
  readonly 'detail-type'?: string;
  readonly source?: string;
  readonly resources?: readonly string[];
  readonly detail?: { readonly event?: string; readonly result?: string; readonly cause?: string };
}

/** What the handler did with one event. */
export type ModificationEventResult =
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'reconciled'; readonly volumeId: string; readonly reconciled: number; readonly errors: number };

const VOLUME_ARN = /^arn:aws[\w-]*:ec2:[\w-]+:\d{12}:volume\/(vol-[0-9a-f]+)$/;

/** The volume id of a `modifyVolume` notification, or why the event is not one. */
export function volumeIdOfEvent(event: EbsVolumeNotificationEvent): { volumeId: string } | { reason: string } {
  if (event.detail?.event !== 'modifyVolume') return { reason: `not a modifyVolume event (${event.detail?.event ?? 'no detail.event'})` };
  const match = (event.resources ?? []).map((arn) => VOLUME_ARN.exec(arn)).find((m) => m !== null);
  const volumeId = match?.[1];
  return volumeId === undefined ? { reason: 'no volume ARN in resources' } : { volumeId };
}

/** Builds the event handler; tests inject clients, env and policy, Lambda uses the defaults. */
export function createModificationEventHandler(
  options: HandlerOptions = {},
): (event: EbsVolumeNotificationEvent, context: Pick<Context, 'awsRequestId'>) => Promise<ModificationEventResult> {
  const { run, logger } = createWiredScan(options);
  return async (event, context) => {
    logger.addContext(context as Context);
    const target = volumeIdOfEvent(event);
    if ('reason' in target) {
      logger.warn('event ignored', { reason: target.reason, resources: event.resources ?? [] });
      return { kind: 'ignored', reason: target.reason };
    }
    logger.info('modifyVolume event', { volumeId: target.volumeId, result: event.detail?.result, cause: event.detail?.cause });
    const report = await run({ runId: context.awsRequestId, volumeId: target.volumeId, heartbeat: false });
    return { kind: 'reconciled', volumeId: target.volumeId, reconciled: report.reconciled, errors: report.errors.length };
  };
}

/** The Lambda entry point (`lib/burst-guardian.ts` bundles this file). */
export const handler = createModificationEventHandler();
