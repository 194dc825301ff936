/**
 * The scan handler records its own usage once per scan: the metrics it requested (as its summary log
 * says), the function's memory × the measured duration, the DynamoDB units its table reported and the
 * metric series it emitted, under its account and region. A failed usage write never fails the scan.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createScanHandler } from '../../lambda/handlers/scan';
import { recordScanUsage, scanUsageOf } from '../../lambda/handlers/scan-usage';
import { drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { captureJsonLines } from '../helpers/capture';
import { useDynalite } from '../helpers/dynalite';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:guardian-scan';
const dynalite = useDynalite();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('scan usage', () => {
  it('records metrics requested, memory × duration, DynamoDB units and series for each scan of the day', async () => {
    const aws = new FakeAws([drainingVolume(1), idleVolume(2)]);
    const tableName = await dynalite.createHistoryTable();
    // Each scan takes 750 ms on this clock: it reads it when it starts and when it finishes.
    let ms = NOW_EPOCH_SECONDS * 1000;
    const nowMs = () => {
      ms += 750;
      return ms;
    };
    const handler = createScanHandler({
      env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:guardian', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' },
      policyJson: POLICY_JSON,
      clients: () => aws.clients(dynalite.documentClient),
      logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'INFO' }),
      metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
      nowMs,
      nowEpochSeconds: () => NOW_EPOCH_SECONDS,
    });
    const out = captureJsonLines();
    await handler({}, { awsRequestId: 'req-1', invokedFunctionArn: ARN });
    await handler({}, { awsRequestId: 'req-2', invokedFunctionArn: ARN });
    vi.restoreAllMocks();
    const summaries = out.lines().filter((l) => l.message === 'scan finished');
    const requested = summaries.reduce((n, l) => n + Number(l.metricsRequested), 0);
    const emf = out.lines().filter((l) => '_aws' in l);
    const series = emf.reduce((n, d) => n + ((d._aws as { CloudWatchMetrics: { Metrics: unknown[] }[] }).CloudWatchMetrics[0]?.Metrics.length ?? 0), 0);
    const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    const [day, ...others] = await store.listUsage('2027-01');
    expect(others).toEqual([]);
    expect(day).toMatchObject({ accountId: '123456789012', region: 'eu-west-1', day: '2027-01-15', scans: 2, invocations: 2, metricsRequested: requested, lambdaMiBMs: 2 * 1024 * 750, metricSeriesSum: series });
    expect(requested).toBeGreaterThan(0);
    expect(day?.dynamoReadUnits).toBeGreaterThan(0);
    expect(day?.dynamoWriteUnits).toBeGreaterThan(0);
  });

  it('outside Lambda (no memory size) bills no invocation; a failed write is logged and returned as a record error, not thrown', async () => {
    const usage = scanUsageOf({ report: { metricsRequested: 6 }, env: {}, nowEpochSeconds: NOW_EPOCH_SECONDS, durationMs: 10.4, units: { readUnits: 1, writeUnits: 2 }, metricSeries: 9 });
    expect(usage).toEqual({ tEpochSeconds: NOW_EPOCH_SECONDS, metricsRequested: 6, memoryMiB: 0, durationMs: 10, dynamoReadUnits: 1, dynamoWriteUnits: 2, metricSeries: 9 });
    const warn = vi.fn();
    const failing = { recordUsage: async () => Promise.reject(new Error('AccessDenied')) } as unknown as DynamoDbHistoryStore;
    expect(await recordScanUsage(failing, usage, { warn })).toEqual({ stage: 'record', message: 'usage: AccessDenied' });
    expect(warn).toHaveBeenCalledWith("usage not recorded: the report's running cost misses this scan", { stage: 'record', error: 'AccessDenied' });
  });
});
