/**
 * Finance's report (issue 7): per volume and in total over a period, the guardian's modifications
 * by kind and reason, time on each type, cost actually incurred vs staying unaided vs gp3 for good,
 * the throttling it prevented, alerts sent and open recommendations. Pure: data and prices in.
 */
import type { HistoryEvent, ModificationRecord } from '../ports';
import { dayLabelOf, dayStarts, monthLabelOf, splitByMonth, SECONDS_PER_DAY } from './calendar';
import { addCounts, emptyCounts, countAlerts, countModifications, countReasons, fieldAt, mergeReasons, numberAt, roundTrips } from './effects';
import { addPrevented, NO_PREVENTED_THROTTLING, preventedThrottling } from './prevented';
import { recommend } from './recommendations';
import { buildConfigTimeline, gp3ForGoodConfig, isApplied, monthCosts, secondsByType } from './timeline';
import type { FinanceReport, ModificationBucket, MonthCost, MonthlyPriceFn, ReportPeriod, ReportTotals, VolumeConfig, VolumeReport } from './types';
import type { VolumeType } from '../types';
import { isRdsResourceKey } from '../rds-ports';
import { buildRdsReport } from './rds';
import { isInstanceKey } from '../instance-keys';
import { buildInstanceReport } from './instances';

/** The report's value types, re-exported so callers import one module. */
export type * from './types';

/** Everything `buildFinanceReport` needs. */
export interface FinanceReportInput {
  readonly period: ReportPeriod;
  readonly generatedAtEpochSeconds: number;
  readonly priceMonthlyUSD: MonthlyPriceFn;
  /** Where the prices come from, shown in every rendering. */
  readonly priceSource: string;
  /** Events of the period (others are ignored). */
  readonly events: readonly HistoryEvent[];
  /** Every ledger record of the reported volumes, also before the period (the type at its start). */
  readonly modifications: readonly ModificationRecord[];
  /** Known configurations (inventory, simulator) for volumes the ledger cannot size. */
  readonly volumeConfigs?: ReadonlyMap<string, VolumeConfig>;
}

/** Periods up to this long get daily buckets in the "modifications over time" series, longer ones monthly. */
const MAX_DAILY_BUCKET_SECONDS = 62 * SECONDS_PER_DAY;

/** Builds the report. Volumes appear when they have an event or record in the period, or sit off their original type in it. */
export function buildFinanceReport(all: FinanceReportInput): FinanceReport {
  // RDS DB instances have their own section (rds.ts): RDS storage prices, no reverts.
  // EC2 instances' own EBS buckets too (instances.ts): alerts only, the guardian never changes an instance.
  const input = { ...all, events: all.events.filter((e) => !isRdsResourceKey(e.volumeId) && !isInstanceKey(e.volumeId)), modifications: all.modifications.filter((r) => !isRdsResourceKey(r.volumeId)) };
  const { period } = input;
  const events = input.events.filter((e) => e.tEpochSeconds >= period.sinceEpochSeconds && e.tEpochSeconds < period.untilEpochSeconds);
  const eventsByVolume = groupBy(events, (e) => e.volumeId);
  const recordsByVolume = groupBy(input.modifications, (r) => r.volumeId);
  const rds = buildRdsReport(period, all.events, all.modifications);
  const instances = buildInstanceReport(period, all.events);
  const ids = new Set([...eventsByVolume.keys(), ...recordsByVolume.keys()]);
  const volumes = [...ids]
    .map((id) => buildVolumeReport(input, id, eventsByVolume.get(id) ?? [], recordsByVolume.get(id) ?? []))
    .filter((v): v is VolumeReport => v !== undefined)
    .sort(
      (a, b) =>
        b.modifications.rescue + b.modifications.revert - (a.modifications.rescue + a.modifications.revert) ||
        (b.cost?.actualUSD ?? 0) - (a.cost?.actualUSD ?? 0) ||
        a.volumeId.localeCompare(b.volumeId),
    );
  return {
    period,
    generatedAtEpochSeconds: input.generatedAtEpochSeconds,
    priceSource: input.priceSource,
    volumes,
    months: sumMonths(period, volumes),
    timeline: buildTimeline(period, input.modifications),
    totals: sumTotals(volumes),
    ...(rds.changes.length === 0 && rds.alertsSent === 0 ? {} : { rds }),
    ...(instances.instances.length === 0 ? {} : { instances }),
  };
}

