/**
 * A second line of retries for throttling, on top of the SDK's own (standard mode, 3 attempts):
 * one throttled GetMetricData call would otherwise cost 500 volumes their metrics for this scan.
 * Full-jitter exponential backoff, per https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
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

/** How the adapter retries throttled calls. */
export interface ThrottleRetryOptions {
  /** Total attempts, including the first. @default 4 */
  readonly maxAttempts?: number;
  /** Backoff base; attempt n sleeps a random time in [0, base × 2^n). @default 100 */
  readonly baseDelayMs?: number;
  /** Injected for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called on each retry (counting, logging). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/** True when the error is a throttling error (by code, or an ApiThrottledError already mapped). */
export function isThrottlingError(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && THROTTLING_CODES.has(code)) || code === 'ApiThrottledError';
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `call`, retrying throttling errors with jittered backoff; other errors pass straight through. */
export async function retryThrottled<T>(call: () => Promise<T>, options: ThrottleRetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= maxAttempts || !isThrottlingError(error)) throw error;
      options.onRetry?.(error, attempt);
      await sleep(Math.random() * baseDelayMs * 2 ** attempt);
    }
  }
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
