/**
 * The scan's own state in the history table, beside the history: the resume cursor (`pk = SCAN`,
 * `sk = CURSOR`), settling of the ledger partition, and the adaptive cadence's busy set
 * (core/scan/cadence.ts): `pk = SCAN`,
 * `sk = BUSY#nn` shards of space-separated volume ids, `id/n` for a slow volume read every n scans (16 shards keep each item far below DynamoDB's
 * 400 KB item limit at 50,000 volumes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html),
 * and a header `sk = BUSY` with the time it was written, put last: a scan that failed half way leaves
 * an old header, which the next scan does not trust. One consistent Query reads it all; only the
 * shards that changed are written.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BusyVolumes, ModificationRecord, ScanCursor } from '../core/ports';
import { slotOf } from '../core/scan/cadence';
import { errorCode } from './ec2-errors';
import { LEDGER_PARTITION_VALUE, modificationSortKey, SCAN_CURSOR_KEY, toPlainData, volumePartitionKey } from '../shared/history-table-schema';

type Send = DynamoDBDocumentClient['send'];

/** Where the last scan that ran out of time stopped. */
export async function readScanCursor(send: Send, tableName: string): Promise<ScanCursor | undefined> {
  const out = await send(new GetCommand({ TableName: tableName, Key: { ...SCAN_CURSOR_KEY }, ConsistentRead: true }));
  const item = out.Item;
  if (item === undefined || typeof item.afterVolumeId !== 'string') return undefined;
  return { afterVolumeId: item.afterVolumeId, runId: String(item.runId), tEpochSeconds: Number(item.tEpochSeconds), volumesDeferred: Number(item.volumesDeferred) };
}

/** Overwrites the cursor: a position, not history (the scan's log line records each one). */
export async function writeScanCursor(send: Send, tableName: string, cursor: ScanCursor): Promise<void> {
  await send(new PutCommand({ TableName: tableName, Item: { ...SCAN_CURSOR_KEY, itemType: 'scan-cursor', ...toPlainData(cursor) } }));
}

/** Takes settled records out of the ledger partition of the sparse index; the records stay. Only closed ones move. */
export async function settleLedgerRecords(send: Send, tableName: string, volumeId: string, records: readonly ModificationRecord[]): Promise<void> {
  for (const record of records) {
    try {
      await send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: volumePartitionKey(volumeId), sk: modificationSortKey(record.modificationId) },
          UpdateExpression: 'REMOVE openPk, openSk',
          ConditionExpression: 'openPk = :ledger',
          ExpressionAttributeValues: { ':ledger': LEDGER_PARTITION_VALUE },
        }),
      );
    } catch (error) {
      // Already settled, or still open (open records are never settled): nothing to move.
      if (errorCode(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }
}

/** Shards of the busy set. */
export const BUSY_SHARDS = 16;

const HEADER_SK = 'BUSY';

function shardSk(shard: number): string {
  return `${HEADER_SK}#${String(shard).padStart(2, '0')}`;
}

/** The busy set, with the shard texts last seen (to skip unchanged writes). */
export async function readBusyVolumes(send: Send, tableName: string, seen: Map<string, string>): Promise<BusyVolumes | undefined> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await send(new QueryCommand({
      TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :busy)', ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': SCAN_CURSOR_KEY.pk, ':busy': HEADER_SK }, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
    }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  const header = items.find((i) => i.sk === HEADER_SK);
  if (header === undefined || typeof header.writtenEpochSeconds !== 'number') return undefined;
  const volumeIds = new Set<string>();
  const everyScans = new Map<string, number>();
  for (const item of items) {
    if (item.sk === HEADER_SK || typeof item.ids !== 'string') continue;
    seen.set(String(item.sk), item.ids);
    for (const token of item.ids.split(' ')) {
      const [id = '', every] = token.split('/');
      const n = Number(every);
      if (id === '') continue;
      // A token that is not `id/n` with a whole n > 1 reads as busy: the cautious side.
      if (every !== undefined && Number.isInteger(n) && n > 1) everyScans.set(id, n);
      else volumeIds.add(id);
    }
  }
  return { volumeIds, everyScans, writtenEpochSeconds: header.writtenEpochSeconds };
}

/** Writes the changed shards, then the header. */
export async function writeBusyVolumes(send: Send, tableName: string, busy: BusyVolumes, seen: Map<string, string>): Promise<void> {
  const shards: string[][] = Array.from({ length: BUSY_SHARDS }, () => []);
  for (const id of busy.volumeIds) shards[slotOf(id, BUSY_SHARDS)]?.push(id);
  for (const [id, every] of busy.everyScans ?? []) if (!busy.volumeIds.has(id)) shards[slotOf(id, BUSY_SHARDS)]?.push(`${id}/${every}`);
  for (const [shard, ids] of shards.entries()) {
    const sk = shardSk(shard);
    const text = ids.sort().join(' ');
    if (seen.get(sk) === text) continue;
    await send(new PutCommand({ TableName: tableName, Item: { pk: SCAN_CURSOR_KEY.pk, sk, itemType: 'busy-volumes', ids: text } }));
    seen.set(sk, text);
  }
  await send(new PutCommand({ TableName: tableName, Item: { pk: SCAN_CURSOR_KEY.pk, sk: HEADER_SK, itemType: 'busy-volumes', writtenEpochSeconds: busy.writtenEpochSeconds, shards: BUSY_SHARDS } }));
}
