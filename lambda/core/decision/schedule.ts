/**
 * Planned critical windows (policy `schedules`, DESIGN.md §1: "flip all volumes to io1 proactively
 * and then flip them back when the critical period is over"). A matched volume is flipped to the
 * schedule's target `leadMinutes` before each window starts and reverted to its original type when
 * the window ends, each step through the same ledger as a rescue (a flip needs room for its revert).
 * `policy validate` has already refused a plan the ledger could not carry (schedule-fit.ts).
 *
 * Schedules do not stack on rescues: a volume the guardian already rescued keeps its rescue, and a
 * volume flipped for a window is held through it (the shadow-bucket revert does not apply) and
 * reverted when it ends, whatever its bucket says. Pure: time is `ctx.now`.
 */
import { checkLedger } from './ledger';
import { modificationCostDelta } from './pricing';
import { tagsMatch } from './selection';
import { sizeRescueTarget } from './sizing';
import type { Decision, ModificationTarget, VolumeContext } from './types';
import { isoUtc } from '../iso-time';
import { cronOccurrences, parseCron } from '../policy/cron';
import type { PolicySchedule } from '../policy/schema';
import type { ModificationRecord } from '../ports';
import { isBurstableType, type VolumeDescription } from '../types';

/** A flip this close to the window's end would be reverted at once: two modifications for nothing. */
const TOO_LATE_SECONDS = 15 * 60;

/** The window a schedule is in at `now` (lead included), if any. */
export interface ActiveWindow {
  readonly schedule: PolicySchedule;
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
}

/** The occurrence of `schedule` whose [start − lead, end) holds `now`, if any. */
export function activeWindow(schedule: PolicySchedule, now: number): ActiveWindow | undefined {
  const parsed = parseCron(schedule.cron);
  if (!('cron' in parsed)) return undefined;
  const duration = schedule.durationMinutes * 60;
  // Starts in (now − duration, now + lead]: the latest one is the window now belongs to.
  const starts = cronOccurrences(parsed.cron, now - duration + 1, now + schedule.leadMinutes * 60 + 1);
  const start = starts.at(-1);
  return start === undefined ? undefined : { schedule, startEpochSeconds: start, endEpochSeconds: start + duration };
}

/** True when the schedule's match selects the volume (tags and/or volume ids, both when both are given). */
export function scheduleMatches(schedule: PolicySchedule, volume: VolumeDescription): boolean {
  const { tags, volumeIds } = schedule.match;
  return (tags === undefined || tagsMatch(volume.tags, tags)) && (volumeIds === undefined || volumeIds.includes(volume.volumeId));
}

/** The schedule's decision for this volume, or undefined when no schedule concerns it (the usual rescue/revert logic then applies). */
export function decideScheduled(ctx: VolumeContext, rescue: ModificationRecord | undefined): Decision | undefined {
  const schedules = ctx.policy.schedules;
  if (rescue !== undefined) return rescue.schedule === undefined ? undefined : holdOrRevert(ctx, rescue, schedules.find((s) => s.name === rescue.schedule));
  if (ctx.override?.alertOnly === true || !isBurstableType(ctx.volume.type)) return undefined;
  const window = schedules.filter((s) => scheduleMatches(s, ctx.volume)).map((s) => activeWindow(s, ctx.now)).find((w) => w !== undefined);
  return window === undefined ? undefined : planFlip(ctx, window);
}

function base(ctx: VolumeContext, reasons: string[]): { volumeId: string; reasons: string[] } {
  return { volumeId: ctx.volume.volumeId, reasons };
}

function describe(w: ActiveWindow): string {
  return `schedule '${w.schedule.name}': window ${isoUtc(w.startEpochSeconds)} to ${isoUtc(w.endEpochSeconds)}`;
}

function planFlip(ctx: VolumeContext, w: ActiveWindow): Decision {
  const { volume } = ctx;
  const why = describe(w);
  if (ctx.now >= w.endEpochSeconds - TOO_LATE_SECONDS) return { ...base(ctx, [why, 'too late in the window to flip: it would be reverted at once']), kind: 'ok' };
  const sourceType = volume.type;
  if (!isBurstableType(sourceType)) return { ...base(ctx, [why, `already on ${volume.type}`]), kind: 'ok' };
  const ledger = checkLedger({ rule: ctx.policy.modificationRule, records: ctx.records, latest: ctx.latest, now: ctx.now, purpose: 'rescue' });
  if (ledger.kind === 'blocked') {
    return { ...base(ctx, [why, ledger.reason]), kind: 'blocked', wanted: 'rescue', block: ledger.block, severity: 'warning', ...(ledger.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: ledger.nextAllowedEpochSeconds }) };
  }
  const sizing = sizeRescueTarget({ sourceType, sizeGiB: volume.sizeGiB, target: w.schedule.target });
  if (sizing.kind === 'cannot-beat-source') return { ...base(ctx, [why, sizing.reason]), kind: 'blocked', wanted: 'rescue', block: 'no-target', severity: 'warning' };
  const from: ModificationTarget = { type: volume.type, ...(volume.iops === undefined ? {} : { iops: volume.iops }) };
  const cost = modificationCostDelta({ ...from, sizeGiB: volume.sizeGiB }, { ...sizing.target, sizeGiB: volume.sizeGiB }, ctx.region, ctx.prices);
  const lead = ctx.now < w.startEpochSeconds ? `flipping ${Math.round((w.startEpochSeconds - ctx.now) / 60)} min before it starts` : 'flipping now: the window has started';
  return {
    ...base(ctx, [why, lead, ...sizing.reasons, ledger.reason]),
    kind: 'rescue', from, target: sizing.target, sizing, cost,
    urgencySeconds: Math.max(0, w.startEpochSeconds - ctx.now),
    dryRun: ctx.policy.dryRun,
    schedule: w.schedule.name,
  };
}

function holdOrRevert(ctx: VolumeContext, flip: ModificationRecord, schedule: PolicySchedule | undefined): Decision {
  const { volume } = ctx;
  const window = schedule === undefined ? undefined : activeWindow(schedule, ctx.now);
  if (window !== undefined) return { ...base(ctx, [describe(window), `holding ${volume.type} until the window ends`]), kind: 'ok' };
  const why = schedule === undefined ? `schedule '${flip.schedule ?? ''}' is no longer in the policy: reverting its flip` : `schedule '${schedule.name}': the window has ended`;
  const ledger = checkLedger({ rule: ctx.policy.modificationRule, records: ctx.records, latest: ctx.latest, now: ctx.now, purpose: 'revert' });
  if (ledger.kind === 'blocked') {
    return { ...base(ctx, [why, ledger.reason]), kind: 'blocked', wanted: 'revert', block: ledger.block, ...(ledger.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: ledger.nextAllowedEpochSeconds }) };
  }
  const current: ModificationTarget = { type: volume.type, ...(volume.iops === undefined ? {} : { iops: volume.iops }), ...(volume.throughputMiBps === undefined ? {} : { throughputMiBps: volume.throughputMiBps }) };
  const back: ModificationTarget = { type: flip.from.type, ...(flip.from.type === 'gp2' || flip.from.iops === undefined ? {} : { iops: flip.from.iops }) };
  const cost = modificationCostDelta({ ...current, sizeGiB: volume.sizeGiB }, { ...back, sizeGiB: volume.sizeGiB }, ctx.region, ctx.prices);
  return {
    ...base(ctx, [why, `back to ${back.type}`, ledger.reason]),
    kind: 'revert', from: current, target: back, cost, dryRun: ctx.policy.dryRun,
    ...(flip.schedule === undefined ? {} : { schedule: flip.schedule }),
  };
}
