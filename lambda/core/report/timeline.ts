/**
 * One volume's configurations over time, from the guardian's modification ledger, and what each
 * alternative costs over a period. EBS bills the new configuration from the moment a modification
 * starts (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modify-volume.html: "you are charged
 * for the new volume configuration after volume modification starts"), per second, per calendar
 * month (https://aws.amazon.com/ebs/pricing/).
 */
import { TARGET_LIMITS } from '../policy/target-limits';
import { startOf, type ModificationRecord } from '../ports';
import { splitByMonth } from './calendar';
import { APPLIED_STATUSES, type MonthCost, type MonthlyPriceFn, type ReportPeriod, type VolumeConfig } from './types';
import type { VolumeType } from '../types';

/** A stretch of time on one configuration. */
export interface ConfigSegment {
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
  readonly config: VolumeConfig;
}

/** A volume's configuration history clipped to a period. */
export interface ConfigTimeline {
  readonly original: VolumeConfig;
  readonly final: VolumeConfig;
  readonly segments: readonly ConfigSegment[];
  /** The applied modifications, oldest first (all of them, also those outside the period). */
  readonly applied: readonly ModificationRecord[];
}

/** gp3 limits, shared with sizing (policy-target-limits.ts cites the AWS docs). */
const GP3 = TARGET_LIMITS.gp3;
// gp3 is the one target whose throughput is provisioned: TARGET_LIMITS always states it.
const GP3_THROUGHPUT = GP3.throughput!;
const GP3_BASE_IOPS = GP3.includedIops;
const GP3_BASE_THROUGHPUT_MIBPS = GP3_THROUGHPUT.includedMiBps;
const GP3_MAX_IOPS = GP3.maxIops;
const GP3_MAX_IOPS_PER_GIB = GP3.maxIopsPerGiB;
const GP3_MAX_THROUGHPUT_MIBPS = GP3_THROUGHPUT.maxMiBps;
const GP3_MAX_THROUGHPUT_PER_IOPS = GP3_THROUGHPUT.maxMiBpsPerIops;

/** True when ModifyVolume accepted the request (so EBS billed the target). */
export function isApplied(record: ModificationRecord): boolean {
  return APPLIED_STATUSES.includes(record.status);
}

function configOf(side: ModificationRecord['from'], sizeGiB: number): VolumeConfig {
  return { type: side.type, sizeGiB, iops: side.iops, throughputMiBps: side.throughputMiBps };
}

/**
 * Builds the timeline from a volume's ledger. `fallback` is the configuration of a volume the
 * guardian never modified (from the inventory or an event); undefined when neither is known.
 */
export function buildConfigTimeline(
  records: readonly ModificationRecord[],
  period: ReportPeriod,
  fallback?: VolumeConfig,
): ConfigTimeline | undefined {
  // AWS's StartTime when known: billing starts when AWS started the modification, whatever the writer's clock said.
  const applied = records.filter(isApplied).sort((a, b) => startOf(a) - startOf(b));
  const first = applied[0];
  // A volume whose every request failed still tells its configuration through the ledger's `from`.
  const anyRecord = [...records].sort((a, b) => a.requestedEpochSeconds - b.requestedEpochSeconds)[0];
  const original = first !== undefined ? configOf(first.from, first.sizeGiB) : (fallback ?? (anyRecord && configOf(anyRecord.from, anyRecord.sizeGiB)));
  if (original === undefined) return undefined;
  const segments: ConfigSegment[] = [];
  let config = original;
  let cursor = period.sinceEpochSeconds;
  for (const record of applied) {
    const at = startOf(record);
    if (at > cursor && cursor < period.untilEpochSeconds) {
      segments.push({ startEpochSeconds: cursor, endEpochSeconds: Math.min(at, period.untilEpochSeconds), config });
    }
    cursor = Math.max(cursor, at);
    config = configOf(record.to, record.sizeGiB);
  }
  if (cursor < period.untilEpochSeconds) segments.push({ startEpochSeconds: cursor, endEpochSeconds: period.untilEpochSeconds, config });
  return { original, final: config, segments, applied };
}

