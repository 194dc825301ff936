/**
 * Scoring of the forecast benchmark, exactly as issue 2 item 6 defines it:
 * - alerts closer than 30 min form one episode;
 * - the lead of an exhaustion = its time − the earliest alert in the 6 h before it;
 * - caught@H if lead ≥ H;
 * - an exhaustion is feasible if it happens ≥ H + 15 min into the trace and ≥ H + delay + interval
 *   after the end of the last interval whose demand was at or below baseline;
 * - a false episode has no exhaustion within 6 h of its start and did not start while the bucket
 *   was already near empty (issue 16: true BurstBalance ≤ 1 % at its start).
 */
import { medianOf } from '../../lambda/core/forecast/slope';

/** Alerts closer than this merge into one episode. */
export const EPISODE_MERGE_SECONDS = 30 * 60;
/** Look-back for the lead, and look-ahead that makes an episode true. */
export const LEAD_WINDOW_SECONDS = 6 * 3600;
/** An exhaustion this early in the trace (beyond H) is infeasible. */
export const FEASIBLE_START_MARGIN_SECONDS = 15 * 60;

/** Everything needed to score one alerter on one volume-trace. */
export interface ScoringInput {
  /** Run times (epoch s) at which the alerter alerted, ascending. */
  readonly alertTimes: readonly number[];
  /** Exhaustion times (epoch s), ascending. */
  readonly exhaustionTimes: readonly number[];
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
  /** End times of the simulation intervals whose mean demand was at or below the baseline, ascending. */
  readonly idleIntervalEnds: readonly number[];
  /** True when the bucket was already near empty at that time. */
  readonly isEmptyAt: (tEpochSeconds: number) => boolean;
  readonly horizonSeconds: number;
  readonly metricDelaySeconds: number;
  readonly intervalSeconds: number;
}

/** One exhaustion as scored. */
export interface ExhaustionScore {
  readonly tEpochSeconds: number;
  readonly feasible: boolean;
  /** Undefined when no alert fell in the 6 h before. */
  readonly leadSeconds: number | undefined;
  readonly caught: boolean;
}

/** One alert episode. */
export interface Episode {
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
  readonly isFalse: boolean;
}

/** The score of one alerter on one volume-trace. */
export interface VolumeScore {
  readonly exhaustions: readonly ExhaustionScore[];
  readonly episodes: readonly Episode[];
  readonly volumeDays: number;
}

/** Merges alert times (ascending) into episodes: a gap of 30 min or more starts a new one. */
export function episodesOf(alertTimes: readonly number[]): { startEpochSeconds: number; endEpochSeconds: number }[] {
  const episodes: { startEpochSeconds: number; endEpochSeconds: number }[] = [];
  for (const t of alertTimes) {
    const current = episodes.at(-1);
    if (current !== undefined && t - current.endEpochSeconds < EPISODE_MERGE_SECONDS) current.endEpochSeconds = t;
    else episodes.push({ startEpochSeconds: t, endEpochSeconds: t });
  }
  return episodes;
}

/** Scores one alerter on one volume-trace with the definitions. */
export function scoreVolume(input: ScoringInput): VolumeScore {
  const h = input.horizonSeconds;
  const exhaustions = input.exhaustionTimes.map((t): ExhaustionScore => {
    const earliest = input.alertTimes.find((a) => a >= t - LEAD_WINDOW_SECONDS && a <= t);
    const leadSeconds = earliest === undefined ? undefined : t - earliest;
    const lastIdleEnd = lastAtOrBefore(input.idleIntervalEnds, t);
    const feasible =
      t - input.startEpochSeconds >= h + FEASIBLE_START_MARGIN_SECONDS &&
      (lastIdleEnd === undefined || t - lastIdleEnd >= h + input.metricDelaySeconds + input.intervalSeconds);
    return { tEpochSeconds: t, feasible, leadSeconds, caught: leadSeconds !== undefined && leadSeconds >= h };
  });
  const episodes = episodesOf(input.alertTimes).map((e): Episode => {
    const explained = input.exhaustionTimes.some((t) => t >= e.startEpochSeconds && t - e.startEpochSeconds <= LEAD_WINDOW_SECONDS);
    return { ...e, isFalse: !explained && !input.isEmptyAt(e.startEpochSeconds) };
  });
  return { exhaustions, episodes, volumeDays: (input.endEpochSeconds - input.startEpochSeconds) / 86400 };
}

function lastAtOrBefore(sorted: readonly number[], t: number): number | undefined {
  let found: number | undefined;
  for (const x of sorted) {
    if (x > t) break;
    found = x;
  }
  return found;
}

/** Totals over many volume-traces. */
export interface ScoreSummary {
  readonly volumes: number;
  readonly exhaustions: number;
  readonly feasible: number;
  readonly caughtFeasible: number;
  readonly caughtAll: number;
  /** Caught ÷ feasible; NaN when there is no feasible exhaustion. */
  readonly recallFeasible: number;
  readonly recallAll: number;
  /** Median lead over all exhaustions, an exhaustion without an alert counting 0; NaN when none. */
  readonly medianLeadSeconds: number;
  readonly episodes: number;
  readonly falseEpisodes: number;
  readonly volumeDays: number;
  readonly falseEpisodesPerVolumeDay: number;
}

/** Sums volume scores into recall, median lead and false episodes per volume-day. */
export function summarize(scores: readonly VolumeScore[]): ScoreSummary {
  const all = scores.flatMap((s) => s.exhaustions);
  const feasible = all.filter((e) => e.feasible);
  const caughtFeasible = feasible.filter((e) => e.caught).length;
  const caughtAll = all.filter((e) => e.caught).length;
  const episodes = scores.flatMap((s) => s.episodes);
  const falseEpisodes = episodes.filter((e) => e.isFalse).length;
  const volumeDays = scores.reduce((sum, s) => sum + s.volumeDays, 0);
  return {
    volumes: scores.length,
    exhaustions: all.length,
    feasible: feasible.length,
    caughtFeasible,
    caughtAll,
    recallFeasible: feasible.length === 0 ? Number.NaN : caughtFeasible / feasible.length,
    recallAll: all.length === 0 ? Number.NaN : caughtAll / all.length,
    medianLeadSeconds: medianOf(all.map((e) => e.leadSeconds ?? 0)),
    episodes: episodes.length,
    falseEpisodes,
    volumeDays,
    falseEpisodesPerVolumeDay: volumeDays === 0 ? Number.NaN : falseEpisodes / volumeDays,
  };
}
