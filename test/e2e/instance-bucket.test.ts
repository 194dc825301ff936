import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createScanHandler } from '../../lambda/handlers/scan';
import { useDynalite } from '../helpers/dynalite';
import { drainingVolume, FakeAws, NOW_EPOCH_SECONDS } from './fake-aws';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));

const dynalite = useDynalite();
afterEach(() => vi.restoreAllMocks());

describe('a host whose instance EBS bucket, not its volume, is the wall', () => {
  it('does not flip the volume and tells on-call the instance is the bottleneck; a volume on a healthy instance is rescued', async () => {
    const walled = drainingVolume(1);
    const healthy = drainingVolume(2);
    const aws = new FakeAws([walled, healthy]);
    // The fake attaches vol-<hex> to i-<hex>.
    const walledInstance = `i-${walled.volumeId.slice(4)}`;
    aws.instanceEbsBalance.set(walledInstance, { ioPercent: 3, bytePercent: 70 });
    aws.instanceEbsBalance.set(`i-${healthy.volumeId.slice(4)}`, { ioPercent: 95, bytePercent: 99 });
    const tableName = await dynalite.createHistoryTable();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const handler = createScanHandler({
      env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
      policyJson: POLICY_JSON,
      clients: () => aws.clients(dynalite.documentClient),
      logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
      nowEpochSeconds: () => NOW_EPOCH_SECONDS,
    });
    await handler({}, { awsRequestId: 'req-instance' });
    expect(aws.modifyCalls.get(walled.volumeId)).toBeUndefined();
    expect(aws.modifyCalls.get(healthy.volumeId)).toBe(1);
    const told = aws.published.find((p) => (p.Message ?? '').includes(walled.volumeId));
    expect(told?.Message).toContain(`instance ${walledInstance} is the bottleneck (EBSIOBalance% 3.0 %)`);
    const events = await new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }).listModifications(walled.volumeId);
    expect(events).toEqual([]);
  });
});
