/**
 * The throttling the guardian's rescues prevented (issue 14). Where the scan recorded a shadow
 * replay on the rescue (`ModificationRecord.shadowThrottling`, lambda/core/scan/shadow-tally.ts),
 * the figure is measured: the demand observed while flipped, run through the bucket the volume
 * would have had unaided. Rescues recorded before that fall back to the older estimate from the
 * recorded forecast, labelled as such. docs/report.md says how both are made.
 */
import { GP2_BURST_IOPS, bucketSpecFor } from '../credit/credit-model';
import { burstShapedThrottledSeconds } from '../decision/shadow-throttling';
import type { HistoryEvent, ModificationRecord } from '../ports';
import { isBurstableType } from '../types';
import { recordedForecast } from './effects';
import type { PreventedPart, PreventedThrottling, ReportPeriod } from './types';

/** How far a rescue event may be from its ledger record and still describe it (one scan's span). */
const EVENT_MATCH_SECONDS = 900;

/**
 * How long after the wall an estimate may count: the rescue horizon the guardian forecast within
 * (policy default 60 min). Past it nothing the history records says whether demand would have
 * continued, and counting to the end of the period claimed 11.12 h where the simulated unaided
 * volume was throttled 0.61 h (issue 14).
 */
export const PREVENTED_EPISODE_CAP_SECONDS = 3_600;

const NO_PART: PreventedPart = { episodes: 0, seconds: 0, deferredIos: 0 };

/** Nothing prevented. */
export const NO_PREVENTED_THROTTLING: PreventedThrottling = { ...NO_PART, basis: 'none', replay: { ...NO_PART, secondsIfSteady: 0 }, estimate: NO_PART };

/**
 * The throttling one volume's applied rescues prevented in the period. A rescue with a recorded
 * replay counts when it was requested in the period (the replay runs from its flip); the others are
 * estimated (`estimateEpisode`).
 */
export function preventedThrottling(applied: readonly ModificationRecord[], events: readonly HistoryEvent[], period: ReportPeriod): PreventedThrottling {
  const rescueEvents = events.filter((e) => e.kind === 'rescue');
  const clearedEvents = events.filter((e) => e.kind === 'alert-cleared').sort((a, b) => a.tEpochSeconds - b.tEpochSeconds);
  let replay = { ...NO_PART, secondsIfSteady: 0 };
  let estimate = NO_PART;
  applied.forEach((record, i) => {
    if (record.kind !== 'rescue') return;
    const tally = record.shadowThrottling;
    if (tally !== undefined && isBurstableType(record.from.type)) {
      const inPeriod = record.requestedEpochSeconds >= period.sinceEpochSeconds && record.requestedEpochSeconds < period.untilEpochSeconds;
      if (!inPeriod || tally.throttledSeconds <= 0) return;
      replay = {
        episodes: replay.episodes + 1,
        seconds: replay.seconds + burstShapedThrottledSeconds(tally, record.from.type, record.sizeGiB),
        deferredIos: replay.deferredIos + (record.from.type === 'gp2' ? tally.deferredUnits : 0),
        secondsIfSteady: replay.secondsIfSteady + tally.throttledSeconds,
      };
      return;
    }
    const reverted = applied.slice(i + 1).find((r) => r.kind === 'revert')?.requestedEpochSeconds ?? period.untilEpochSeconds;
    const part = estimateEpisode(record, { rescueEvents, clearedEvents, reverted, period });
    if (part !== undefined) estimate = addPart(estimate, part);
  });
  return withTotals(replay, estimate);
}

/** Adds two volumes' (or periods') prevented throttling. */
export function addPrevented(a: PreventedThrottling, b: PreventedThrottling): PreventedThrottling {
  const replay = { ...addPart(a.replay, b.replay), secondsIfSteady: a.replay.secondsIfSteady + b.replay.secondsIfSteady };
  return withTotals(replay, addPart(a.estimate, b.estimate));
}

function withTotals(replay: PreventedThrottling['replay'], estimate: PreventedPart): PreventedThrottling {
  const basis = replay.episodes > 0 ? (estimate.episodes > 0 ? 'mixed' : 'replay') : estimate.episodes > 0 ? 'estimate' : 'none';
  return { ...addPart(replay, estimate), basis, replay, estimate };
}

function addPart(a: PreventedPart, b: PreventedPart): PreventedPart {
  return { episodes: a.episodes + b.episodes, seconds: a.seconds + b.seconds, deferredIos: a.deferredIos + b.deferredIos };
}

/** The rescue event describing a ledger record: same run, else the nearest within one scan's span. */
function rescueEventFor(record: ModificationRecord, rescueEvents: readonly HistoryEvent[]): HistoryEvent | undefined {
  const sameRun = rescueEvents.find((e) => e.runId === record.runId);
  if (sameRun !== undefined) return sameRun;
  const near = rescueEvents
    .map((e) => ({ e, gap: Math.abs(e.tEpochSeconds - record.requestedEpochSeconds) }))
    .filter((x) => x.gap <= EVENT_MATCH_SECONDS)
    .sort((a, b) => a.gap - b.gap);
  return near[0]?.e;
}

/**
 * The estimate for a rescue without a replay, from the forecast recorded at the rescue: the unaided
 * bucket would have emptied at `rescue + secondsToEmpty` and, had that demand held, the volume would
 * have run at its baseline until demand eased (`alert-cleared`), the guardian reverted it, the
 * period ended, or `PREVENTED_EPISODE_CAP_SECONDS` passed, whichever came first. Deferred I/Os are
 * the recorded demand above the baseline (capped at gp2's 3,000 IOPS burst) over that span.
 */
function estimateEpisode(
  record: ModificationRecord,
  ctx: { readonly rescueEvents: readonly HistoryEvent[]; readonly clearedEvents: readonly HistoryEvent[]; readonly reverted: number; readonly period: ReportPeriod },
): PreventedPart | undefined {
  const event = rescueEventFor(record, ctx.rescueEvents);
  const forecast = event === undefined ? undefined : recordedForecast(event);
  if (forecast === undefined) return undefined;
  // Demand easing (the scan records `alert-cleared`) ends the episode early, also on a volume left on gp3.
  const cleared = ctx.clearedEvents.find((e) => e.tEpochSeconds > record.requestedEpochSeconds)?.tEpochSeconds ?? Number.POSITIVE_INFINITY;
  const wall = record.requestedEpochSeconds + forecast.secondsToEmpty;
  const back = Math.min(ctx.reverted, cleared, wall + PREVENTED_EPISODE_CAP_SECONDS);
  const from = Math.max(wall, ctx.period.sinceEpochSeconds);
  const seconds = Math.max(0, Math.min(back, ctx.period.untilEpochSeconds) - from);
  if (seconds <= 0) return undefined;
  const baseline = record.from.type === 'gp2' ? bucketSpecFor('gp2', record.sizeGiB).baselinePerSecond : undefined;
  const deferredIos = baseline === undefined || forecast.demandPerSecond === undefined ? 0 : Math.max(0, Math.min(forecast.demandPerSecond, GP2_BURST_IOPS) - baseline) * seconds;
  return { episodes: 1, seconds, deferredIos };
}
