/**
 * Does this drain last? (issue 16) A 2-minute burst on a small volume drains at the full burst rate
 * and "empties in 25 min" on paper; it rarely lasts. A bucket only empties when its drain holds, so
 * the guardian judges persistence from what the volume's own BurstBalance shows at its run cadence:
 * - the current drain: how many guardian intervals in a row the balance fell (held across runs);
 * - the drains before it in the window: how long this volume's drains have lasted;
 * - survival: the chance the current drain lasts as long again as the forecast needs (time to
 *   empty), from the lengths of this volume's drains in the window (exponential, the running drain
 *   counted as censored) blended with a prior for a volume without such history.
 * The 5-minute grid matches the benchmark's notion of an idle interval: an interval in which the
 * balance rose is one whose demand stayed at or below the baseline. Pure: times are arguments.
 */
import type { DrainPersistence, MetricPoint } from '../types';

/** A fall smaller than this between two runs (percentage points) is rounding, not a drain. */
const MIN_FALL_PERCENT = 0.02;
/** Weight of the prior in the survival estimate, in past drains. */
const PRIOR_WEIGHT = 1;

/** Inputs of `drainPersistence`. */
export interface PersistenceInput {
  /** Cleaned, ascending BurstBalance points. */
  readonly balance: readonly MetricPoint[];
  readonly periodSeconds: number;
  /** The guardian's run interval: the grid on which a drain must hold. */
  readonly intervalSeconds: number;
  /** The forecast's time to empty from now, seconds: how much longer the drain must last. */
  readonly secondsToEmpty: number;
}

/**
 * Balance at each run time going back from the latest point, newest first; a run time without a
 * point within one period before it ends the series (a gap is unknown, not a drain or a refill).
 */
function balanceOnGrid(balance: readonly MetricPoint[], periodSeconds: number, intervalSeconds: number): number[] {
  const out: number[] = [];
  const last = balance.at(-1);
  if (last === undefined) return out;
  let index = balance.length - 1;
  for (let t = last.tEpochSeconds; ; t -= intervalSeconds) {
    while (index >= 0 && (balance[index]?.tEpochSeconds ?? -Infinity) > t) index -= 1;
    const p = balance[index];
    if (p === undefined || t - p.tEpochSeconds > periodSeconds) return out;
    out.push(p.value);
  }
}

/** Lengths (in intervals) of the runs of falls, oldest first; the last entry is the current run (0 if not falling). */
function fallRuns(gridNewestFirst: readonly number[]): number[] {
  const runs: number[] = [];
  let run = 0;
  for (let i = gridNewestFirst.length - 1; i >= 1; i -= 1) {
    const older = gridNewestFirst[i] ?? 0;
    const newer = gridNewestFirst[i - 1] ?? 0;
    if (newer < older - MIN_FALL_PERCENT) run += 1;
    else {
      if (run > 0) runs.push(run);
      run = 0;
    }
  }
  runs.push(run);
  return runs;
}

/**
 * Prior mean drain length for a volume with no drain in the window: one pseudo-drain this long is
 * blended with the volume's own drains, so a quiet volume's first drain is judged by what drains on
 * the benchmark usually do, and a volume whose drains always stop soon is judged by them.
 */
export const PRIOR_MEAN_DRAIN_SECONDS = 2 * 3600;

/**
 * Chance the current drain lasts `neededSeconds` more: drain lengths taken as exponential, with the
 * rate estimated from the volume's past drains, the current one's age (a drain still running is a
 * censored length: the longer it has held, the lower the rate) and the prior pseudo-drain.
 */
export function survivalOf(pastDrainSeconds: readonly number[], drainSeconds: number, neededSeconds: number): number {
  let exposure = drainSeconds + PRIOR_WEIGHT * PRIOR_MEAN_DRAIN_SECONDS;
  for (const d of pastDrainSeconds) exposure += d;
  const rate = (pastDrainSeconds.length + PRIOR_WEIGHT) / exposure;
  return Math.exp(-rate * Math.max(0, neededSeconds));
}

/** The persistence of the current drain, from the balance series and the forecast's time to empty. */
export function drainPersistence(input: PersistenceInput): DrainPersistence {
  const grid = balanceOnGrid(input.balance, input.periodSeconds, input.intervalSeconds);
  const runs = fallRuns(grid);
  const heldRuns = runs.at(-1) ?? 0;
  const drainSeconds = heldRuns * input.intervalSeconds;
  const past = runs.slice(0, -1).map((r) => r * input.intervalSeconds);
  const survival = survivalOf(past, drainSeconds, input.secondsToEmpty);
  return {
    heldRuns,
    drainSeconds,
    pastDrains: past.length,
    longestPastDrainSeconds: past.length === 0 ? 0 : Math.max(...past),
    survival,
  };
}
