/**
 * Recording what one ModifyVolume call did (issue 11, "never mislabel a flip"): an accepted request
 * is written with AWS's StartTime, retried when the write fails, and otherwise left to
 * reconciliation (the intent stays open, DescribeVolumesModifications shows the flip on the next
 * scan); a failed call closes the intent only as what the error proves (`modify-failure.ts`).
 */
import { HistoryConflictError } from '../errors';
import type { ModificationPatch, ModificationRecord } from '../ports';
import type { VolumeModification } from '../types';
import type { ModifyFailure } from './modify-failure';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** Attempts at writing an accepted modification's result (the SDK retries each one too). */
export const RESULT_WRITE_ATTEMPTS = 3;

/** How the result of an accepted ModifyVolume was recorded. */
export type ResultRecording = 'recorded' | 'recorded-elsewhere' | 'left-to-reconcile';

/**
 * Moves the intent to AWS's state after ModifyVolume accepted it. `recorded-elsewhere`: a concurrent
 * reconciliation already did (and wrote the history event); `left-to-reconcile`: every attempt
 * failed, the intent stays open and the next scan reconciles it from AWS.
 */
export async function recordAccepted(deps: ScanDeps, record: ModificationRecord, modification: VolumeModification | undefined, errors: ScanError[]): Promise<ResultRecording> {
  const patch: ModificationPatch = {
    status: modification?.state === 'optimizing' ? 'optimizing' : 'modifying',
    ...(modification === undefined ? {} : { awsStartEpochSeconds: modification.startEpochSeconds }),
  };
  let last: unknown;
  for (let attempt = 1; attempt <= RESULT_WRITE_ATTEMPTS; attempt++) {
    try {
      await deps.history.updateModification(record.volumeId, record.modificationId, 'intent', patch);
      return 'recorded';
    } catch (error) {
      if (error instanceof HistoryConflictError) return 'recorded-elsewhere';
      last = error;
    }
  }
  errors.push({ stage: 'record', volumeId: record.volumeId, message: `ModifyVolume succeeded but its result was not recorded after ${RESULT_WRITE_ATTEMPTS} attempts; the next scan reconciles it from AWS: ${messageOf(last)}` });
  return 'left-to-reconcile';
}

/** Closes the intent of a failed ModifyVolume as what the error proves; an ambiguous error leaves it open. */
export async function closeFailedIntent(deps: ScanDeps, record: ModificationRecord, failure: ModifyFailure, errors: ScanError[]): Promise<void> {
  if (failure.kind === 'ambiguous') return;
  const patch: ModificationPatch = {
    status: failure.kind,
    statusMessage: failure.reason,
    ...(failure.kind === 'rejected' ? { retryAfterEpochSeconds: failure.retryAfterEpochSeconds } : {}),
  };
  try {
    await deps.history.updateModification(record.volumeId, record.modificationId, 'intent', patch);
  } catch (error) {
    errors.push({ stage: 'record', volumeId: record.volumeId, message: `intent of a failed ModifyVolume left open for reconciliation: ${messageOf(error)}` });
  }
}

/** The history summary of a failed ModifyVolume: what happened, in words a person reads. */
export function failureSummary(failure: ModifyFailure): string {
  switch (failure.kind) {
    case 'rejected':
      return `EC2 refused ModifyVolume: ${failure.reason}`;
    case 'not-sent':
      return `ModifyVolume not sent: ${failure.reason}`;
    case 'volume-deleted':
      return `the volume was deleted: ${failure.reason}`;
    default:
      return `ModifyVolume's answer was lost (${failure.reason}); the next scan reconciles from DescribeVolumesModifications whether it reached AWS`;
  }
}
