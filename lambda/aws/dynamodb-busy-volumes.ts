/**
 * The adaptive cadence's busy set in the history table (core/scan/cadence.ts): `pk = SCAN`,
 * `sk = BUSY#nn` shards of space-separated volume ids (16 shards keep each item far below DynamoDB's
 * 400 KB item limit at 50,000 volumes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html),
 * and a header `sk = BUSY` with the time it was written, put last: a scan that failed half way leaves
 * an old header, which the next scan does not trust. One consistent Query reads it all; only the
 * shards that changed are written.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BusyVolumes } from '../core/ports';
import { slotOf } from '../core/scan/cadence';
import { SCAN_CURSOR_KEY } from '../shared/history-table-schema';

/** Shards of the busy set. */
export const BUSY_SHARDS = 16;

const HEADER_SK = 'BUSY';

function shardSk(shard: number): string {
  return `${HEADER_SK}#${String(shard).padStart(2, '0')}`;
}

/** The busy set, with the shard texts last seen (to skip unchanged writes). */
export async function readBusyVolumes(send: DynamoDBDocumentClient['send'], tableName: string, seen: Map<string, string>): Promise<BusyVolumes | undefined> {
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
  for (const item of items) {
    if (item.sk === HEADER_SK || typeof item.ids !== 'string') continue;
    seen.set(String(item.sk), item.ids);
    for (const id of item.ids.split(' ')) if (id !== '') volumeIds.add(id);
  }
  return { volumeIds, writtenEpochSeconds: header.writtenEpochSeconds };
}

/** Writes the changed shards, then the header. */
export async function writeBusyVolumes(send: DynamoDBDocumentClient['send'], tableName: string, busy: BusyVolumes, seen: Map<string, string>): Promise<void> {
  const shards: string[][] = Array.from({ length: BUSY_SHARDS }, () => []);
  for (const id of busy.volumeIds) shards[slotOf(id, BUSY_SHARDS)]?.push(id);
  for (const [shard, ids] of shards.entries()) {
    const sk = shardSk(shard);
    const text = ids.sort().join(' ');
    if (seen.get(sk) === text) continue;
    await send(new PutCommand({ TableName: tableName, Item: { pk: SCAN_CURSOR_KEY.pk, sk, itemType: 'busy-volumes', ids: text } }));
    seen.set(sk, text);
  }
  await send(new PutCommand({ TableName: tableName, Item: { pk: SCAN_CURSOR_KEY.pk, sk: HEADER_SK, itemType: 'busy-volumes', writtenEpochSeconds: busy.writtenEpochSeconds, shards: BUSY_SHARDS } }));
}