function buildVolumeReport(
  input: FinanceReportInput,
  volumeId: string,
  events: readonly HistoryEvent[],
  records: readonly ModificationRecord[],
): VolumeReport | undefined {
  const { period } = input;
  const inPeriod = (t: number): boolean => t >= period.sinceEpochSeconds && t < period.untilEpochSeconds;
  const timeline = buildConfigTimeline(records, period, input.volumeConfigs?.get(volumeId) ?? configFromEvents(events));
  const offOriginal = timeline?.segments.some((s) => s.config.type !== timeline.original.type) ?? false;
  if (events.length === 0 && !records.some((r) => inPeriod(r.requestedEpochSeconds)) && !offOriginal) return undefined;
  const applied = timeline?.applied ?? records.filter(isApplied).sort((a, b) => a.requestedEpochSeconds - b.requestedEpochSeconds);
  const gp3 = timeline === undefined ? undefined : gp3ForGoodConfig(timeline.original, applied);
  const months = timeline === undefined || gp3 === undefined ? undefined : monthCosts(input.priceMonthlyUSD, timeline, gp3, period);
  return {
    volumeId,
    sizeGiB: timeline?.original.sizeGiB,
    originalType: timeline?.original.type,
    finalType: timeline?.final.type,
    modifications: countModifications(records, period),
    reasons: countReasons(records, period),
    secondsByType: timeline === undefined ? {} : secondsByType(timeline.segments),
    cost: months === undefined ? undefined : sumCosts(months),
    months: months ?? [],
    gp3ForGood: gp3,
    preventedThrottling: preventedThrottling(applied, events, period),
    alertsSent: countAlerts(events, period),
    roundTrips: roundTrips(applied, period),
    recommendations: timeline === undefined || gp3 === undefined ? [] : recommend(input.priceMonthlyUSD, timeline, gp3, events, period),
  };
}

/** A never-modified volume's configuration, when an event recorded it (`volumeType` + `sizeGiB`, or a `volume` description). */
function configFromEvents(events: readonly HistoryEvent[]): VolumeConfig | undefined {
  for (const e of events) {
    for (const [scope, typeKey] of [[e.details, 'volumeType'], [fieldAt(e.details, 'volume'), 'type']] as const) {
      const type = fieldAt(scope, typeKey);
      const size = numberAt(scope, 'sizeGiB');
      if (typeof type === 'string' && size !== undefined && size > 0) return { type: type as VolumeType, sizeGiB: size };
    }
  }
  return undefined;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

function sumCosts(months: readonly MonthCost[]): { actualUSD: number; unaidedUSD: number; allGp3USD: number } {
  return months.reduce(
    (acc, m) => ({ actualUSD: acc.actualUSD + m.actualUSD, unaidedUSD: acc.unaidedUSD + m.unaidedUSD, allGp3USD: acc.allGp3USD + m.allGp3USD }),
    { actualUSD: 0, unaidedUSD: 0, allGp3USD: 0 },
  );
}

function sumMonths(period: ReportPeriod, volumes: readonly VolumeReport[]): MonthCost[] {
  return splitByMonth(period.sinceEpochSeconds, period.untilEpochSeconds).map((slice) => {
    const ofMonth = volumes.flatMap((v) => v.months.filter((m) => m.month === slice.month));
    return { month: slice.month, secondsInPeriod: slice.endEpochSeconds - slice.startEpochSeconds, ...sumCosts(ofMonth) };
  });
}

function buildTimeline(period: ReportPeriod, records: readonly ModificationRecord[]): FinanceReport['timeline'] {
  const daily = period.untilEpochSeconds - period.sinceEpochSeconds <= MAX_DAILY_BUCKET_SECONDS;
  const starts = daily
    ? dayStarts(period.sinceEpochSeconds, period.untilEpochSeconds)
    : splitByMonth(period.sinceEpochSeconds, period.untilEpochSeconds).map((s) => s.startEpochSeconds);
  const label = daily ? dayLabelOf : monthLabelOf;
  const buckets = new Map<string, { label: string; startEpochSeconds: number; rescues: number; reverts: number; failed: number }>();
  for (const t of starts) buckets.set(label(t), { label: label(t), startEpochSeconds: t, rescues: 0, reverts: 0, failed: 0 });
  for (const r of records) {
    if (r.requestedEpochSeconds < period.sinceEpochSeconds || r.requestedEpochSeconds >= period.untilEpochSeconds) continue;
    const bucket = buckets.get(label(r.requestedEpochSeconds));
    if (bucket === undefined) continue;
    if (isApplied(r) && r.kind !== 'external') bucket[r.kind === 'rescue' ? 'rescues' : 'reverts'] += 1;
    else if (r.status === 'failed' || r.status === 'rejected') bucket.failed += 1;
  }
  return { bucket: daily ? 'day' : 'month', buckets: [...buckets.values()] satisfies ModificationBucket[] };
}

function sumTotals(volumes: readonly VolumeReport[]): ReportTotals {
  const secondsByTypeTotal: Partial<Record<VolumeType, number>> = {};
  for (const v of volumes) {
    for (const [type, s] of Object.entries(v.secondsByType) as [VolumeType, number][]) secondsByTypeTotal[type] = (secondsByTypeTotal[type] ?? 0) + s;
  }
  const costed = volumes.filter((v) => v.cost !== undefined);
  return {
    volumes: volumes.length,
    modifications: volumes.map((v) => v.modifications).reduce(addCounts, emptyCounts()),
    reasons: mergeReasons(volumes.flatMap((v) => v.reasons)),
    secondsByType: secondsByTypeTotal,
    cost: sumCosts(costed.flatMap((v) => v.months)),
    volumesWithoutCost: volumes.length - costed.length,
    preventedThrottling: volumes.map((v) => v.preventedThrottling).reduce(addPrevented, NO_PREVENTED_THROTTLING),
    alertsSent: volumes.reduce((n, v) => n + v.alertsSent, 0),
    recommendedMonthlySavingsUSD: volumes
      .flatMap((v) => v.recommendations.filter((r) => r.kind !== 'recorded'))
      .reduce((sum, r) => sum + Math.max(0, r.monthlySavingsUSD ?? 0), 0),
  };
}
