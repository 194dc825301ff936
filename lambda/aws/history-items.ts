/**
 * Records ↔ DynamoDB items of the history table (key layout in history-table-schema.ts). Shared by
 * the DynamoDB store; the memory store uses the same keys so both order and conflict identically.
 */
import { isOpenStatus, type HistoryEvent, type ModificationRecord, type NotificationState } from '../core/ports';
import {
  eventMonthSortKey,
  eventSortKey,
  modificationMonthSortKey,
  modificationSortKey,
  LEDGER_PARTITION_VALUE,
  NOTIFY_PARTITION_VALUE,
  NOTIFY_SORT_KEY,
  OPEN_PARTITION_VALUE,
  openSortKey,
  toPlainData,
  utcMonthOf,
  volumePartitionKey,
} from '../shared/history-table-schema';

/** A stored item: plain JSON data. */
export type HistoryItem = Record<string, unknown>;

const KEY_ATTRIBUTES = ['pk', 'sk', 'itemType', 'month', 'monthSk', 'openPk', 'openSk'];

/** The item of one event. */
export function eventItem(event: HistoryEvent): HistoryItem {
  return {
    ...toPlainData(event),
    pk: volumePartitionKey(event.volumeId),
    sk: eventSortKey(event),
    itemType: 'event',
    month: utcMonthOf(event.tEpochSeconds),
    monthSk: eventMonthSortKey(event),
  };
}

/** The item of one modification; open ones carry the sparse open-index keys. */
export function modificationItem(record: ModificationRecord): HistoryItem {
  return {
    ...toPlainData(record),
    pk: volumePartitionKey(record.volumeId),
    sk: modificationSortKey(record.modificationId),
    itemType: 'modification',
    month: utcMonthOf(record.requestedEpochSeconds),
    monthSk: modificationMonthSortKey(record),
    // Closed records stay findable in the same sparse index until their volume is settled.
    openPk: isOpenStatus(record.status) ? OPEN_PARTITION_VALUE : LEDGER_PARTITION_VALUE,
    openSk: openSortKey(record),
  };
}

/** The item of a notification state. */
export function notificationItem(state: NotificationState): HistoryItem {
  const open = state.open ? { openPk: NOTIFY_PARTITION_VALUE, openSk: state.volumeId } : {};
  return { ...toPlainData(state), pk: volumePartitionKey(state.volumeId), sk: NOTIFY_SORT_KEY, itemType: 'notify', ...open };
}

function strip(item: HistoryItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!KEY_ATTRIBUTES.includes(key)) out[key] = value;
  return out;
}

/** The record of an event item. */
export function eventFromItem(item: HistoryItem): HistoryEvent {
  return strip(item) as unknown as HistoryEvent;
}

/** The record of a modification item. */
export function modificationFromItem(item: HistoryItem): ModificationRecord {
  return strip(item) as unknown as ModificationRecord;
}

/** The record of a notification-state item. */
export function notificationFromItem(item: HistoryItem): NotificationState {
  return strip(item) as unknown as NotificationState;
}

/** All months `YYYY-MM` that overlap [since, until], in order (for report ranges that span months). */
export function monthsBetween(sinceEpochSeconds: number, untilEpochSeconds: number): string[] {
  const months: string[] = [];
  let month = utcMonthOf(sinceEpochSeconds);
  const last = utcMonthOf(untilEpochSeconds);
  while (month <= last) {
    months.push(month);
    const [y, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
  }
  return months;
}
