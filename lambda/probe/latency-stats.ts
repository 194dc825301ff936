/** Summary statistics of a set of latencies (pure). */

/** Count, median, 90th percentile and maximum of one interval's latencies, milliseconds. */
export interface LatencyStats {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly maxMs: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p % of the values at or below it), the
 * definition CloudWatch documents for its pNN statistics on raw values:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
 * `sortedMs` must be sorted ascending and non-empty; `percent` in (0, 100].
 */
export function nearestRankPercentile(sortedMs: readonly number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sortedMs.length));
  const value = sortedMs[Math.min(rank, sortedMs.length) - 1];
  if (value === undefined) throw new RangeError('nearestRankPercentile needs at least one value');
  return value;
}

/** Summarises latencies; `undefined` when there are none (missing, not zero). */
export function summariseLatencies(latenciesMs: readonly number[]): LatencyStats | undefined {
  if (latenciesMs.length === 0) return undefined;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: roundMs(nearestRankPercentile(sorted, 50)),
    p90Ms: roundMs(nearestRankPercentile(sorted, 90)),
    maxMs: roundMs(sorted[sorted.length - 1] ?? 0),
  };
}

/** Rounds to 0.1 ms: event timestamps are nanoseconds, but sub-0.1 ms digits are noise here. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
