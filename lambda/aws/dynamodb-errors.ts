/**
 * DynamoDB exceptions → domain errors. Codes:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
import { ApiThrottledError, HistoryConflictError, NotAuthorizedError } from '../core/errors';
import { errorCode, errorMessage } from './ec2-errors';
import { isThrottlingError } from './throttle-retry';

/** Throttling and access errors become domain errors; everything else (conditions too) is returned unchanged. */
export function mapDynamoError(error: unknown): unknown {
  const code = errorCode(error);
  if (isThrottlingError(error) || code === 'RequestLimitExceeded') {
    return new ApiThrottledError(`DynamoDB throttled: ${code ?? ''}: ${errorMessage(error)}`, { cause: error });
  }
  if (code === 'AccessDeniedException' || code === 'UnrecognizedClientException') {
    return new NotAuthorizedError(`DynamoDB denied: ${code}: ${errorMessage(error)}`, { cause: error });
  }
  return error;
}

/** A failed condition becomes `HistoryConflictError` (nothing was written); other errors pass through. */
export function conflictOr(error: unknown, message: string): unknown {
  return errorCode(error) === 'ConditionalCheckFailedException' ? new HistoryConflictError(message, { cause: error }) : error;
}