/** Seconds spent on each type. */
export function secondsByType(segments: readonly ConfigSegment[]): Partial<Record<VolumeType, number>> {
  const out: Partial<Record<VolumeType, number>> = {};
  for (const s of segments) out[s.config.type] = (out[s.config.type] ?? 0) + (s.endEpochSeconds - s.startEpochSeconds);
  return out;
}

/**
 * The "gp3 for good" alternative: gp3 with the IOPS and throughput of the largest rescue target
 * (so it would have carried the same peaks), at least gp3's included 3,000 IOPS / 125 MiB/s, within
 * gp3's limits (500 IOPS/GiB up to 80,000; 0.25 MiB/s per IOPS up to 2,000 MiB/s).
 */
export function gp3ForGoodConfig(original: VolumeConfig, applied: readonly ModificationRecord[]): VolumeConfig {
  const rescues = applied.filter((r) => r.kind === 'rescue');
  const wantedIops = Math.max(GP3_BASE_IOPS, ...rescues.map((r) => r.to.iops ?? 0));
  const wantedThroughput = Math.max(GP3_BASE_THROUGHPUT_MIBPS, ...rescues.map((r) => r.to.throughputMiBps ?? 0));
  const iops = Math.max(GP3_BASE_IOPS, Math.min(wantedIops, GP3_MAX_IOPS, GP3_MAX_IOPS_PER_GIB * original.sizeGiB));
  const throughputMiBps = Math.max(
    GP3_BASE_THROUGHPUT_MIBPS,
    Math.min(wantedThroughput, GP3_MAX_THROUGHPUT_MIBPS, GP3_MAX_THROUGHPUT_PER_IOPS * iops),
  );
  return { type: 'gp3', sizeGiB: original.sizeGiB, iops, throughputMiBps };
}

/** Cost of one configuration over `[start, end)`: monthly price × seconds ÷ seconds of that calendar month. */
export function costOver(price: MonthlyPriceFn, config: VolumeConfig, startEpochSeconds: number, endEpochSeconds: number): Map<string, number> | undefined {
  const monthly = price(config);
  if (monthly === undefined) return undefined;
  const out = new Map<string, number>();
  for (const slice of splitByMonth(startEpochSeconds, endEpochSeconds)) {
    const seconds = slice.endEpochSeconds - slice.startEpochSeconds;
    out.set(slice.month, (out.get(slice.month) ?? 0) + (monthly * seconds) / slice.secondsInMonth);
  }
  return out;
}

/** Actual, unaided and all-gp3 costs of a timeline per month of the period; undefined if a price is missing. */
export function monthCosts(price: MonthlyPriceFn, timeline: ConfigTimeline, gp3: VolumeConfig, period: ReportPeriod): MonthCost[] | undefined {
  const actual = new Map<string, number>();
  for (const segment of timeline.segments) {
    const part = costOver(price, segment.config, segment.startEpochSeconds, segment.endEpochSeconds);
    if (part === undefined) return undefined;
    for (const [month, usd] of part) actual.set(month, (actual.get(month) ?? 0) + usd);
  }
  const unaided = costOver(price, timeline.original, period.sinceEpochSeconds, period.untilEpochSeconds);
  const allGp3 = costOver(price, gp3, period.sinceEpochSeconds, period.untilEpochSeconds);
  if (unaided === undefined || allGp3 === undefined) return undefined;
  return splitByMonth(period.sinceEpochSeconds, period.untilEpochSeconds).map((slice) => ({
    month: slice.month,
    secondsInPeriod: slice.endEpochSeconds - slice.startEpochSeconds,
    actualUSD: actual.get(slice.month) ?? 0,
    unaidedUSD: unaided.get(slice.month) ?? 0,
    allGp3USD: allGp3.get(slice.month) ?? 0,
  }));
}
