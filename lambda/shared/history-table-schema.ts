/**
 * The history table's schema and key layout, as plain data: the CDK stack, the dynalite tests and
 * the stores all build from it, so the table is created identically everywhere. No CDK or SDK here.
 *
 * One table (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-general-nosql-design.html):
 * - `pk = VOL#<volumeId>`, `sk = EVT#<t>#<kind>#<runId>`: a volume's events in time order;
 * - `sk = MOD#<modificationId>`: its modifications (ids sort by request time);
 * - `sk = LOCK`: the per-volume lock naming the one open modification (conditional update);
 * - `sk = NOTIFY`: its notification state (versioned);
 * - GSI `by-month` (`month` = `YYYY-MM`, `monthSk`): finance's events + modifications per UTC month;
 * - GSI `open-modifications` (`openPk`, `openSk`): sparse. `openPk = OPEN` on modifications still
 *   open; `LEDGER` on closed ones until their volume is settled (no open record, no active rescue,
 *   nothing since 48 h and this month: the scan then removes the keys); `NOTIFY` on open
 *   notification states. One Query per value gives a scan its whole ledger (issue 12, lever 4).
 * - `pk = SCAN`, `sk = CURSOR`: where the last scan that ran out of time stopped.
 * - `pk = USAGE#<account>#<region>`, `sk = DAY#<YYYY-MM-DD>`: the guardian's own usage that day, one
 *   item of counters every scan ADDs to; in the `by-month` index under `month = USAGE#<YYYY-MM>`, so
 *   finance reads a month's usage in one Query without reading the month's events again.
 */

/** Attribute names of the keys. */
export const HISTORY_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  monthIndexPartitionKey: 'month',
  monthIndexSortKey: 'monthSk',
  openIndexPartitionKey: 'openPk',
  openIndexSortKey: 'openSk',
} as const;

/** Index names. */
export const HISTORY_INDEXES = {
  byMonth: 'by-month',
  openModifications: 'open-modifications',
} as const;

/** A key attribute: all keys are strings. */
export interface HistoryKeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

/** A global secondary index, projecting all attributes. */
export interface HistoryGlobalIndex {
  readonly indexName: string;
  readonly partitionKey: HistoryKeyAttribute;
  readonly sortKey: HistoryKeyAttribute;
  readonly projection: 'ALL';
}

/** The whole table definition; billing is on-demand (PAY_PER_REQUEST). */
export interface HistoryTableSchema {
  readonly partitionKey: HistoryKeyAttribute;
  readonly sortKey: HistoryKeyAttribute;
  readonly globalSecondaryIndexes: readonly HistoryGlobalIndex[];
  readonly billingMode: 'PAY_PER_REQUEST';
}

/** The table as the CDK stack and the tests must create it. */
export const HISTORY_TABLE_SCHEMA: HistoryTableSchema = {
  partitionKey: { name: HISTORY_KEYS.partitionKey, type: 'S' },
  sortKey: { name: HISTORY_KEYS.sortKey, type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: HISTORY_INDEXES.byMonth,
      partitionKey: { name: HISTORY_KEYS.monthIndexPartitionKey, type: 'S' },
      sortKey: { name: HISTORY_KEYS.monthIndexSortKey, type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: HISTORY_INDEXES.openModifications,
      partitionKey: { name: HISTORY_KEYS.openIndexPartitionKey, type: 'S' },
      sortKey: { name: HISTORY_KEYS.openIndexSortKey, type: 'S' },
      projection: 'ALL',
    },
  ],
  billingMode: 'PAY_PER_REQUEST',
};

/** Value of `openPk` on every open modification (a sparse index needs only presence). */
export const OPEN_PARTITION_VALUE = 'OPEN';

/** Value of `openPk` on a closed modification whose volume is not settled yet. */
export const LEDGER_PARTITION_VALUE = 'LEDGER';

/** Value of `openPk` on an open notification state. */
export const NOTIFY_PARTITION_VALUE = 'NOTIFY';

/** Key of the scan cursor item. */
export const SCAN_CURSOR_KEY = { pk: 'SCAN', sk: 'CURSOR' } as const;

/** Fixed-width seconds so string order is time order (12 digits last until year 33658). */
export function padEpochSeconds(epochSeconds: number): string {
  return String(Math.max(0, Math.floor(epochSeconds))).padStart(12, '0');
}

/** Partition key of everything about one volume. */
export function volumePartitionKey(volumeId: string): string {
  return `VOL#${volumeId}`;
}

/** Sort key of one event: unique per (time, kind, run), ordered by time. */
export function eventSortKey(event: { tEpochSeconds: number; kind: string; runId: string }): string {
  return `EVT#${padEpochSeconds(event.tEpochSeconds)}#${event.kind}#${event.runId}`;
}

/** Sort key of one modification. */
export function modificationSortKey(modificationId: string): string {
  return `MOD#${modificationId}`;
}

/** Sort key of the per-volume lock item. */
export const LOCK_SORT_KEY = 'LOCK';

/** Sort key of the per-volume notification state. */
export const NOTIFY_SORT_KEY = 'NOTIFY';

/** UTC calendar month `YYYY-MM` of an instant (finance's month boundaries). */
export function utcMonthOf(epochSeconds: number): string {
  const days = Math.floor(epochSeconds / 86_400);
  // Civil-from-days (Howard Hinnant), so this stays free of the Date clock and exact for any epoch.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** Month-index sort key of an event: time first, so a month reads in time order. */
export function eventMonthSortKey(event: { volumeId: string; tEpochSeconds: number; kind: string; runId: string }): string {
  return `${padEpochSeconds(event.tEpochSeconds)}#EVT#${event.volumeId}#${event.kind}#${event.runId}`;
}

/** Month-index sort key of a modification. */
export function modificationMonthSortKey(record: { volumeId: string; requestedEpochSeconds: number; modificationId: string }): string {
  return `${padEpochSeconds(record.requestedEpochSeconds)}#MOD#${record.volumeId}#${record.modificationId}`;
}

/** Open-index sort key of a modification. */
export function openSortKey(record: { volumeId: string; modificationId: string }): string {
  return `${record.volumeId}#${record.modificationId}`;
}

/** Deep copy through JSON: drops undefined values, which the DocumentClient rejects by default. */
export function toPlainData<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Key and month-index attributes of the usage item of one account, region and UTC day (`YYYY-MM-DD`). */
export function usageKeys(accountId: string, region: string, day: string): { pk: string; sk: string; month: string; monthSk: string } {
  return { pk: `USAGE#${accountId}#${region}`, sk: `DAY#${day}`, month: usageMonthPartition(day.slice(0, 7)), monthSk: `${day}#${accountId}#${region}` };
}

/** The month-index partition holding a month's usage items. */
export function usageMonthPartition(month: string): string {
  return `USAGE#${month}`;
}
