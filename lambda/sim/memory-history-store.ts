/**
 * An in-memory `HistoryStore` with the DynamoDB store's semantics (same keys, order and conflicts),
 * for the simulator and tests. One shared contract suite runs against both.
 */
import { HistoryConflictError } from '../core/errors';
import { isOpenStatus, type HistoryEvent, type HistoryStore, type LedgerSnapshot, type ModificationRecord, type ModificationRecordStatus, type NotificationState, type ScanCursor, type BusyVolumes } from '../core/ports';
import { eventMonthSortKey, eventSortKey, modificationMonthSortKey, openSortKey, toPlainData, usageKeys, utcMonthOf } from '../shared/history-table-schema';
import { addUsageToDay, UNKNOWN_ORIGIN, usageIncrement, type ScanUsage, type UsageDay } from '../core/report/running-cost';

type Patch = Parameters<HistoryStore['updateModification']>[3];

function byKey<T>(key: (value: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** The history kept in maps; every read and write copies, so callers never share state with it. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly events = new Map<string, Map<string, HistoryEvent>>();
  private readonly modifications = new Map<string, Map<string, ModificationRecord>>();
  private readonly notifications = new Map<string, NotificationState>();
  /** Records taken out of the ledger view (`settleLedger`), as the DynamoDB store drops their index keys. */
  private readonly settled = new Set<string>();
  private cursor: ScanCursor | undefined;
  private busy: BusyVolumes | undefined;
  /** Usage days by `usageKeys` pk + sk, as the DynamoDB store keeps them. */
  private readonly usage = new Map<string, UsageDay>();

  /** Adds one scan's usage to its account's, region's and day's counters. */
  async recordUsage(usage: ScanUsage): Promise<void> {
    const day = usageIncrement(usage).day;
    const keys = usageKeys(usage.accountId ?? UNKNOWN_ORIGIN, usage.region ?? UNKNOWN_ORIGIN, day);
    const key = `${keys.pk}|${keys.sk}`;
    this.usage.set(key, addUsageToDay(this.usage.get(key), usage));
  }

  /** A month's usage days, in day, account, region order. */
  async listUsage(month: string): Promise<UsageDay[]> {
    const days = [...this.usage.values()].filter((d) => d.day.startsWith(`${month}-`));
    return toPlainData(days.sort(byKey((d) => usageKeys(d.accountId ?? UNKNOWN_ORIGIN, d.region ?? UNKNOWN_ORIGIN, d.day).monthSk)));
  }

  /** Appends an event; the same (volume, second, kind, run) twice is a conflict. */
  async appendEvent(event: HistoryEvent): Promise<void> {
    const perVolume = this.events.get(event.volumeId) ?? new Map<string, HistoryEvent>();
    const key = eventSortKey(event);
    if (perVolume.has(key)) throw new HistoryConflictError(`event ${event.kind} of ${event.volumeId} at ${event.tEpochSeconds} already recorded`);
    perVolume.set(key, toPlainData(event));
    this.events.set(event.volumeId, perVolume);
  }

  /** Writes the record unless it exists or (for an open status) the volume already has an open one. */
  async putIntent(record: ModificationRecord): Promise<void> {
    const perVolume = this.modifications.get(record.volumeId) ?? new Map<string, ModificationRecord>();
    if (isOpenStatus(record.status)) {
      const holder = [...perVolume.values()].find((m) => isOpenStatus(m.status));
      if (holder !== undefined) throw new HistoryConflictError(`${record.volumeId} already has an open modification (${holder.modificationId})`);
    }
    if (perVolume.has(record.modificationId)) throw new HistoryConflictError(`modification ${record.modificationId} of ${record.volumeId} already exists`);
    perVolume.set(record.modificationId, toPlainData(record));
    this.modifications.set(record.volumeId, perVolume);
  }

  /** Moves a modification from `expectedStatus`; closed records cannot be reopened, a shadow tally never moves backwards. */
  async updateModification(volumeId: string, modificationId: string, expectedStatus: ModificationRecordStatus, patch: Patch): Promise<void> {
    const newStatus = patch.status ?? expectedStatus;
    if (!isOpenStatus(expectedStatus) && isOpenStatus(newStatus)) {
      throw new HistoryConflictError(`modification ${modificationId} of ${volumeId} is closed (${expectedStatus}); write a new intent instead`);
    }
    const current = this.modifications.get(volumeId)?.get(modificationId);
    if (current === undefined || current.status !== expectedStatus) {
      throw new HistoryConflictError(`modification ${modificationId} of ${volumeId} is not ${expectedStatus}`);
    }
    const stored = current.shadowThrottling?.throughEpochSeconds;
    if (patch.shadowThrottling !== undefined && stored !== undefined && stored >= patch.shadowThrottling.throughEpochSeconds) {
      throw new HistoryConflictError(`modification ${modificationId} of ${volumeId} already has shadow throttling through ${stored}`);
    }
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.modifications.get(volumeId)?.set(modificationId, toPlainData({ ...current, ...defined, status: newStatus }));
  }

  /** A volume's modifications in id order, optionally requested since a time. */
  async listModifications(volumeId: string, sinceEpochSeconds?: number): Promise<ModificationRecord[]> {
    return [...(this.modifications.get(volumeId)?.values() ?? [])]
      .filter((m) => sinceEpochSeconds === undefined || m.requestedEpochSeconds >= sinceEpochSeconds)
      .sort(byKey((m) => m.modificationId))
      .map(toPlainData);
  }

  /** Open modifications across volumes, ordered like the open index (volume, id). */
  async listOpenModifications(): Promise<ModificationRecord[]> {
    return [...this.modifications.values()]
      .flatMap((perVolume) => [...perVolume.values()])
      .filter((m) => isOpenStatus(m.status))
      .sort(byKey(openSortKey))
      .map(toPlainData);
  }

  /** Every open record, every closed record not settled, and the open notification states. */
  async readLedger(): Promise<LedgerSnapshot> {
    const modifications = [...this.modifications.values()]
      .flatMap((perVolume) => [...perVolume.values()])
      .filter((m) => isOpenStatus(m.status) || !this.settled.has(`${m.volumeId}#${m.modificationId}`))
      .sort(byKey(openSortKey))
      .map(toPlainData);
    const openNotifications = [...this.notifications.values()].filter((n) => n.open).map(toPlainData);
    return { modifications, openNotifications };
  }

  /** Takes closed records out of the ledger view; open ones stay (as the index's condition keeps them). */
  async settleLedger(volumeId: string, records: readonly ModificationRecord[]): Promise<void> {
    for (const record of records) {
      const current = this.modifications.get(volumeId)?.get(record.modificationId);
      if (current !== undefined && !isOpenStatus(current.status)) this.settled.add(`${volumeId}#${record.modificationId}`);
    }
  }

  /** Where the last scan that ran out of time stopped. */
  async getScanCursor(): Promise<ScanCursor | undefined> {
    return this.cursor === undefined ? undefined : toPlainData(this.cursor);
  }

  /** Overwrites the cursor. */
  async putScanCursor(cursor: ScanCursor): Promise<void> {
    this.cursor = toPlainData(cursor);
  }

  /** The adaptive cadence's busy set. */
  async getBusyVolumes(): Promise<BusyVolumes | undefined> {
    return this.busy === undefined ? undefined : { volumeIds: new Set(this.busy.volumeIds), everyScans: new Map(this.busy.everyScans), writtenEpochSeconds: this.busy.writtenEpochSeconds };
  }

  /** Replaces the busy set. */
  async putBusyVolumes(busy: BusyVolumes): Promise<void> {
    this.busy = { volumeIds: new Set(busy.volumeIds), everyScans: new Map(busy.everyScans), writtenEpochSeconds: busy.writtenEpochSeconds };
  }

  /** A volume's events in time order within an optional inclusive range. */
  async listEvents(volumeId: string, range?: { readonly sinceEpochSeconds?: number; readonly untilEpochSeconds?: number }): Promise<HistoryEvent[]> {
    const since = range?.sinceEpochSeconds ?? 0;
    const until = range?.untilEpochSeconds ?? 999_999_999_999;
    return [...(this.events.get(volumeId)?.values() ?? [])]
      .filter((e) => e.tEpochSeconds >= since && e.tEpochSeconds <= until)
      .sort(byKey(eventSortKey))
      .map(toPlainData);
  }

  /** Everything recorded in one UTC month, in time order. */
  async listMonth(month: string): Promise<{ events: HistoryEvent[]; modifications: ModificationRecord[] }> {
    const events = [...this.events.values()]
      .flatMap((perVolume) => [...perVolume.values()])
      .filter((e) => utcMonthOf(e.tEpochSeconds) === month)
      .sort(byKey(eventMonthSortKey));
    const modifications = [...this.modifications.values()]
      .flatMap((perVolume) => [...perVolume.values()])
      .filter((m) => utcMonthOf(m.requestedEpochSeconds) === month)
      .sort(byKey(modificationMonthSortKey));
    return { events: events.map(toPlainData), modifications: modifications.map(toPlainData) };
  }

  /** The volume's notification state. */
  async getNotificationState(volumeId: string): Promise<NotificationState | undefined> {
    const state = this.notifications.get(volumeId);
    return state === undefined ? undefined : toPlainData(state);
  }

  /** Optimistic write: version 1 only if absent, version n only over version n − 1. */
  async putNotificationState(state: NotificationState): Promise<void> {
    const current = this.notifications.get(state.volumeId);
    const ok = state.version <= 1 ? current === undefined : current?.version === state.version - 1;
    if (!ok) throw new HistoryConflictError(`notification state of ${state.volumeId} is not at version ${state.version - 1}`);
    this.notifications.set(state.volumeId, toPlainData(state));
  }
}
