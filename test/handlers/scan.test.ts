import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { PolicyValidationError, ScanFailedError } from '../../lambda/core/errors';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createScanHandler } from '../../lambda/handlers/scan';
import { awsError, drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';
import { captureJsonLines } from '../helpers/capture';

const LIVE_POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));
const DRY_POLICY_JSON = JSON.stringify({ ...JSON.parse(LIVE_POLICY_JSON), dryRun: true });

const dynalite = useDynalite();


afterEach(() => {
  vi.restoreAllMocks();
});

async function setup(volumes = [drainingVolume(1), idleVolume(2)], policyJson = LIVE_POLICY_JSON) {
  const aws = new FakeAws(volumes);
  const tableName = await dynalite.createHistoryTable();
  const handler = createScanHandler({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson,
    clients: () => aws.clients(dynalite.documentClient),
    logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => NOW_EPOCH_SECONDS,
  });
  const history = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
  return { aws, handler, history, tableName };
}

describe('scan handler', () => {
  it('rescues the draining volume, records intent and result, and emits the metric contract', async () => {
    const { aws, handler, history } = await setup();
    const out = captureJsonLines();
    const result = await handler({}, { awsRequestId: 'req-1' });
    vi.restoreAllMocks();
    expect(result).toMatchObject({ runId: 'req-1', dryRun: false, volumesScanned: 2, errors: 0 });
    expect(result.counts.rescues).toBe(1);
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
    const records = await history.listModifications(drainingVolume(1).volumeId);
    expect(records.map((r) => [r.kind, r.status])).toEqual([['rescue', 'modifying']]);
    const emf = out.lines().filter((l) => '_aws' in l);
    const names = emf.flatMap((d) => ((d._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]?.Metrics ?? []).map((m) => m.Name));
    expect(names).toEqual(expect.arrayContaining(['ScanSucceeded', 'ModificationsRequested', 'AlertsSent', 'VolumeErrors', 'VolumesScanned', 'Rescues', 'ScanDurationMs', 'SecondsToEmpty']));
    // One SecondsToEmpty a scan, without a VolumeId dimension: one custom metric, not one per volume at risk.
    const shortest = emf.filter((d) => 'SecondsToEmpty' in d);
    expect(shortest).toHaveLength(1);
    expect(shortest[0]?.service).toBe('ebs-burst-guardian');
    expect(shortest[0]).not.toHaveProperty('VolumeId');
    expect(shortest[0]?.SecondsToEmpty).toBeGreaterThan(0);
    expect(emf.find((d) => 'ScanSucceeded' in d)?.ScanSucceeded).toBe(1);
  });

  it('in a dry-run policy proves permissions with DryRun and modifies nothing', async () => {
    const { aws, handler, history } = await setup(undefined, DRY_POLICY_JSON);
    captureJsonLines();
    const result = await handler({}, { awsRequestId: 'req-dry' });
    expect(result.dryRun).toBe(true);
    expect(aws.modifyCalls.size).toBe(0);
    expect(aws.dryRunModifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
    expect(await history.listOpenModifications()).toEqual([]);
  });

  it('builds the clients once per container, on the first invocation, not at creation', async () => {
    const aws = new FakeAws([idleVolume(3)]);
    const tableName = await dynalite.createHistoryTable();
    const factory = vi.fn(() => aws.clients(dynalite.documentClient));
    const handler = createScanHandler({
      env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:t' },
      policyJson: LIVE_POLICY_JSON,
      clients: factory,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
      nowEpochSeconds: () => NOW_EPOCH_SECONDS,
    });
    expect(factory).not.toHaveBeenCalled();
    captureJsonLines();
    await handler({}, { awsRequestId: 'a' });
    await handler({}, { awsRequestId: 'b' });
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['not JSON', '{version: 1'],
    ['an unknown key', JSON.stringify({ version: 1, dryRn: true })],
    ['nothing embedded', ''],
  ])('throws PolicyValidationError when the embedded policy is %s', async (_label, policyJson) => {
    const { handler } = await setup(undefined, policyJson);
    await expect(handler({}, { awsRequestId: 'x' })).rejects.toBeInstanceOf(PolicyValidationError);
  });

  it('throws when TABLE_NAME or TOPIC_ARN is missing', async () => {
    const handler = createScanHandler({ env: {}, policyJson: LIVE_POLICY_JSON, clients: () => new FakeAws([]).clients(dynalite.documentClient), logger: new Logger({ logLevel: 'SILENT' }) });
    await expect(handler({}, { awsRequestId: 'x' })).rejects.toThrow(/TABLE_NAME, TOPIC_ARN/);
  });

  it('throws ScanFailedError without a heartbeat when no volume can be listed', async () => {
    const { aws, handler } = await setup();
    aws.inject('DescribeVolumes', { error: awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403) });
    const out = captureJsonLines();
    await expect(handler({}, { awsRequestId: 'x' })).rejects.toBeInstanceOf(ScanFailedError);
    vi.restoreAllMocks();
    const emf = out.lines().filter((l) => '_aws' in l);
    expect(emf.some((d) => 'ScanSucceeded' in d)).toBe(false);
    expect(emf.some((d) => 'VolumeErrors' in d)).toBe(true);
    expect(aws.modifyCalls.size).toBe(0);
  });
});
