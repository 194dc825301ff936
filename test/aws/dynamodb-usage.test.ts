/**
 * The guardian's usage counters on dynalite: two scans of one day add up (atomic ADD, the hour kept
 * once), another day and another account get their own items, a month reads back in one Query of its
 * own month-index partition and never shows up among the month's events; the hub copy lands under the
 * spoke's own key prefix. The capacity meter sums what DynamoDB reported per call.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCapacityMeter } from '../../lambda/aws/dynamodb-capacity-meter';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { HubHistoryWriter } from '../../lambda/aws/hub-history-writer';
import type { ScanUsage } from '../../lambda/core/report/running-cost';
import { useDynalite } from '../helpers/dynalite';

const dynalite = useDynalite();

// 2026-10-05T13:10:00Z and 13:40, then 2026-10-06T00:05Z.
const T1 = Date.UTC(2026, 9, 5, 13, 10) / 1000;
const T2 = Date.UTC(2026, 9, 5, 13, 40) / 1000;
const T3 = Date.UTC(2026, 9, 6, 0, 5) / 1000;

function usage(t: number, overrides: Partial<ScanUsage> = {}): ScanUsage {
  return { accountId: '111111111111', region: 'eu-west-1', tEpochSeconds: t, metricsRequested: 120, memoryMiB: 512, durationMs: 2_000, dynamoReadUnits: 3.5, dynamoWriteUnits: 4, metricSeries: 11, ...overrides };
}

describe('usage counters in the history table', () => {
  it('adds scans of one day into one item, keeps other days and accounts apart, and reads a month back', async () => {
    const tableName = await dynalite.createHistoryTable();
    const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    await store.recordUsage(usage(T1));
    await store.recordUsage(usage(T2, { metricsRequested: 80, durationMs: 1_000, metricSeries: 13 }));
    await store.recordUsage(usage(T3));
    await store.recordUsage(usage(T1, { accountId: '222222222222' }));
    const days = await store.listUsage('2026-10');
    expect(days).toEqual([
      { accountId: '111111111111', region: 'eu-west-1', day: '2026-10-05', scans: 2, invocations: 2, metricsRequested: 200, lambdaMiBMs: 512 * 3_000, dynamoReadUnits: 7, dynamoWriteUnits: 8, metricSeriesSum: 24, hours: [13] },
      { accountId: '222222222222', region: 'eu-west-1', day: '2026-10-05', scans: 1, invocations: 1, metricsRequested: 120, lambdaMiBMs: 512 * 2_000, dynamoReadUnits: 3.5, dynamoWriteUnits: 4, metricSeriesSum: 11, hours: [13] },
      { accountId: '111111111111', region: 'eu-west-1', day: '2026-10-06', scans: 1, invocations: 1, metricsRequested: 120, lambdaMiBMs: 512 * 2_000, dynamoReadUnits: 3.5, dynamoWriteUnits: 4, metricSeriesSum: 11, hours: [0] },
    ]);
    expect(await store.listUsage('2026-11')).toEqual([]);
    expect(await store.listMonth('2026-10')).toEqual({ events: [], modifications: [] });
  });

  it('copies usage to the hub under the spoke account and region prefix', async () => {
    const tableName = await dynalite.createHistoryTable();
    const writer = new HubHistoryWriter({ client: dynalite.documentClient, tableName, accountId: '111111111111', region: 'eu-west-1' });
    await writer.addUsage(usage(T1));
    await writer.addUsage(usage(T2));
    const out = await dynalite.documentClient.send(new GetCommand({ TableName: tableName, Key: { pk: '111111111111#eu-west-1#USAGE#111111111111#eu-west-1', sk: 'DAY#2026-10-05' } }));
    expect(out.Item).toMatchObject({ scans: 2, metricsRequested: 240, itemType: 'usage' });
    // The hub's report reads every spoke's usage from the same month partition.
    const hub = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    expect((await hub.listUsage('2026-10')).map((d) => [d.accountId, d.scans])).toEqual([['111111111111', 2]]);
  });
});

describe('DynamoDbCapacityMeter', () => {
  it('sums the units DynamoDB reported, reads apart from writes, and starts again at each take', async () => {
    const tableName = await dynalite.createHistoryTable();
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }));
    const meter = new DynamoDbCapacityMeter(client);
    // dynalite reports 1 unit per 1 KB written and per 4 KB read, half that for an eventually consistent read.
    await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'a', sk: '1', blob: 'x'.repeat(1500) } }));
    await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'a', sk: '1' }, ConsistentRead: true }));
    await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'a', sk: '1' } }));
    expect(meter.take()).toEqual({ readUnits: 1.5, writeUnits: 2 });
    await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'a' }, ConsistentRead: true }));
    expect(meter.take()).toEqual({ readUnits: 1, writeUnits: 0 });
    // A second client (a spoke's hub copies) adds to the same counts.
    const hubClient = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }));
    meter.attach(hubClient);
    await hubClient.send(new PutCommand({ TableName: tableName, Item: { pk: 'hub', sk: '1' } }));
    await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'own', sk: '1' } }));
    expect(meter.take()).toEqual({ readUnits: 0, writeUnits: 2 });
    client.destroy();
    hubClient.destroy();
  });
});
