/**
 * What a failed ModifyVolume call says about the request (issue 11: never mislabel a flip):
 * - EC2 refused it (`IncorrectModificationState`, `VolumeModificationRateExceeded`,
 *   `UnauthorizedOperation`, `InvalidParameter*`): `rejected`, with a back-off before the next try;
 * - throttled (`RequestLimitExceeded`): the call did not happen, `not-sent`, the next scan may act;
 * - the volume is gone (`InvalidVolume.NotFound`): `volume-deleted`;
 * - anything else (timeout, network error, 5xx) may have reached AWS: the intent stays open and
 *   reconciliation decides from DescribeVolumesModifications.
 * Codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
import {
  ApiThrottledError,
  InvalidModificationError,
  ModificationInProgressError,
  ModificationRateExceededError,
  NotAuthorizedError,
  VolumeNotFoundError,
} from '../errors';
import { messageOf } from './support';

/** Back-off after `IncorrectModificationState`: a modification in progress takes minutes to hours. */
export const IN_PROGRESS_RETRY_SECONDS = 15 * 60;
/** Back-off after a refusal that needs a person (permissions, parameters) or a rate limit without a time. */
export const REFUSED_RETRY_SECONDS = 3_600;

/** The meaning of one ModifyVolume error. */
export type ModifyFailure =
  | { readonly kind: 'rejected'; readonly reason: string; readonly retryAfterEpochSeconds: number }
  | { readonly kind: 'not-sent'; readonly reason: string }
  | { readonly kind: 'volume-deleted'; readonly reason: string }
  | { readonly kind: 'ambiguous'; readonly reason: string };

/** Classifies a ModifyVolume error at `now`. */
export function classifyModifyFailure(error: unknown, now: number): ModifyFailure {
  const reason = messageOf(error);
  if (error instanceof VolumeNotFoundError) return { kind: 'volume-deleted', reason };
  if (error instanceof ApiThrottledError) return { kind: 'not-sent', reason: `throttled, the call did not happen: ${reason}` };
  if (error instanceof ModificationRateExceededError) {
    const next = error.nextAllowedEpochSeconds;
    return { kind: 'rejected', reason, retryAfterEpochSeconds: next !== undefined && next > now ? next : now + REFUSED_RETRY_SECONDS };
  }
  if (error instanceof ModificationInProgressError) return { kind: 'rejected', reason, retryAfterEpochSeconds: now + IN_PROGRESS_RETRY_SECONDS };
  if (error instanceof NotAuthorizedError || error instanceof InvalidModificationError) {
    return { kind: 'rejected', reason, retryAfterEpochSeconds: now + REFUSED_RETRY_SECONDS };
  }
  return { kind: 'ambiguous', reason };
}
