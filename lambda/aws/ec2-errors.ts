/**
 * EC2 error codes → domain errors (STYLE.md §3). Unknown errors are returned unchanged so the
 * caller re-throws them. Codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
import {
  ApiThrottledError,
  DryRunSucceeded,
  InvalidModificationError,
  ModificationInProgressError,
  ModificationNotFoundError,
  ModificationRateExceededError,
  NotAuthorizedError,
  VolumeNotFoundError,
} from '../core/errors';

/** The error code of an SDK v3 exception (`name`, or `Code` on some service errors). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { name?: unknown; Code?: unknown };
  if (typeof record.Code === 'string') return record.Code;
  return typeof record.name === 'string' ? record.name : undefined;
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * When the next modification is allowed, read from a VolumeModificationRateExceeded message. The
 * wording has changed over time (an ISO timestamp, or "wait at least N hours"), so anything else
 * yields undefined rather than a guess.
 */
export function parseNextAllowedEpochSeconds(message: string, nowEpochSeconds: number): number | undefined {
  const iso = /(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC)?)/.exec(message);
  if (iso?.[1] !== undefined) {
    const text = iso[1].replace(' UTC', 'Z').replace(' ', 'T');
    const withZone = /Z|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
    const ms = Date.parse(withZone);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  const hours = /wait (?:at least )?(\d+(?:\.\d+)?) hours?/i.exec(message);
  if (hours?.[1] !== undefined) return nowEpochSeconds + Math.round(Number(hours[1]) * 3600);
  return undefined;
}

/** Maps an EC2 exception to its domain error, or returns it unchanged when it is not one we know. */
export function mapEc2Error(error: unknown, operation: string, nowEpochSeconds = Math.floor(Date.now() / 1000)): unknown {
  const code = errorCode(error);
  const message = `${operation}: ${code ?? 'error'}: ${errorMessage(error)}`;
  switch (code) {
    case 'DryRunOperation':
      return new DryRunSucceeded(message, { cause: error });
    case 'IncorrectModificationState':
      return new ModificationInProgressError(message, { cause: error });
    case 'VolumeModificationRateExceeded':
      return new ModificationRateExceededError(message, parseNextAllowedEpochSeconds(errorMessage(error), nowEpochSeconds), { cause: error });
    case 'RequestLimitExceeded':
    case 'Throttling':
    case 'ThrottlingException':
      return new ApiThrottledError(message, { cause: error });
    case 'UnauthorizedOperation':
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new NotAuthorizedError(message, { cause: error });
    // Whole-call errors of DescribeVolumesModifications with VolumeIds, and ModifyVolume on a deleted
    // volume (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
    case 'InvalidVolume.NotFound':
      return new VolumeNotFoundError(message, { cause: error });
    case 'InvalidVolumeModification.NotFound':
      return new ModificationNotFoundError(message, { cause: error });
    case 'InvalidParameterValue':
    case 'InvalidParameterCombination':
      return new InvalidModificationError(message, { cause: error });
    default:
      return error;
  }
}
