/**
 * One volume's decision, before budgets: rescue a burstable volume heading for the wall, or revert
 * (or recommend staying on) a volume the guardian flipped. Budgets across volumes are applied by
 * `decide` afterwards.
 */
import { balanceOf, rescueTrigger, alertLevel } from './triggers';
import { demandPoints, replayShadowBucket } from './shadow';
import type { Decision, ModificationTarget, VolumeContext } from './types';
import { checkLedger } from './ledger';
import { decideScheduled } from './schedule';
import { instanceBottleneck } from './instance-bottleneck';
import { isoUtc } from '../iso-time';
import { startOf, type ModificationRecord } from '../ports';
import { modificationCostDelta, priceOf } from './pricing';
import { sizeRescueTarget } from './sizing';
import { isBurstableType, type BurstableVolumeType } from '../types';
import { bucketSpecFor } from '../credit/credit-model';

/** Statuses of a rescue that may have changed the volume (a dry run or a rejected request did not). */
const EFFECTIVE = new Set(['intent', 'modifying', 'optimizing', 'completed']);
// `failed`, `rejected`, `not-sent`, `volume-deleted` and dry runs left the volume as it was.

/** The guardian's rescue the volume is living on, when it is flipped. */
export function activeRescue(ctx: Pick<VolumeContext, 'volume' | 'records'>): ModificationRecord | undefined {
  if (isBurstableType(ctx.volume.type)) return undefined;
  // The newest modification that changed the volume: when it is someone else's (`external`), the
  // guardian's claim has ended and it never reverts a change it did not make (issue 11).
  const live = [...ctx.records].filter((r) => !r.dryRun && EFFECTIVE.has(r.status)).sort((a, b) => startOf(b) - startOf(a))[0];
  return live?.kind === 'rescue' ? live : undefined;
}

/** Decides for one volume (selection, overrides and budgets are handled by the caller). */
export function decideVolume(ctx: VolumeContext): Decision {
  const rescue = activeRescue(ctx);
  // Planned critical windows come first: a flip for a window is held through it and reverted after.
  const scheduled = decideScheduled(ctx, rescue);
  if (scheduled !== undefined) return scheduled;
  return rescue === undefined ? decideBurstable(ctx) : decideFlipped(ctx, rescue);
}

function base(ctx: VolumeContext, reasons: string[]): { volumeId: string; reasons: string[]; override?: string } {
  return ctx.override === undefined ? { volumeId: ctx.volume.volumeId, reasons } : { volumeId: ctx.volume.volumeId, reasons, override: ctx.override.name };
}

function decideBurstable(ctx: VolumeContext): Decision {
  const { volume, forecast } = ctx;
  if (!isBurstableType(volume.type)) return { ...base(ctx, [`${volume.type} has no burst bucket`]), kind: 'skip', skip: 'not-burstable' };
  if (!bucketSpecFor(volume.type, volume.sizeGiB).spendsCredits) return { ...base(ctx, [`${volume.type} of ${volume.sizeGiB} GiB never spends credits`]), kind: 'skip', skip: 'not-burstable' };
  const trigger = rescueTrigger(ctx);
  if (forecast === undefined || forecast.kind === 'insufficient-data') {
    if (trigger === undefined) return { ...base(ctx, [forecast?.reason ?? 'no forecast']), kind: 'skip', skip: 'no-data' };
  } else if (forecast.kind === 'not-burstable') {
    return { ...base(ctx, [forecast.reason]), kind: 'skip', skip: 'not-burstable' };
  }
  const level = forecast === undefined ? undefined : alertLevel(ctx, forecast);
  if (trigger !== undefined) {
    const canRescue = ctx.policy.rescue.enabled && ctx.override?.alertOnly !== true && (volume.type === 'gp2' || ctx.policy.rescue.allowHddVolumes);
    if (canRescue) return planRescue(ctx, volume.type, trigger.reason, trigger.urgencySeconds);
    const why = ctx.override?.alertOnly === true ? 'override is alert-only' : volume.type === 'gp2' ? 'rescue disabled' : `${volume.type} is alert-only (rescue.allowHddVolumes)`;
    // Critical (a page) only when the alert tier says the drain will hold or the bucket is empty.
    if (forecast !== undefined) return { ...base(ctx, [trigger.reason, why]), kind: 'alert', severity: level?.kind === 'alert' ? level.severity : 'warning', forecast };
  }
  if (forecast === undefined || level === undefined) return { ...base(ctx, ['no forecast']), kind: 'skip', skip: 'no-data' };
  if (level.kind === 'alert') return { ...base(ctx, [level.reason]), kind: 'alert', severity: level.severity, forecast };
  if (level.kind === 'watch') return { ...base(ctx, [level.reason]), kind: 'watch', forecast };
  return { ...base(ctx, [level.reason]), kind: 'ok' };
}

