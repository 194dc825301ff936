import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryConflictError } from '../../lambda/core/errors';
import { DynamoDbHistoryStore, STALE_LOCK_SECONDS } from '../../lambda/aws/dynamodb-history-store';
import { HISTORY_INDEXES } from '../../lambda/shared/history-table-schema';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { describeHistoryStoreContract, modification } from './history-store-contract';
import { describeLedgerContract } from './ledger-store-contract';

let dynamo: DynaliteHandle;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

async function freshStore(): Promise<DynamoDbHistoryStore> {
  const tableName = await dynamo.createHistoryTable();
  return new DynamoDbHistoryStore({ client: dynamo.documentClient, tableName });
}

describeHistoryStoreContract('DynamoDbHistoryStore on dynalite', freshStore);
describeLedgerContract('DynamoDbHistoryStore on dynalite', freshStore);

describe('DynamoDbHistoryStore specifics', () => {
  it('creates the table with the schema\'s keys and both indexes', async () => {
    const tableName = await dynamo.createHistoryTable();
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([HISTORY_INDEXES.byMonth, HISTORY_INDEXES.openModifications].sort());
  });

  it('takes over a lock left by a writer that crashed before writing its intent, only once it is stale', async () => {
    const tableName = await dynamo.createHistoryTable();
    const store = new DynamoDbHistoryStore({ client: dynamo.documentClient, tableName });
    await dynamo.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'VOL#vol-crash', sk: 'LOCK', openModificationId: '000000001000#rescue', acquiredEpochSeconds: 1000 } }),
    );
    await expect(store.putIntent(modification({ volumeId: 'vol-crash', requestedEpochSeconds: 1000 + STALE_LOCK_SECONDS - 1 }))).rejects.toBeInstanceOf(HistoryConflictError);
    await store.putIntent(modification({ volumeId: 'vol-crash', requestedEpochSeconds: 1000 + STALE_LOCK_SECONDS }));
    expect((await store.listOpenModifications()).map((m) => m.volumeId)).toEqual(['vol-crash']);
  });

  it('takes over a lock whose modification was closed but not released', async () => {
    const tableName = await dynamo.createHistoryTable();
    const store = new DynamoDbHistoryStore({ client: dynamo.documentClient, tableName });
    const closed = modification({ volumeId: 'vol-x', requestedEpochSeconds: 1000, status: 'completed' });
    await store.putIntent(closed);
    await dynamo.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'VOL#vol-x', sk: 'LOCK', openModificationId: closed.modificationId, acquiredEpochSeconds: 1000 } }),
    );
    await store.putIntent(modification({ volumeId: 'vol-x', requestedEpochSeconds: 1010, kind: 'revert' }));
    expect((await store.listModifications('vol-x')).map((m) => m.status)).toEqual(['completed', 'intent']);
  });

  it('keeps the SDK error as the cause of a HistoryConflictError', async () => {
    const store = await freshStore();
    const record = modification({ volumeId: 'vol-c', requestedEpochSeconds: 1, status: 'dry-run' });
    await store.putIntent(record);
    const error = await store.putIntent(record).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryConflictError);
    expect((error as HistoryConflictError).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('records a shadow tally with one conditional UpdateItem that only lets a newer tally in', async () => {
    const tableName = await dynamo.createHistoryTable();
    const sent: object[] = [];
    const client = { send: (command: object) => (sent.push(command), dynamo.documentClient.send(command as UpdateCommand)) } as unknown as typeof dynamo.documentClient;
    const store = new DynamoDbHistoryStore({ client, tableName });
    const rescue = modification({ volumeId: 'vol-t', requestedEpochSeconds: 1_000, status: 'completed' });
    await store.putIntent(rescue);
    sent.length = 0;
    const tally = { throughEpochSeconds: 4_600, credits: 0, throttledSeconds: 300, deferredUnits: 810_000, datapoints: 60 };
    await store.updateModification('vol-t', rescue.modificationId, 'completed', { shadowThrottling: tally });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(UpdateCommand);
    expect((sent[0] as UpdateCommand).input).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #status = :expected AND (attribute_not_exists(#shadowThrottling) OR #shadowThrottling.#through < :through)',
      ExpressionAttributeNames: { '#shadowThrottling': 'shadowThrottling', '#through': 'throughEpochSeconds' },
      ExpressionAttributeValues: { ':shadowThrottling': tally, ':through': 4_600, ':expected': 'completed' },
    });
  });
});
