/**
 * `HistoryStore` on one DynamoDB table (layout in history-table-schema.ts). Every write is
 * conditional (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
 * nothing is overwritten, and a per-volume LOCK item, taken with a conditional update before the
 * intent is written, lets only one scan hold an open modification per volume.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { HistoryConflictError } from '../core/errors';
import { isOpenStatus, type HistoryEvent, type HistoryStore, type LedgerSnapshot, type ModificationRecord, type ModificationRecordStatus, type NotificationState, type ScanCursor, type BusyVolumes } from '../core/ports';
import { readBusyVolumes, readScanCursor, settleLedgerRecords, writeBusyVolumes, writeScanCursor } from './dynamodb-scan-state';
import { conflictOr, mapDynamoError } from './dynamodb-errors';
import { usageDayFromItem, usageUpdateInput } from './dynamodb-usage';
import type { ScanUsage, UsageDay } from '../core/report/running-cost';
import { errorCode } from './ec2-errors';
import {
  eventFromItem,
  eventItem,
  modificationFromItem,
  modificationItem,
  notificationFromItem,
  notificationItem,
  type HistoryItem,
} from './history-items';
import {
  HISTORY_INDEXES,
  LEDGER_PARTITION_VALUE,
  LOCK_SORT_KEY,
  modificationSortKey,
  NOTIFY_PARTITION_VALUE,
  NOTIFY_SORT_KEY,
  OPEN_PARTITION_VALUE,
  openSortKey,
  padEpochSeconds,
  usageMonthPartition,
  volumePartitionKey,
} from '../shared/history-table-schema';

/**
 * A lock naming a modification that was never written is taken over after this long: the writer
 * crashed between lock and intent. Longer than a Lambda's 15-minute maximum run.
 */
export const STALE_LOCK_SECONDS = 900;

type Patch = Parameters<HistoryStore['updateModification']>[3];

/** Options of the DynamoDB history store. */
export interface DynamoDbHistoryStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The guardian's history and modification ledger in DynamoDB. */
export class DynamoDbHistoryStore implements HistoryStore {
  private readonly send: DynamoDBDocumentClient['send'];
  private readonly tableName: string;
  /** Busy-set shard texts last read or written by this container, to skip unchanged writes. */
  private readonly busyShardsSeen = new Map<string, string>();

  constructor(options: DynamoDbHistoryStoreOptions) {
    const client = options.client;
    // Every call maps throttling/access errors; conditional failures stay raw for the call sites.
    this.send = (async (...args: Parameters<DynamoDBDocumentClient['send']>) => {
      try {
        return await client.send(...args);
      } catch (error) {
        throw mapDynamoError(error);
      }
    }) as DynamoDBDocumentClient['send'];
    this.tableName = options.tableName;
  }

  /** Appends an event; an identical (volume, second, kind, run) event is a conflict. */
  async appendEvent(event: HistoryEvent): Promise<void> {
    await this.putNew(eventItem(event), `event ${event.kind} of ${event.volumeId} at ${event.tEpochSeconds} already recorded`);
  }

  /** Takes the volume's lock (for open statuses), then writes the record; either failing is a conflict. */
  async putIntent(record: ModificationRecord): Promise<void> {
    const open = isOpenStatus(record.status);
    if (open) await this.acquireLock(record);
    try {
      await this.putNew(modificationItem(record), `modification ${record.modificationId} of ${record.volumeId} already exists`);
    } catch (error) {
      if (open) await this.releaseLock(record.volumeId, record.modificationId);
      throw error;
    }
  }

