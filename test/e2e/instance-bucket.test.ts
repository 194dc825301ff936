import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createScanHandler } from '../../lambda/handlers/scan';
import { captureJsonLines } from '../helpers/capture';
import { useDynalite } from '../helpers/dynalite';
import { drainingVolume, FakeAws, NOW_EPOCH_SECONDS } from './fake-aws';
import { awsError } from './fake-ec2-modifications';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));

const dynalite = useDynalite();
afterEach(() => vi.restoreAllMocks());

function handlerOn(aws: FakeAws, tableName: string) {
  return createScanHandler({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson: POLICY_JSON,
    clients: () => aws.clients(dynalite.documentClient),
    logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => NOW_EPOCH_SECONDS,
  });
}

describe('a host whose instance EBS bucket, not its volume, is the wall', () => {
  it('refuses the flip when the instance bucket is forecast empty before the volume, and alerts on the instance with its volumes and the fix', async () => {
    // The volume: 25 % at 1,000 IOPS on 100 GiB gp2, about 32 min to empty.
    const volume = drainingVolume(3);
    const aws = new FakeAws([volume]);
    const instanceId = `i-${volume.volumeId.slice(4)}`;
    // A t3.medium whose EBSIOBalance% is 30 % and falls 1.5 points a minute: empty in ~20 min, first.
    aws.instanceTypes.set(instanceId, 't3.medium');
    aws.instanceEbsBalance.set(instanceId, { ioPercent: 30, bytePercent: 99, ioFallPercentPerMinute: 1.5 });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await handlerOn(aws, await dynalite.createHistoryTable())({}, { awsRequestId: 'req-instance-forecast' });
    expect(aws.modifyCalls.get(volume.volumeId)).toBeUndefined();
    expect(aws.calls.DescribeInstances).toBe(1);
    const aboutVolume = aws.published.find((p) => (p.Message ?? '').includes(`${volume.volumeId}: rescue BLOCKED`) || (p.Subject ?? '').includes(volume.volumeId));
    expect(aboutVolume?.Message).toMatch(new RegExp(`instance ${instanceId} \\(t3\\.medium\\) is the bottleneck \\(EBSIOBalance% \\d+\\.\\d % is forecast empty at 20\\d\\d-`));
    expect(aboutVolume?.Message).not.toContain('Rescue it by hand');
    const aboutInstance = aws.published.find((p) => p.MessageAttributes?.['event']?.StringValue === 'instance-bucket');
    expect(aboutInstance?.Subject).toMatch(new RegExp(`^\\[(CRITICAL|WARNING)\\] ${instanceId}: t3\\.medium EBS bucket empties in ~\\d+m \\(\\d\\d:\\d\\d UTC\\); fix: c5\\.2xlarge$`));
    expect(aboutInstance?.Message).toContain(`Attached volumes the guardian watches: ${volume.volumeId}`);
    expect(aboutInstance?.Message).toContain('c5.2xlarge (baseline 10,000 IOPS, 287.5 MB/s), +$217.83/month (bundled us-east-1 On-Demand Linux list price');
    expect(aboutInstance?.Message).toContain(`#InstanceDetails:instanceId=${instanceId}`);
    // What a person reads (the e-mail copy) carries ISO times, never epoch seconds.
    const email = (JSON.parse(aboutInstance?.Message ?? '{}') as { email?: string }).email ?? '';
    expect(email).toContain('Instance bucket empty at: 20');
    expect(email).not.toMatch(/\b1[0-9]{9}\b/);
  });


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
    const handler = handlerOn(aws, tableName);
    await handler({}, { awsRequestId: 'req-instance' });
    expect(aws.modifyCalls.get(walled.volumeId)).toBeUndefined();
    expect(aws.modifyCalls.get(healthy.volumeId)).toBe(1);
    const told = aws.published.find((p) => (p.Message ?? '').includes(walled.volumeId));
    expect(told?.Message).toContain(`instance ${walledInstance} is the bottleneck (EBSIOBalance% 3.0 %)`);
    const events = await new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }).listModifications(walled.volumeId);
    expect(events).toEqual([]);
  });

  it('goes on when DescribeInstances is denied: the run succeeds, the error is counted, and the walled host is still caught through the rescue-only read', async () => {
    const walled = drainingVolume(4);
    const aws = new FakeAws([walled]);
    const instanceId = `i-${walled.volumeId.slice(4)}`;
    aws.instanceTypes.set(instanceId, 't3.medium');
    aws.instanceEbsBalance.set(instanceId, { ioPercent: 4, bytePercent: 80 });
    aws.outage('DescribeInstances', awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const lines = captureJsonLines();
    const report = await handlerOn(aws, await dynalite.createHistoryTable())({}, { awsRequestId: 'req-instance-denied' });
    expect(aws.calls.DescribeInstances).toBe(1);
    expect(report.errors).toBe(1);
    expect(aws.modifyCalls.get(walled.volumeId)).toBeUndefined();
    expect(aws.published.find((p) => (p.Subject ?? '').includes(walled.volumeId))?.Message).toContain(`instance ${instanceId} is the bottleneck (EBSIOBalance% 4.0 %)`);
    expect(lines.lines().some((l) => l['InventoryErrors'] === 1)).toBe(true);
  });
});
