/** Small pure helpers of the scan use case: schedule interval, month-to-date spend, bounded concurrency. */
import type { ModificationRecord } from '../ports';
import { monthStartOf } from '../report/calendar';
import { rateIntervalSeconds } from './schedule';

/** Seconds between scans for the policy's schedule; cron schedules count as 5 minutes. */
export function scheduleIntervalSeconds(schedule: string): number {
  return rateIntervalSeconds(schedule) ?? 300;
}

const LIVE = new Set(['modifying', 'optimizing', 'completed']);

/**
 * Extra spend the guardian caused this UTC month: each live rescue's hourly cost delta from its
 * request (or the month start) until the next live revert of that volume (or now). Per-second billing.
 */
export function monthToDateSpendUSD(records: readonly ModificationRecord[], now: number): number {
  const monthStart = monthStartOf(now);
  const live = records.filter((r) => !r.dryRun && LIVE.has(r.status)).sort((a, b) => a.requestedEpochSeconds - b.requestedEpochSeconds);
  let spend = 0;
  for (const [i, rescue] of live.entries()) {
    if (rescue.kind !== 'rescue') continue;
    const revert = live.slice(i + 1).find((r) => r.volumeId === rescue.volumeId && r.kind === 'revert');
    const start = Math.max(rescue.requestedEpochSeconds, monthStart);
    const end = Math.min(revert?.requestedEpochSeconds ?? now, now);
    if (end > start) spend += (rescue.hourlyCostDeltaUSD * (end - start)) / 3600;
  }
  return spend;
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** An error's name and message for scan reports (never JSON.stringify an error). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