  /** Conditional status move (a shadow tally only forwards); leaving the open statuses releases the volume's lock. */
  async updateModification(volumeId: string, modificationId: string, expectedStatus: ModificationRecordStatus, patch: Patch): Promise<void> {
    const newStatus = patch.status ?? expectedStatus;
    if (!isOpenStatus(expectedStatus) && isOpenStatus(newStatus)) {
      throw new HistoryConflictError(`modification ${modificationId} of ${volumeId} is closed (${expectedStatus}); write a new intent instead`);
    }
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':expected': expectedStatus };
    const sets: string[] = [];
    for (const [key, value] of Object.entries({ ...patch, status: newStatus })) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    // A closed record moves from the open partition to the ledger partition of the same sparse index.
    if (!isOpenStatus(newStatus)) {
      names['#openPk'] = 'openPk';
      names['#openSk'] = 'openSk';
      values[':ledgerPk'] = LEDGER_PARTITION_VALUE;
      values[':openSk'] = openSortKey({ volumeId, modificationId });
      sets.push('#openPk = :ledgerPk', '#openSk = :openSk');
    }
    // A shadow tally holds everything up to its `throughEpochSeconds`: only a newer one may replace it.
    const tally = patch.shadowThrottling === undefined ? '' : ' AND (attribute_not_exists(#shadowThrottling) OR #shadowThrottling.#through < :through)';
    if (patch.shadowThrottling !== undefined) {
      names['#through'] = 'throughEpochSeconds';
      values[':through'] = patch.shadowThrottling.throughEpochSeconds;
    }
    try {
      await this.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: volumePartitionKey(volumeId), sk: modificationSortKey(modificationId) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status = :expected${tally}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      throw conflictOr(error, `modification ${modificationId} of ${volumeId} is not ${expectedStatus}${patch.shadowThrottling === undefined ? '' : ' or has a newer shadow tally'}`);
    }
    if (isOpenStatus(expectedStatus) && !isOpenStatus(newStatus)) await this.releaseLock(volumeId, modificationId);
  }

  /** A volume's modifications in id (= request time) order, optionally requested since a time (bounded in the key condition, so older ones are not read). */
  async listModifications(volumeId: string, sinceEpochSeconds?: number): Promise<ModificationRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': volumePartitionKey(volumeId), ':from': modificationSortKey(padEpochSeconds(sinceEpochSeconds ?? 0)), ':to': `${modificationSortKey('')}\uffff` },
      ConsistentRead: true,
    });
    return items.map(modificationFromItem).filter((m) => sinceEpochSeconds === undefined || m.requestedEpochSeconds >= sinceEpochSeconds);
  }

  /** Open modifications across volumes, from the sparse index (eventually consistent). */
  async listOpenModifications(): Promise<ModificationRecord[]> {
    const items = await this.queryAll({
      IndexName: HISTORY_INDEXES.openModifications,
      KeyConditionExpression: 'openPk = :open',
      ExpressionAttributeValues: { ':open': OPEN_PARTITION_VALUE },
    });
    return items.map(modificationFromItem).filter((m) => isOpenStatus(m.status));
  }

  /** The ledger partition, the open partition and open notification states: three Queries on the sparse index. */
  async readLedger(): Promise<LedgerSnapshot> {
    const partition = (value: string) =>
      this.queryAll({ IndexName: HISTORY_INDEXES.openModifications, KeyConditionExpression: 'openPk = :p', ExpressionAttributeValues: { ':p': value } });
    const [open, closed, notify] = await Promise.all([partition(OPEN_PARTITION_VALUE), partition(LEDGER_PARTITION_VALUE), partition(NOTIFY_PARTITION_VALUE)]);
    return {
      modifications: [...open, ...closed].filter((i) => i.itemType === 'modification').map(modificationFromItem),
      openNotifications: notify.filter((i) => i.itemType === 'notify').map(notificationFromItem).filter((n) => n.open),
    };
  }

  /** Removes settled records from the ledger partition; the records themselves stay. */
  async settleLedger(volumeId: string, records: readonly ModificationRecord[]): Promise<void> {
    await settleLedgerRecords(this.send, this.tableName, volumeId, records);
  }

  /** Where the last scan that ran out of time stopped. */
  async getScanCursor(): Promise<ScanCursor | undefined> {
    return readScanCursor(this.send, this.tableName);
  }

  /** Overwrites the cursor. */
  async putScanCursor(cursor: ScanCursor): Promise<void> {
    await writeScanCursor(this.send, this.tableName, cursor);
  }

  /** The adaptive cadence's busy set (dynamodb-scan-state.ts). */
  async getBusyVolumes(): Promise<BusyVolumes | undefined> {
    return readBusyVolumes(this.send, this.tableName, this.busyShardsSeen);
  }

  /** Replaces the busy set, writing only the shards that changed. */
  async putBusyVolumes(busy: BusyVolumes): Promise<void> {
    await writeBusyVolumes(this.send, this.tableName, busy, this.busyShardsSeen);
  }

  /** Adds one scan's usage to its day's counters (dynamodb-usage.ts). */
  async recordUsage(usage: ScanUsage): Promise<void> {
    await this.send(new UpdateCommand(usageUpdateInput(this.tableName, usage)));
  }

  /** A month's usage days, from the month index's `USAGE#<month>` partition. */
  async listUsage(month: string): Promise<UsageDay[]> {
    const items = await this.queryAll({
      IndexName: HISTORY_INDEXES.byMonth,
      KeyConditionExpression: '#month = :month',
      ExpressionAttributeNames: { '#month': 'month' },
      ExpressionAttributeValues: { ':month': usageMonthPartition(month) },
    });
    return items.map(usageDayFromItem);
  }

  /** A volume's events in time order within an optional inclusive range. */
  async listEvents(volumeId: string, range?: { readonly sinceEpochSeconds?: number; readonly untilEpochSeconds?: number }): Promise<HistoryEvent[]> {
    const since = range?.sinceEpochSeconds ?? 0;
    const until = range?.untilEpochSeconds ?? 999_999_999_999;
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': volumePartitionKey(volumeId), ':from': `EVT#${padEpochSeconds(since)}`, ':to': `EVT#${padEpochSeconds(until)}#\uffff` },
      ConsistentRead: true,
    });
    return items.map(eventFromItem).filter((e) => e.tEpochSeconds >= since && e.tEpochSeconds <= until);
  }

  /** Everything recorded in one UTC month, from the month index, in time order. */
  async listMonth(month: string): Promise<{ events: HistoryEvent[]; modifications: ModificationRecord[] }> {
    const items = await this.queryAll({
      IndexName: HISTORY_INDEXES.byMonth,
      KeyConditionExpression: '#month = :month',
      ExpressionAttributeNames: { '#month': 'month' },
      ExpressionAttributeValues: { ':month': month },
    });
    return {
      events: items.filter((i) => i.itemType === 'event').map(eventFromItem),
      modifications: items.filter((i) => i.itemType === 'modification').map(modificationFromItem),
    };
  }

  /** The volume's notification state, read consistently. */
  async getNotificationState(volumeId: string): Promise<NotificationState | undefined> {
    const out = await this.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: volumePartitionKey(volumeId), sk: NOTIFY_SORT_KEY }, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : notificationFromItem(out.Item);
  }

  /** Optimistic write: version 1 only if absent, version n only over version n − 1. */
  async putNotificationState(state: NotificationState): Promise<void> {
    const condition =
      state.version <= 1
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :previous', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': state.version - 1 } };
    try {
      await this.send(new PutCommand({ TableName: this.tableName, Item: notificationItem(state), ...condition }));
    } catch (error) {
      throw conflictOr(error, `notification state of ${state.volumeId} is not at version ${state.version - 1}`);
    }
  }

  private async putNew(item: HistoryItem, conflictMessage: string): Promise<void> {
    try {
      await this.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      throw conflictOr(error, conflictMessage);
    }
  }

  private async acquireLock(record: ModificationRecord): Promise<void> {
    if (await this.tryLock(record, undefined)) return;
    const lock = await this.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: volumePartitionKey(record.volumeId), sk: LOCK_SORT_KEY }, ConsistentRead: true }),
    );
    const holder = lock.Item?.openModificationId;
    if (typeof holder === 'string' && (await this.isStale(record, holder, lock.Item)) && (await this.tryLock(record, holder))) return;
    throw new HistoryConflictError(`${record.volumeId} already has an open modification (${String(holder)})`);
  }

  /** A lock is stale when its modification is closed, or was never written and the lock is old. */
  private async isStale(record: ModificationRecord, holder: string, lockItem: HistoryItem | undefined): Promise<boolean> {
    const held = await this.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: volumePartitionKey(record.volumeId), sk: modificationSortKey(holder) }, ConsistentRead: true }),
    );
    if (held.Item !== undefined) return !isOpenStatus(modificationFromItem(held.Item).status);
    const acquired = typeof lockItem?.acquiredEpochSeconds === 'number' ? lockItem.acquiredEpochSeconds : 0;
    return record.requestedEpochSeconds - acquired >= STALE_LOCK_SECONDS;
  }

  private async tryLock(record: ModificationRecord, staleHolder: string | undefined): Promise<boolean> {
    try {
      await this.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: volumePartitionKey(record.volumeId), sk: LOCK_SORT_KEY },
          UpdateExpression: 'SET openModificationId = :m, acquiredEpochSeconds = :t, itemType = :lock',
          ConditionExpression: staleHolder === undefined ? 'attribute_not_exists(openModificationId)' : 'openModificationId = :stale',
          ExpressionAttributeValues: { ':m': record.modificationId, ':t': record.requestedEpochSeconds, ':lock': 'lock', ...(staleHolder === undefined ? {} : { ':stale': staleHolder }) },
        }),
      );
      return true;
    } catch (error) {
      if (errorCode(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async releaseLock(volumeId: string, modificationId: string): Promise<void> {
    try {
      await this.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: volumePartitionKey(volumeId), sk: LOCK_SORT_KEY },
          UpdateExpression: 'REMOVE openModificationId, acquiredEpochSeconds',
          ConditionExpression: 'openModificationId = :m',
          ExpressionAttributeValues: { ':m': modificationId },
        }),
      );
    } catch (error) {
      // Someone already took over a stale lock: nothing of ours to release.
      if (errorCode(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<HistoryItem[]> {
    const items: HistoryItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.send(new QueryCommand({ TableName: this.tableName, ...input, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }
}

