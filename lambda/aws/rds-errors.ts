/**
 * RDS error codes → domain errors (STYLE.md §3), so a refused ModifyDBInstance is classified like a
 * refused ModifyVolume (core/scan/modify-failure.ts). Unknown errors are returned unchanged.
 * ModifyDBInstance errors: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html#API_ModifyDBInstance_Errors
 * Common errors (throttling): https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html
 */
import {
  ApiThrottledError,
  DbInstanceNotFoundError,
  InvalidModificationError,
  ModificationInProgressError,
  ModificationRateExceededError,
  NotAuthorizedError,
} from '../core/errors';
import { errorCode, errorMessage } from './ec2-errors';
import { THROTTLING_CODES } from './throttle-retry';

/**
 * The storage refusals RDS answers with `InvalidParameterCombination`: "You can't currently modify
 * the storage of this DB instance because the previous storage change is being optimized."
 * (hashicorp/terraform-provider-aws#12493), and refusals under the six-hour rule and the four-per-24-hours
 * allowance (USER_PIOPS.ModifyingExisting.ScalingUp.html, USER_PIOPS.gp3.html), whose exact message
 * text AWS does not document: matched on "6 hours" / "24-hour"; any other InvalidParameterCombination is
 * a refusal that needs a person (InvalidModificationError), never retried sooner.
 */
const STORAGE_OPTIMIZING = /storage change is being optimized|storage[- ]optimization/i;
const SIX_HOURS = /6 hours|six \(?6?\)? ?hours|24-hour/i;

/** Maps an RDS exception to its domain error, or returns it unchanged. */
export function mapRdsError(error: unknown, operation: string): unknown {
  const code = errorCode(error);
  const text = errorMessage(error);
  const message = `${operation}: ${code ?? 'error'}: ${text}`;
  if (code !== undefined && THROTTLING_CODES.has(code)) return new ApiThrottledError(message, { cause: error });
  switch (code) {
    // DBInstanceNotFound (HTTP 404): the SDK names it DBInstanceNotFoundFault.
    case 'DBInstanceNotFound':
    case 'DBInstanceNotFoundFault':
      return new DbInstanceNotFoundError(message, { cause: error });
    // "The DB instance isn't in a valid state" (HTTP 400): modifying, backing-up, storage-optimization…
    case 'InvalidDBInstanceState':
    case 'InvalidDBInstanceStateFault':
      return new ModificationInProgressError(message, { cause: error });
    case 'InvalidParameterCombination':
      if (STORAGE_OPTIMIZING.test(text)) return new ModificationInProgressError(message, { cause: error });
      if (SIX_HOURS.test(text)) return new ModificationRateExceededError(message, undefined, { cause: error });
      return new InvalidModificationError(message, { cause: error });
    case 'InvalidParameterValue':
    case 'StorageTypeNotSupported':
    case 'StorageTypeNotSupportedFault':
      return new InvalidModificationError(message, { cause: error });
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnauthorizedOperation':
      return new NotAuthorizedError(message, { cause: error });
    default:
      return error;
  }
}
