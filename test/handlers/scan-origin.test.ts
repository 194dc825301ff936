/**
 * Records carry account and region: the scan handler takes its account from the invoked function's
 * ARN and its region from AWS_REGION, stamps both on every event and intent in the history table
 * (dynalite), and names them in the notification with a console link for that region.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { accountOfFunctionArn } from '../../lambda/core/scan/origin';
import { createScanHandler } from '../../lambda/handlers/scan';
import { scanOrigin } from '../../lambda/handlers/scan-origin';
import { drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:EbsBurstGuardian-Scan';

const dynalite = useDynalite();
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the origin of a scan', () => {
  it('stamps account and region on the history and names them in the notification', async () => {
    const aws = new FakeAws([drainingVolume(1), idleVolume(2)]);
    const tableName = await dynalite.createHistoryTable();
    const handler = createScanHandler({
      env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:guardian', AWS_REGION: 'eu-west-1', ACCOUNT_NAME: 'prod-payments' },
      policyJson: POLICY_JSON,
      clients: () => aws.clients(dynalite.documentClient),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
      nowEpochSeconds: () => NOW_EPOCH_SECONDS,
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await handler({}, { awsRequestId: 'r1', invokedFunctionArn: ARN });
    vi.restoreAllMocks();

    const history = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    const volumeId = drainingVolume(1).volumeId;
    const [record] = await history.listModifications(volumeId);
    expect(record).toMatchObject({ kind: 'rescue', accountId: '123456789012', region: 'eu-west-1' });
    const events = await history.listEvents(volumeId);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).toMatchObject({ accountId: '123456789012', region: 'eu-west-1' });

    // The published message (text or the Chatbot document) names account, its name and region, and links the volume in that region.
    const message = aws.published.find((p) => p.Message?.includes(volumeId))?.Message ?? '';
    expect(message).toContain('account 123456789012 (prod-payments), region eu-west-1');
    expect(message).toContain(`https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#VolumeDetails:volumeId=${volumeId}`);
    const attributes = aws.published.find((p) => p.Message?.includes(volumeId))?.MessageAttributes;
    expect(attributes?.account_id?.StringValue).toBe('123456789012');
    expect(attributes?.region?.StringValue).toBe('eu-west-1');
  });

  it.each([
    [ARN, { AWS_REGION: 'eu-west-1' }, { account: { id: '123456789012' }, region: 'eu-west-1' }],
    [ARN, { AWS_REGION: 'eu-west-1', ACCOUNT_NAME: '' }, { account: { id: '123456789012' }, region: 'eu-west-1' }],
    [undefined, { AWS_REGION: 'eu-west-1' }, undefined],
    ['not-an-arn', { AWS_REGION: 'eu-west-1' }, undefined],
    [ARN, {}, undefined],
  ])('reads the origin of %s with %o', (arn, env, expected) => {
    expect(scanOrigin(env, arn).origin).toEqual(expected);
  });

  it.each([
    ['arn:aws:lambda:us-east-1:123456789012:function:f', '123456789012'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:live', '123456789012'],
    ['arn:aws:lambda:us-east-1:12345:function:f', undefined],
  ])('finds the account of %s', (arn, account) => {
    expect(accountOfFunctionArn(arn)).toBe(account);
  });
});
