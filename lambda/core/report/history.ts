/**
 * One volume's history for platform engineers (`history VOLUME_ID`): every event and every ledger
 * record merged in time order, with reasons, states and the round-trip balance records.
 */
import type { HistoryEvent, ModificationRecord } from '../ports';
import { roundTrips } from './effects';
import { isApplied } from './timeline';
import type { RoundTrip } from './types';

/** One line of a volume's history. */
export type HistoryLine =
  | {
      readonly source: 'event';
      readonly tEpochSeconds: number;
      readonly kind: HistoryEvent['kind'];
      readonly runId: string;
      readonly summary: string;
      readonly details: Readonly<Record<string, unknown>>;
    }
  | {
      readonly source: 'modification';
      readonly tEpochSeconds: number;
      readonly kind: ModificationRecord['kind'];
      readonly runId: string;
      /** e.g. `gp2 → gp3 (4000 IOPS, 250 MiB/s)`. */
      readonly summary: string;
      readonly record: ModificationRecord;
    };

/** A volume's history, oldest first. */
export interface VolumeHistory {
  readonly volumeId: string;
  readonly lines: readonly HistoryLine[];
  /** Rescue → revert pairs with the balance before the flip and the first balance back. */
  readonly roundTrips: readonly RoundTrip[];
}

/** Describes a configuration change, e.g. `gp2 → gp3 (4000 IOPS, 250 MiB/s)`. */
export function describeChange(record: ModificationRecord): string {
  const extras = [
    record.to.iops === undefined ? undefined : `${record.to.iops} IOPS`,
    record.to.throughputMiBps === undefined ? undefined : `${record.to.throughputMiBps} MiB/s`,
  ].filter((x): x is string => x !== undefined);
  return `${record.from.type} → ${record.to.type}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}, ${record.sizeGiB} GiB`;
}

/** Merges a volume's events and ledger records in time order (a record before an event at the same second). */
export function buildVolumeHistory(
  volumeId: string,
  events: readonly HistoryEvent[],
  modifications: readonly ModificationRecord[],
): VolumeHistory {
  const mine = modifications.filter((r) => r.volumeId === volumeId);
  const lines: HistoryLine[] = [
    ...mine.map((record) => ({
      source: 'modification' as const,
      tEpochSeconds: record.requestedEpochSeconds,
      kind: record.kind,
      runId: record.runId,
      summary: describeChange(record),
      record,
    })),
    ...events
      .filter((e) => e.volumeId === volumeId)
      .map((e) => ({ source: 'event' as const, tEpochSeconds: e.tEpochSeconds, kind: e.kind, runId: e.runId, summary: e.summary, details: e.details })),
  ];
  lines.sort((a, b) => a.tEpochSeconds - b.tEpochSeconds || (a.source === b.source ? 0 : a.source === 'modification' ? -1 : 1));
  const applied = mine.filter(isApplied).sort((a, b) => a.requestedEpochSeconds - b.requestedEpochSeconds);
  const everything = { sinceEpochSeconds: Number.NEGATIVE_INFINITY, untilEpochSeconds: Number.POSITIVE_INFINITY };
  return { volumeId, lines, roundTrips: roundTrips(applied, everything) };
}
