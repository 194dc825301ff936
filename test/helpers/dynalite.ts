/**
 * Starts dynalite (an in-memory DynamoDB in Node) on a random loopback port, creates the history
 * table from the shared schema with the SDK's CreateTable, and stops it. No network beyond 127.0.0.1.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { HISTORY_TABLE_SCHEMA } from '../../lambda/shared/history-table-schema';

/** A running dynalite with clients pointed at it. */
export interface DynaliteHandle {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Creates a fresh history table and returns its name. */
  createHistoryTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let tableCounter = 0;

/** The CreateTable input for the history table, built only from the shared schema. */
export function historyCreateTableInput(tableName: string): ConstructorParameters<typeof CreateTableCommand>[0] {
  const s = HISTORY_TABLE_SCHEMA;
  const attributeNames = new Set<string>([s.partitionKey.name, s.sortKey.name]);
  for (const index of s.globalSecondaryIndexes) {
    attributeNames.add(index.partitionKey.name);
    attributeNames.add(index.sortKey.name);
  }
  return {
    TableName: tableName,
    BillingMode: s.billingMode,
    AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: s.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: s.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: s.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}

/** Starts dynalite on 127.0.0.1 with a random port. */
export async function startDynalite(): Promise<DynaliteHandle> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const documentClient = DynamoDBDocumentClient.from(client);
  return {
    endpoint,
    client,
    documentClient,
    async createHistoryTable(name?: string): Promise<string> {
      const tableName = name ?? `guardian-history-${++tableCounter}`;
      await client.send(new CreateTableCommand(historyCreateTableInput(tableName)));
      return tableName;
    },
    async stop(): Promise<void> {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * One dynalite for the calling test file: started in `beforeAll`, stopped in `afterAll`. The handle
 * it returns forwards to the running instance, so test files declare it once at the top.
 */
export function useDynalite(): DynaliteHandle {
  let started: DynaliteHandle | undefined;
  beforeAll(async () => {
    started = await startDynalite();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): DynaliteHandle => {
    if (started === undefined) throw new Error('dynalite is not running yet: use the handle inside a test or hook');
    return started;
  };
  return {
    get endpoint() { return current().endpoint; },
    get client() { return current().client; },
    get documentClient() { return current().documentClient; },
    createHistoryTable: (name?: string) => current().createHistoryTable(name),
    stop: () => current().stop(),
  };
}