function planRescue(ctx: VolumeContext, sourceType: BurstableVolumeType, why: string, urgencySeconds: number): Decision {
  const { volume, forecast } = ctx;
  const severity = 'critical' as const;
  const ledger = checkLedger({ rule: ctx.policy.modificationRule, records: ctx.records, latest: ctx.latest, now: ctx.now, purpose: 'rescue' });
  if (ledger.kind === 'blocked') {
    return { ...base(ctx, [why, ledger.reason]), kind: 'blocked', wanted: 'rescue', block: ledger.block, severity, ...(ledger.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: ledger.nextAllowedEpochSeconds }) };
  }
  const bottleneck = instanceBottleneck({ balance: ctx.instanceBalance, ...(ctx.instanceForecast === undefined ? {} : { forecast: ctx.instanceForecast }), ...(forecast === undefined ? {} : { volumeForecast: forecast }), region: ctx.region }, ctx.now);
  if (bottleneck !== undefined) return { ...base(ctx, [why, bottleneck]), kind: 'blocked', wanted: 'rescue', block: 'instance-bucket', severity };
  const target = ctx.override?.target ?? ctx.policy.rescue.target;
  // gp2 demand is in IOPS; st1/sc1 demand is throughput (MiB/s), which gp3 must match.
  const observed = observedDemand(ctx, sourceType);
  const sizing = sizeRescueTarget({
    sourceType, sizeGiB: volume.sizeGiB, target,
    ...(observed === undefined ? {} : sourceType === 'gp2' ? { observedIops: observed } : { observedThroughputMiBps: observed }),
  });
  if (sizing.kind === 'cannot-beat-source') return { ...base(ctx, [why, sizing.reason]), kind: 'blocked', wanted: 'rescue', block: 'no-target', severity };
  const from: ModificationTarget = { type: volume.type, ...(volume.iops === undefined ? {} : { iops: volume.iops }) };
  const cost = modificationCostDelta({ ...from, sizeGiB: volume.sizeGiB }, { ...sizing.target, sizeGiB: volume.sizeGiB }, ctx.region, ctx.prices);
  const balance = balanceOf(forecast);
  return {
    ...base(ctx, [why, ...sizing.reasons, ledger.reason]),
    kind: 'rescue',
    from,
    target: sizing.target,
    sizing,
    cost,
    ...(forecast === undefined ? {} : { forecast }),
    urgencySeconds,
    ...(balance === undefined ? {} : { burstBalancePercent: balance }),
    dryRun: ctx.policy.dryRun,
  };
}

/** Look-back for sizing from observed ops, seconds. */
const SIZING_LOOKBACK_SECONDS = 3_600;

/**
 * Demand to size for (IOPS for gp2, MiB/s for st1/sc1): the larger of the forecaster's demand and
 * the 95th percentile served over the last hour. Ops are counted on completion, so once throttled
 * they show the served rate (DESIGN.md §2); the percentile recalls what the volume did while it
 * could still burst.
 */
