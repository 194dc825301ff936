/**
 * Throttling as the adapters classify it (after the SDK's own retries, configured once in
 * `handlers/wiring.ts`: there is no second retry loop), and bounded concurrency for batched calls.
 */
import { errorCode } from './ec2-errors';

/** Error codes AWS uses for throttling across EC2, CloudWatch, SNS and DynamoDB. */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestThrottledException',
]);

/** True when the error is a throttling error (by code, or an ApiThrottledError already mapped). */
export function isThrottlingError(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && THROTTLING_CODES.has(code)) || code === 'ApiThrottledError';
}

/** Runs `tasks` with at most `limit` in flight; results in input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
