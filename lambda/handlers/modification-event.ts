/**
 * EventBridge `EBS Volume Notification` handler (`detail.event = modifyVolume`). The event is a hint,
 * never the source of truth (best-effort delivery:
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-cloud-watch-events.html). So the handler does
 * not trust its content: it runs the scan's reconciliation step, which refreshes every open
 * modification of the ledger (the event's volume included) from DescribeVolumesModifications. A lost
 * or duplicated event therefore changes nothing, and the function needs only the permissions
 * `grantEventPermissions` gives it (no GetMetricData, no ModifyVolume): it never decides or acts, and
 * emits no `ScanSucceeded`, so only the schedule proves the guardian is alive.
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
  const { reconcile, logger } = createWiredScan(options);
  return async (event, context) => {
    logger.addContext(context as Context);
    const target = volumeIdOfEvent(event);
    if ('reason' in target) {
      logger.warn('event ignored', { reason: target.reason, resources: event.resources ?? [] });
      return { kind: 'ignored', reason: target.reason };
    }
    logger.info('modifyVolume event', { volumeId: target.volumeId, result: event.detail?.result, cause: event.detail?.cause });
    const outcome = await reconcile(context.awsRequestId, (context as Partial<Pick<Context, 'invokedFunctionArn'>>).invokedFunctionArn);
    return { kind: 'reconciled', volumeId: target.volumeId, reconciled: outcome.reconciled, errors: outcome.errors.length };
  };
}

/** The Lambda entry point (`lib/burst-guardian.ts` bundles this file). */
export const handler = createModificationEventHandler();