function observedDemand(ctx: VolumeContext, sourceType: BurstableVolumeType): number | undefined {
  const f = ctx.forecast;
  const fromForecast = f !== undefined && (f.kind === 'draining' || f.kind === 'empty') ? f.demandPerSecond : undefined;
  const recent = ctx.metrics === undefined ? [] : demandPoints(ctx.metrics, sourceType).filter((p) => p.tEpochSeconds >= ctx.now - SIZING_LOOKBACK_SECONDS).map((p) => p.value).sort((a, b) => a - b);
  const p95 = recent.length === 0 ? undefined : recent[Math.min(recent.length - 1, Math.floor(0.95 * recent.length))];
  const observed = fromForecast === undefined ? p95 : p95 === undefined ? fromForecast : Math.max(fromForecast, p95);
  return observed === undefined ? undefined : uncensored(observed, sourceType, ctx.volume.sizeGiB);
}

/** Served at or above this share of the burst ceiling, demand is censored: the volume asked for more than it got. */
const CENSORED_SHARE_OF_CEILING = 0.95;
/** Sizing factor for a censored demand: the true demand is unknown and at least the ceiling. */
const CENSORED_DEMAND_FACTOR = 2;

/**
 * CloudWatch counts ops on completion, so a gp2 volume serving at its 3,000 IOPS burst ceiling hides
 * how much more it wanted (DESIGN.md §2). Sizing a rescue from that served rate alone would leave
 * the volume throttled on gp3 at ceiling × headroom; size it for twice the ceiling instead.
 */
function uncensored(observed: number, sourceType: BurstableVolumeType, sizeGiB: number): number {
  const ceiling = bucketSpecFor(sourceType, sizeGiB).burstPerSecond;
  // An estimate clearly above the ceiling already says how much more it wants: not censored.
  const atCeiling = observed >= CENSORED_SHARE_OF_CEILING * ceiling && observed <= ceiling / CENSORED_SHARE_OF_CEILING;
  return atCeiling ? ceiling * CENSORED_DEMAND_FACTOR : observed;
}

/**
 * Keep-if-cheaper: gp3 at its included 3,000 IOPS / 125 MiB/s costs less than gp2 at every size
 * under 1 TiB (DESIGN.md §2) and outperforms gp2's burst ceiling without credits, so staying on it
 * (lowered to the baseline when the rescue provisioned more) beats going back. Other types stay
 * only when their current configuration is already cheaper than the original.
 */
function stayRecommendation(ctx: VolumeContext, current: ModificationTarget, original: ModificationTarget): { recommended: ModificationTarget; savingMonthlyUSD: number; reason: string } | undefined {
  const sizeGiB = ctx.volume.sizeGiB;
  const recommended: ModificationTarget = current.type === 'gp3' ? { type: 'gp3', iops: 3_000, throughputMiBps: 125 } : current;
  const originalMonthly = priceOf({ ...original, sizeGiB }, ctx.region, ctx.prices).monthlyUSD;
  const savingMonthlyUSD = originalMonthly - priceOf({ ...recommended, sizeGiB }, ctx.region, ctx.prices).monthlyUSD;
  if (savingMonthlyUSD <= 0) return undefined;
  const lower = current.iops !== recommended.iops || current.throughputMiBps !== recommended.throughputMiBps;
  const how = lower ? `lower it to ${recommended.iops} IOPS / ${recommended.throughputMiBps} MiB/s and ` : '';
  return { recommended, savingMonthlyUSD, reason: `keep-if-cheaper: stay on ${recommended.type}: ${how}it costs $${savingMonthlyUSD.toFixed(2)}/month less than ${original.type}` };
}

/** True when `now` falls in the revert window [start, end) in UTC hours (wrapping midnight). */
function inWindow(now: number, window: { startHourUtc: number; endHourUtc: number }): boolean {
  const hour = Math.floor((now % 86_400) / 3_600);
  return window.startHourUtc < window.endHourUtc ? hour >= window.startHourUtc && hour < window.endHourUtc : hour >= window.startHourUtc || hour < window.endHourUtc;
}

function nextWindowStart(now: number, startHourUtc: number): number {
  const dayStart = now - (now % 86_400);
  const candidate = dayStart + startHourUtc * 3_600;
  return candidate > now ? candidate : candidate + 86_400;
}

