import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createModificationEventHandler, volumeIdOfEvent, type EbsVolumeNotificationEvent } from '../../lambda/handlers/modification-event';
import { createScanHandler } from '../../lambda/handlers/scan';
import { awsError, drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));

const dynalite = useDynalite();
afterEach(() => {
  vi.restoreAllMocks();
});

function modifyVolumeEvent(volumeId: string, result = 'completed'): EbsVolumeNotificationEvent {
  return {
    source: 'aws.ec2',
    'detail-type': 'EBS Volume Notification',
    resources: [`arn:aws:ec2:us-east-1:123456789012:volume/${volumeId}`],
    detail: { event: 'modifyVolume', result, cause: '' },
  };
}

describe('volumeIdOfEvent', () => {
  it.each([
    ['a modifyVolume event', modifyVolumeEvent('vol-0123456789abcdef0'), { volumeId: 'vol-0123456789abcdef0' }],
    ['a createVolume event', { detail: { event: 'createVolume' }, resources: ['arn:aws:ec2:us-east-1:123456789012:volume/vol-01234567'] }, { reason: 'not a modifyVolume event (createVolume)' }],
    ['an event without resources', { detail: { event: 'modifyVolume' } }, { reason: 'no volume ARN in resources' }],
    ['a snapshot ARN', { detail: { event: 'modifyVolume' }, resources: ['arn:aws:ec2:us-east-1:123456789012:snapshot/snap-01234567'] }, { reason: 'no volume ARN in resources' }],
  ])('reads %s', (_label, event, expected) => {
    expect(volumeIdOfEvent(event)).toEqual(expected);
  });
});

describe('modification-event handler', () => {
  async function setup() {
    const aws = new FakeAws([drainingVolume(1), drainingVolume(2), idleVolume(3)]);
    const tableName = await dynalite.createHistoryTable();
    const options = {
      env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:t', AWS_REGION: 'us-east-1' },
      policyJson: POLICY_JSON,
      clients: () => aws.clients(dynalite.documentClient),
      nowEpochSeconds: () => NOW_EPOCH_SECONDS,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return { aws, options, history: new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }) };
  }

  it('ignores events that are not modifyVolume without calling AWS', async () => {
    const { aws, options } = await setup();
    const handler = createModificationEventHandler(options);
    await expect(handler({ detail: { event: 'attachVolume' } }, { awsRequestId: 'e1' })).resolves.toEqual({ kind: 'ignored', reason: 'not a modifyVolume event (attachVolume)' });
    expect(aws.calls.DescribeVolumes).toBe(0);
  });

  it('reconciles a lost ModifyVolume answer without listing, reading metrics or modifying', async () => {
    const { aws, options, history } = await setup();
    const lost = drainingVolume(1).volumeId;
    aws.inject('ModifyVolume', { error: awsError('TimeoutError', 'socket hang up', 0), applyFirst: true, volumeId: lost });
    await createScanHandler(options)({}, { awsRequestId: 'scan-1' });
    expect((await history.listModifications(lost)).map((r) => r.status)).toEqual(['intent']);
    aws.completeModifications();
    const before = { ...aws.calls };
    const result = await createModificationEventHandler(options)(modifyVolumeEvent(lost), { awsRequestId: 'e2' });
    // Both open modifications (the lost one and volume 2's) are refreshed, not only the event's.
    expect(result).toEqual({ kind: 'reconciled', volumeId: lost, reconciled: 2, errors: 0 });
    expect((await history.listModifications(lost)).map((r) => r.status)).toEqual(['completed']);
    // Only DescribeVolumesModifications (paged: the fake answers short pages): no listing, metrics or ModifyVolume.
    expect(aws.calls).toEqual({ ...before, DescribeVolumesModifications: aws.calls.DescribeVolumesModifications });
    expect(aws.calls.DescribeVolumesModifications).toBeGreaterThan(before.DescribeVolumesModifications);
    expect(aws.modifyCalls.get(lost)).toBe(1);
  });

  it('reports a failed DescribeVolumesModifications as an error and leaves the intent for the next scan', async () => {
    const { aws, options, history } = await setup();
    const lost = drainingVolume(2).volumeId;
    aws.inject('ModifyVolume', { error: awsError('TimeoutError', 'socket hang up', 0), applyFirst: true, volumeId: lost });
    await createScanHandler(options)({}, { awsRequestId: 'scan-1' });
    // Throttled on every retry (the adapter retries throttling 4 times in all).
    const throttled = { error: awsError('RequestLimitExceeded', 'Request limit exceeded.', 503) };
    aws.inject('DescribeVolumesModifications', throttled, throttled, throttled, throttled);
    const result = await createModificationEventHandler(options)(modifyVolumeEvent(lost), { awsRequestId: 'e3' });
    expect(result).toMatchObject({ kind: 'reconciled', errors: 1 });
    expect((await history.listModifications(lost)).map((r) => r.status)).toEqual(['intent']);
  });
});
