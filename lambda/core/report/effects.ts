/**
 * What the guardian's actions did for one volume: modification counts and reasons, round trips,
 * alerts sent and the open recommendations (the throttling its rescues prevented: prevented.ts).
 * Inputs are one volume's events and ledger records.
 */
import type { HistoryEvent, ModificationRecord } from '../ports';
import type { ModificationCounts, ReasonCount, ReportPeriod, RoundTrip } from './types';
import { isApplied } from './timeline';

/** Counts a volume's ledger records requested inside the period. */
export function countModifications(records: readonly ModificationRecord[], period: ReportPeriod): ModificationCounts {
  const counts = emptyCounts();
  for (const r of records) {
    if (r.requestedEpochSeconds < period.sinceEpochSeconds || r.requestedEpochSeconds >= period.untilEpochSeconds) continue;
    if (isApplied(r)) counts[r.kind] += 1;
    else if (r.status === 'failed' || r.status === 'rejected') counts.failed += 1;
    else if (r.status === 'dry-run') counts.dryRun += 1;
    else if (r.status === 'not-sent') counts.notSent += 1;
    else if (r.status === 'volume-deleted') counts.volumeDeleted += 1;
    else counts.unconfirmed += 1;
  }
  return counts;
}

/** Adds counts field by field. */
export function addCounts(a: ModificationCounts, b: ModificationCounts): ModificationCounts {
  return {
    rescue: a.rescue + b.rescue,
    revert: a.revert + b.revert,
    failed: a.failed + b.failed,
    dryRun: a.dryRun + b.dryRun,
    unconfirmed: a.unconfirmed + b.unconfirmed,
    notSent: a.notSent + b.notSent,
    volumeDeleted: a.volumeDeleted + b.volumeDeleted,
    external: a.external + b.external,
  };
}

/** All counts zero. */
export function emptyCounts(): { -readonly [K in keyof ModificationCounts]: number } {
  return { rescue: 0, revert: 0, failed: 0, dryRun: 0, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 };
}

/** The reason's category: its text before the first colon (reasons read "forecast: empty in 40 min"). */
export function reasonCategory(reason: string): string {
  const head = reason.split(':')[0]?.trim() ?? '';
  return head === '' ? '(none)' : head;
}

/** Applied modifications in the period, grouped by kind and reason category, most frequent first. */
export function countReasons(records: readonly ModificationRecord[], period: ReportPeriod): ReasonCount[] {
  const inPeriod = records.filter(
    (r) => isApplied(r) && r.requestedEpochSeconds >= period.sinceEpochSeconds && r.requestedEpochSeconds < period.untilEpochSeconds,
  );
  return mergeReasons(inPeriod.map((r) => ({ kind: r.kind, reason: reasonCategory(r.reason), count: 1 })));
}

/** Merges reason counts with the same kind and reason, most frequent first. */
export function mergeReasons(counts: readonly ReasonCount[]): ReasonCount[] {
  const merged = new Map<string, ReasonCount>();
  for (const c of counts) {
    const key = `${c.kind}\u0000${c.reason}`;
    const prev = merged.get(key);
    merged.set(key, { ...c, count: (prev?.count ?? 0) + c.count });
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.reason.localeCompare(b.reason));
}

/** Pairs each applied rescue with the next applied revert; keeps pairs touching the period. */
export function roundTrips(applied: readonly ModificationRecord[], period: ReportPeriod): RoundTrip[] {
  const trips: RoundTrip[] = [];
  applied.forEach((rescue, i) => {
    if (rescue.kind !== 'rescue') return;
    const revert = applied.slice(i + 1).find((r) => r.kind === 'revert');
    if (revert === undefined) return;
    if (revert.requestedEpochSeconds < period.sinceEpochSeconds || rescue.requestedEpochSeconds >= period.untilEpochSeconds) return;
    trips.push({
      rescueEpochSeconds: rescue.requestedEpochSeconds,
      revertEpochSeconds: revert.requestedEpochSeconds,
      balanceBeforePercent: rescue.burstBalanceBeforePercent,
      firstBalanceAfterPercent: revert.firstBurstBalanceAfterPercent,
    });
  });
  return trips;
}

/** A finite number at `key` of a record-like value, else undefined. */
export function numberAt(value: unknown, key: string): number | undefined {
  const found = fieldAt(value, key);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

/** The field `key` of a record-like value, else undefined. */
export function fieldAt(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Where an event's details may carry the scan's data: at the top, or inside the recorded decision
 * (`details.decision`, the decision engine's value). The first place that has a field wins.
 */
export function detailScopes(details: Readonly<Record<string, unknown>>): unknown[] {
  return [details, fieldAt(details, 'decision')].filter((x) => typeof x === 'object' && x !== null);
}

/** The forecast a rescue event recorded: `forecast.{secondsToEmpty,demandPerSecond}` or top-level fields. */
export function recordedForecast(event: HistoryEvent): { secondsToEmpty: number; demandPerSecond?: number } | undefined {
  for (const scope of detailScopes(event.details)) {
    const forecast = fieldAt(scope, 'forecast');
    // An `empty` forecast means the volume was already at its baseline: the wall is now.
    const secondsToEmpty = fieldAt(forecast, 'kind') === 'empty' ? 0 : (numberAt(forecast, 'secondsToEmpty') ?? numberAt(scope, 'secondsToEmpty'));
    if (secondsToEmpty !== undefined) return { secondsToEmpty, demandPerSecond: numberAt(forecast, 'demandPerSecond') ?? numberAt(scope, 'demandPerSecond') };
  }
  return undefined;
}

/** Alerts sent in the period (every `alert` event is a notification that went out). */
export function countAlerts(events: readonly HistoryEvent[], period: ReportPeriod): number {
  return events.filter((e) => e.kind === 'alert' && e.tEpochSeconds >= period.sinceEpochSeconds && e.tEpochSeconds < period.untilEpochSeconds).length;
}