function decideFlipped(ctx: VolumeContext, rescue: ModificationRecord): Decision {
  const { volume, policy } = ctx;
  const original = rescue.from;
  const flippedAt = startOf(rescue);
  const flippedFor = `flipped to ${volume.type} since ${isoUtc(flippedAt)}`;
  if (!policy.revert.enabled || ctx.override?.revertEnabled === false) return { ...base(ctx, [flippedFor, 'revert disabled']), kind: 'ok' };
  if (!isBurstableType(original.type)) return { ...base(ctx, [flippedFor, `original type ${original.type} is not burstable`]), kind: 'ok' };
  const holdUntil = flippedAt + policy.revert.minimumHoldMinutes * 60;
  if (ctx.now < holdUntil) return { ...base(ctx, [flippedFor, `holding until ${isoUtc(holdUntil)} (minimum hold)`]), kind: 'ok' };
  const shadow = policy.revert.shadowBucket;
  const replay = replayShadowBucket({
    originalType: original.type, sizeGiB: volume.sizeGiB, series: ctx.metrics, sinceEpochSeconds: rescue.requestedEpochSeconds, now: ctx.now,
    startBalancePercent: shadow.startBalancePercent, floorPercent: shadow.floorPercent, trailingWindowSeconds: shadow.trailingWindowMinutes * 60,
  });
  if (replay.kind === 'insufficient-data') return { ...base(ctx, [flippedFor, `cannot judge a revert: ${replay.reason}`]), kind: 'ok' };
  if (replay.kind === 'not-sustainable') {
    return { ...base(ctx, [flippedFor, `shadow ${original.type} bucket fell to ${replay.minBalancePercent.toFixed(1)} % (floor ${shadow.floorPercent} %): the demand still needs ${volume.type}`]), kind: 'ok' };
  }
  const current: ModificationTarget = { type: volume.type, ...(volume.iops === undefined ? {} : { iops: volume.iops }), ...(volume.throughputMiBps === undefined ? {} : { throughputMiBps: volume.throughputMiBps }) };
  const back: ModificationTarget = { type: original.type };
  const cost = modificationCostDelta({ ...current, sizeGiB: volume.sizeGiB }, { ...back, sizeGiB: volume.sizeGiB }, ctx.region, ctx.prices);
  const sustainable = `shadow ${original.type} bucket stayed ≥ ${replay.minBalancePercent.toFixed(1)} % (floor ${shadow.floorPercent} %) over the last ${shadow.trailingWindowMinutes} min`;
  const stay = policy.revert.keepIfCheaper ? stayRecommendation(ctx, current, back) : undefined;
  if (stay !== undefined) return { ...base(ctx, [flippedFor, sustainable, stay.reason]), kind: 'stay-recommendation', current, original: back, recommended: stay.recommended, savingMonthlyUSD: stay.savingMonthlyUSD };
  const window = policy.revert.window;
  if (window !== undefined && !inWindow(ctx.now, window)) {
    return { ...base(ctx, [sustainable, `outside the revert window ${window.startHourUtc}–${window.endHourUtc} UTC`]), kind: 'blocked', wanted: 'revert', block: 'revert-window', nextAllowedEpochSeconds: nextWindowStart(ctx.now, window.startHourUtc) };
  }
  const ledger = checkLedger({ rule: policy.modificationRule, records: ctx.records, latest: ctx.latest, now: ctx.now, purpose: 'revert' });
  if (ledger.kind === 'blocked') {
    return { ...base(ctx, [sustainable, ledger.reason]), kind: 'blocked', wanted: 'revert', block: ledger.block, ...(ledger.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: ledger.nextAllowedEpochSeconds }) };
  }
  return { ...base(ctx, [flippedFor, sustainable, ledger.reason]), kind: 'revert', from: current, target: back, cost, shadowMinBalancePercent: replay.minBalancePercent, dryRun: policy.dryRun };
}
