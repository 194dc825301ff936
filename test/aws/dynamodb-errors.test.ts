import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ApiThrottledError, NotAuthorizedError } from '../../lambda/core/errors';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { event } from './history-store-contract';

function storeWithMock(): { store: DynamoDbHistoryStore; mock: ReturnType<typeof mockClient> } {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const mock = mockClient(documentClient);
  return { store: new DynamoDbHistoryStore({ client: documentClient, tableName: 'history' }), mock };
}

describe('DynamoDbHistoryStore error mapping', () => {
  it('throws ApiThrottledError with the SDK error as cause when a write is throttled', async () => {
    const { store, mock } = storeWithMock();
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    mock.on(PutCommand).rejects(throttled);
    const error = await store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiThrottledError);
    expect((error as Error).cause).toBe(throttled);
  });

  it('throws NotAuthorizedError when the role may not read the table', async () => {
    const { store, mock } = storeWithMock();
    mock.on(GetCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(store.getNotificationState('vol-a')).rejects.toBeInstanceOf(NotAuthorizedError);
  });

  it('re-throws an unknown error unchanged', async () => {
    const { store, mock } = storeWithMock();
    const missing = Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' });
    mock.on(QueryCommand).rejects(missing);
    await expect(store.listMonth('2026-01')).rejects.toBe(missing);
  });

  it('sends the exact conditional Put for a new event', async () => {
    const { store, mock } = storeWithMock();
    mock.on(PutCommand).resolves({});
    await store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: 1_769_903_999, details: { a: 1, gone: undefined } }));
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'history',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'VOL#vol-a', sk: 'EVT#001769903999#alert#run-1', itemType: 'event', month: '2026-01', monthSk: '001769903999#EVT#vol-a#alert#run-1',
        volumeId: 'vol-a', tEpochSeconds: 1_769_903_999, kind: 'alert', runId: 'run-1', summary: 'drains in 40 min', details: { a: 1 },
      },
    });
  });
});
