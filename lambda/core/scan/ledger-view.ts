/**
 * The ledger a scan decides with (issue 12, lever 4): one read of every modification that can still
 * matter (open, this month's, the last 48 h, active rescues) and of every open notification state,
 * instead of a Query and a GetItem per volume per scan. Volumes that no longer matter are settled:
 * their records leave the ledger view and stay in the history. Stores without `readLedger` are read
 * volume by volume, as before.
 */
import type { ModificationRecord, NotificationState } from '../ports';
import { isRdsResourceKey } from '../rds-ports';
import { monthStartOf } from '../report/calendar';
import { mapWithConcurrency, messageOf } from './support';
import type { ScanDeps, ScanError } from './types';
import type { VolumeDescription } from '../types';

/** A volume's records leave the view only when its newest is older than this (the 24 h limit window, twice). */
export const SETTLE_AFTER_SECONDS = 48 * 3600;

/** Volumes settled per scan at most: settling is housekeeping, never a reason for a slow scan. */
export const SETTLE_PER_SCAN = 25;

/** Per-volume reads in flight at once when the store has no `readLedger`. */
const PER_VOLUME_CONCURRENCY = 16;

const LIVE = new Set(['intent', 'modifying', 'optimizing', 'completed']);
const OPEN = new Set(['intent', 'modifying', 'optimizing']);

/** What the scan knows of the history before deciding. */
export interface LedgerView {
  /** Records per volume (volumes absent have none that matter); external modifications found this scan are added. */
  readonly records: Map<string, readonly ModificationRecord[]>;
  /** Volumes whose ledger could not be read: never acted on. */
  readonly unreadable: ReadonlySet<string>;
  /** Open notification states, when the store can list them; undefined means "read each volume's". */
  readonly openNotifications: ReadonlyMap<string, NotificationState> | undefined;
}

/**
 * True when none of a volume's records can change a decision any more: nothing open, no live rescue
 * without a later live revert, no round trip left to record, and nothing requested in the last 48 h
 * or this UTC month (month-to-date spend counts this month's records).
 */
export function isLedgerSettled(records: readonly ModificationRecord[], now: number): boolean {
  if (records.length === 0) return true;
  if (records.some((r) => OPEN.has(r.status))) return false;
  if (records.some((r) => r.kind === 'revert' && r.status === 'completed' && r.firstBurstBalanceAfterPercent === undefined)) return false;
  const live = records.filter((r) => !r.dryRun && LIVE.has(r.status)).sort((a, b) => b.requestedEpochSeconds - a.requestedEpochSeconds)[0];
  // A flipped volume waits for its revert; an RDS DB instance is never moved back (decision/rds-decide.ts).
  if (live?.kind === 'rescue' && !isRdsResourceKey(live.volumeId)) return false;
  const newest = Math.max(...records.map((r) => r.requestedEpochSeconds));
  return newest < Math.min(now - SETTLE_AFTER_SECONDS, monthStartOf(now));
}

/** Reads the ledger view for `volumes`; never throws (an unreadable ledger marks volumes unreadable). */
export async function readLedgerView(deps: ScanDeps, volumes: readonly VolumeDescription[], now: number, errors: ScanError[]): Promise<LedgerView> {
  if (deps.history.readLedger === undefined) return readPerVolume(deps, volumes, errors);
  try {
    const snapshot = await deps.history.readLedger();
    const records = new Map<string, ModificationRecord[]>();
    for (const r of snapshot.modifications) records.set(r.volumeId, [...(records.get(r.volumeId) ?? []), r]);
    for (const list of records.values()) list.sort((a, b) => (a.modificationId < b.modificationId ? -1 : a.modificationId > b.modificationId ? 1 : 0));
    await settle(deps, records, now, errors);
    return { records, unreadable: new Set(), openNotifications: new Map(snapshot.openNotifications.map((n) => [n.volumeId, n])) };
  } catch (error) {
    errors.push({ stage: 'record', message: `history unreadable, not acting on any volume: ${messageOf(error)}` });
    return { records: new Map(), unreadable: new Set(volumes.map((v) => v.volumeId)), openNotifications: new Map() };
  }
}

/** Takes settled volumes out of the view (and the store's ledger partition); at most `SETTLE_PER_SCAN`. */
async function settle(deps: ScanDeps, records: Map<string, ModificationRecord[]>, now: number, errors: ScanError[]): Promise<void> {
  const settled = [...records].filter(([, list]) => isLedgerSettled(list, now));
  for (const [volumeId, list] of settled.slice(0, SETTLE_PER_SCAN)) {
    try {
      await deps.history.settleLedger?.(volumeId, list);
    } catch (error) {
      errors.push({ stage: 'record', volumeId, message: `ledger not settled (harmless, retried next scan): ${messageOf(error)}` });
    }
  }
  // Settled records cannot change a decision, whether or not the store has moved them yet.
  for (const [volumeId] of settled) records.delete(volumeId);
}

/** The per-volume fallback: a Query per volume, notification states read when needed. */
async function readPerVolume(deps: ScanDeps, volumes: readonly VolumeDescription[], errors: ScanError[]): Promise<LedgerView> {
  const records = new Map<string, ModificationRecord[]>();
  const unreadable = new Set<string>();
  await mapWithConcurrency(volumes, PER_VOLUME_CONCURRENCY, async (volume) => {
    try {
      const list = await deps.history.listModifications(volume.volumeId);
      if (list.length > 0) records.set(volume.volumeId, list);
    } catch (error) {
      unreadable.add(volume.volumeId);
      errors.push({ stage: 'record', volumeId: volume.volumeId, message: `history unreadable: ${messageOf(error)}` });
    }
  });
  return { records, unreadable, openNotifications: undefined };
}
