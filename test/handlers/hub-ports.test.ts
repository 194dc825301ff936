/**
 * An organization spoke copies its records to the hub table (keys prefixed with its account and
 * region) and its alerts to the hub topic; a hub that cannot be written never stops the guardian:
 * the spoke's own records are complete, and HubWriteErrors is emitted.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { HubHistoryWriter } from '../../lambda/aws/hub-history-writer';
import type { GuardianNotification } from '../../lambda/core/ports';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { hubSinksFromEnv, withHub, type HubSinks } from '../../lambda/handlers/hub-ports';
import type { AwsPorts } from '../../lambda/handlers/wiring';
import { MemoryHistoryStore } from '../../lambda/sim/memory-history-store';
import { createScanHandler } from '../../lambda/handlers/scan';
import { drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));
const ACCOUNT = '222222222222';

const dynalite = useDynalite();
afterEach(() => {
  vi.restoreAllMocks();
});

async function setup(hubFails: boolean) {
  const aws = new FakeAws([drainingVolume(1), idleVolume(2)]);
  const tableName = await dynalite.createHistoryTable();
  const hubTable = await dynalite.createHistoryTable();
  const hubAlerts: GuardianNotification[] = [];
  const writer = new HubHistoryWriter({ client: dynalite.documentClient, tableName: hubTable, accountId: ACCOUNT, region: 'eu-west-1' });
  const denied = async () => {
    // What DynamoDB answers when the resource policy does not allow the call.
    throw Object.assign(new Error('User is not authorized to perform: dynamodb:PutItem'), { name: 'AccessDeniedException' });
  };
  const metrics = new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' });
  const logger = new Logger({ logLevel: 'SILENT' });
  const sinks = (): HubSinks => ({
    writer: hubFails ? { putEvent: denied, putModification: denied, updateModification: denied } : writer,
    notifier: { notify: async (n) => void hubAlerts.push(n) },
    logger,
    metrics,
  });
  const handler = createScanHandler({
    env: { TABLE_NAME: tableName, TOPIC_ARN: `arn:aws:sns:eu-west-1:${ACCOUNT}:guardian`, AWS_REGION: 'eu-west-1' },
    policyJson: POLICY_JSON,
    clients: () => aws.clients(dynalite.documentClient),
    hubSinks: sinks,
    logger,
    metrics,
    nowEpochSeconds: () => NOW_EPOCH_SECONDS,
  });
  return { aws, handler, tableName, hubTable, hubAlerts };
}

async function hubItems(hubTable: string, pk: string) {
  const answer = await dynalite.documentClient.send(new QueryCommand({ TableName: hubTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
  return answer.Items ?? [];
}

function emfNames(written: string[]): string[] {
  return written
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('_aws'))
    .flatMap((l) => Object.keys(JSON.parse(l) as Record<string, unknown>));
}

describe('an organization spoke and its hub', () => {
  it('copies events, intents and alerts to the hub under its own account and region', async () => {
    const { handler, hubTable, hubAlerts } = await setup(false);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await handler({}, { awsRequestId: 'r1', invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:scan` });
    vi.restoreAllMocks();
    const volumeId = drainingVolume(1).volumeId;
    const items = await hubItems(hubTable, `${ACCOUNT}#eu-west-1#VOL#${volumeId}`);
    expect(items.map((i) => i.itemType).sort()).toEqual(expect.arrayContaining(['event', 'modification']));
    expect(items.find((i) => i.itemType === 'modification')).toMatchObject({ kind: 'rescue', status: 'modifying', accountId: ACCOUNT, region: 'eu-west-1' });
    // The hub never reconciles: no open-index keys.
    expect(items.some((i) => 'openPk' in i)).toBe(false);
    expect(hubAlerts.map((a) => a.volumeId)).toContain(volumeId);
    expect(hubAlerts[0]?.account?.id).toBe(ACCOUNT);
    // Finance reads the hub like any history table: by month, records keep their volume and origin.
    const month = new Date(NOW_EPOCH_SECONDS * 1000).toISOString().slice(0, 7);
    const page = await new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName: hubTable }).listMonth(month);
    expect(page.modifications.find((r) => r.volumeId === volumeId)).toMatchObject({ kind: 'rescue', accountId: ACCOUNT, region: 'eu-west-1' });
    expect(page.events.filter((e) => e.volumeId === volumeId).length).toBeGreaterThan(0);
    // The scan's usage reaches the hub's counter of this account, region and day.
    const usage = await new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName: hubTable }).listUsage(month);
    expect(usage.map((d) => [d.accountId, d.region, d.scans])).toEqual([[ACCOUNT, 'eu-west-1', 1]]);
  });

  it("keeps the spoke store's optional methods (ledger read, cursor, busy set, usage) behind the hub copies", () => {
    const local = new MemoryHistoryStore();
    const sinks: HubSinks = { writer: { putEvent: async () => undefined, putModification: async () => undefined, updateModification: async () => undefined }, notifier: { notify: async () => undefined }, logger: { warn: () => undefined }, metrics: new Metrics({ namespace: 'EbsBurstGuardian' }) };
    const { history } = withHub({ history: local, notifier: { notify: async () => undefined } } as unknown as AwsPorts, sinks);
    for (const method of ['readLedger', 'settleLedger', 'getScanCursor', 'putScanCursor', 'getBusyVolumes', 'putBusyVolumes', 'recordUsage', 'listUsage'] as const) {
      expect(typeof history[method], method).toBe('function');
    }
  });

  it('goes on when the hub denies every write: own records complete, HubWriteErrors emitted', async () => {
    const { handler, tableName, aws } = await setup(true);
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const result = await handler({}, { awsRequestId: 'r2' });
    vi.restoreAllMocks();
    expect(result.errors).toBe(0);
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
    const local = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    expect((await local.listModifications(drainingVolume(1).volumeId)).map((r) => r.status)).toEqual(['modifying']);
    expect(emfNames(written)).toContain('HubWriteErrors');
    expect(emfNames(written)).toContain('ScanSucceeded');
  });

  it('refuses to invent a hub modification whose intent copy is missing', async () => {
    const hubTable = await dynalite.createHistoryTable();
    const writer = new HubHistoryWriter({ client: dynalite.documentClient, tableName: hubTable, accountId: ACCOUNT, region: 'eu-west-1' });
    await expect(writer.updateModification('vol-1', '0000000001#rescue', { status: 'completed' })).rejects.toThrow(/conditional/i);
  });
});

describe('hubSinksFromEnv', () => {
  const report = { logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'EbsBurstGuardian' }) };
  const FULL = { HUB_TABLE: 'arn:aws:dynamodb:us-east-1:111111111111:table/ebs-burst-guardian-org-history', HUB_REGION: 'us-east-1', HUB_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:ebs-burst-guardian-org-alerts', SPOKE_ACCOUNT_ID: ACCOUNT, AWS_REGION: 'eu-west-1' };
  it.each(['HUB_TABLE', 'HUB_REGION', 'HUB_TOPIC_ARN', 'SPOKE_ACCOUNT_ID', 'AWS_REGION'])('is off (a single-account guardian) without %s', (name) => {
    expect(hubSinksFromEnv({ ...FULL, [name]: undefined }, report)).toBeUndefined();
  });
  it('is on with the whole hub environment', () => {
    expect(hubSinksFromEnv(FULL, report)?.writer).toBeInstanceOf(HubHistoryWriter);
  });
});
