/**
 * Fault injection end to end (issue 4, Tests): the real handlers → runScan → the real adapters, with
 * EC2/CloudWatch/SNS mocked by a stateful fake and DynamoDB a real dynalite table. Afterwards the
 * history must be complete and no volume modified twice.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { ScanFailedError } from '../../lambda/core/errors';
import { RESULT_WRITE_ATTEMPTS } from '../../lambda/core/scan/act-record';
import { parsePolicy } from '../../lambda/core/policy/policy';
import type { HandlerOptions } from '../../lambda/handlers/wiring';
import { createModificationEventHandler } from '../../lambda/handlers/modification-event';
import { createScanHandler } from '../../lambda/handlers/scan';
import { useDynalite } from '../helpers/dynalite';
import { awsError, drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS, volumeIdOf } from './fake-aws';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));
const DRAINING = [1, 2, 3, 4, 5, 6].map(volumeIdOf);

const dynalite = useDynalite();
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

interface World {
  readonly aws: FakeAws;
  readonly history: DynamoDbHistoryStore;
  readonly clock: { now: number };
  readonly options: (dynamo?: DynamoDBDocumentClient) => HandlerOptions;
}

async function world(): Promise<World> {
  const clock = { now: NOW_EPOCH_SECONDS };
  const aws = new FakeAws([...[1, 2, 3, 4, 5, 6].map((i) => drainingVolume(i)), idleVolume(7), idleVolume(8)], () => clock.now);
  const tableName = await dynalite.createHistoryTable();
  const options = (dynamo: DynamoDBDocumentClient = dynalite.documentClient): HandlerOptions => ({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson: POLICY_JSON,
    clients: () => aws.clients(dynamo),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => clock.now,
  });
  return { aws, clock, options, history: new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }) };
}

/**
 * Every volume's ledger is closed, each draining volume was modified exactly once, and its events
 * tell the flip exactly once. A volume whose ModifyVolume answer or result record was lost
 * (`lostAnswers`) has its `rescue` event from reconciliation (details.reconciled), never only a failure.
 */
async function expectCompleteHistory(w: World, lostAnswers: readonly string[] = []): Promise<void> {
  expect(await w.history.listOpenModifications()).toEqual([]);
  for (const volumeId of DRAINING) {
    expect(w.aws.modifyCalls.get(volumeId), volumeId).toBe(1);
    expect(w.aws.maxModificationsIn24h(volumeId), volumeId).toBeLessThanOrEqual(4);
    const records = await w.history.listModifications(volumeId);
    const accepted = records.filter((r) => r.status !== 'rejected' && r.status !== 'not-sent');
    expect(accepted.map((r) => [r.kind, r.status]), volumeId).toEqual([['rescue', 'completed']]);
    const rescues = (await w.history.listEvents(volumeId)).filter((e) => e.kind === 'rescue');
    expect(rescues, volumeId).toHaveLength(1);
    if (lostAnswers.includes(volumeId)) expect(rescues[0]?.details['reconciled'], volumeId).toBe(true);
  }
  for (const idle of [volumeIdOf(7), volumeIdOf(8)]) expect(w.aws.modifyCalls.get(idle)).toBeUndefined();
}

describe('fault injection end to end', () => {
  it('survives throttling, 5xx, timeouts, a failed page, a refused and a lost ModifyVolume: nothing lost, nothing done twice', async () => {
    const w = await world();
    const scan = createScanHandler(w.options());
    const step = async (id: string): Promise<void> => {
      await scan({}, { awsRequestId: id });
      w.clock.now += 300;
    };
    // The fake answers below the SDK's middleware: an injected throttle is one the SDK's own retries
    // (handlers/wiring.ts SDK_RETRY) already gave up on. A throttled inventory fails the scan loudly;
    // throttled metrics leave that scan without data (no action), and the next scan goes on.
    w.aws.inject('DescribeVolumes', { error: awsError('RequestLimitExceeded', 'Request limit exceeded.', 503) });
    await expect(scan({}, { awsRequestId: 'throttled-inventory' })).rejects.toBeInstanceOf(ScanFailedError);
    w.clock.now += 300;
    w.aws.inject('GetMetricData', { error: awsError('Throttling', 'Rate exceeded', 400) });
    await step('throttled-metrics');
    expect(w.aws.calls.ModifyVolume).toBe(0);
    w.aws.inject(
      'ModifyVolume',
      { volumeId: volumeIdOf(1), error: awsError('IncorrectModificationState', 'Volume is being modified.') },
      { volumeId: volumeIdOf(2), error: awsError('TimeoutError', 'Connection timed out after 30000 ms', 0), applyFirst: true },
      { volumeId: volumeIdOf(3), error: awsError('InternalError', 'An internal error has occurred', 500) },
    );
    w.aws.inject('Publish', { error: awsError('InternalError', 'Internal error', 500) });
    await step('t0');
    expect(w.aws.pendingFaults()).toBe(0);
    expect(w.aws.modifyCalls.get(volumeIdOf(2))).toBe(1);
    // A later page of DescribeVolumes fails with a 5xx: the scan fails loudly and acts on nothing.
    w.aws.pageSize = 3;
    const callsBefore = { ...w.aws.calls };
    await expect(runWithFailingSecondPage(w, () => scan({}, { awsRequestId: 't1' }))).rejects.toBeInstanceOf(ScanFailedError);
    expect(w.aws.calls.DescribeVolumes).toBe(callsBefore.DescribeVolumes + 1);
    expect(w.aws.calls.ModifyVolume).toBe(callsBefore.ModifyVolume);
    expect(w.aws.calls.GetMetricData).toBe(callsBefore.GetMetricData);
    w.clock.now += 300;
    w.aws.inject('GetMetricData', { error: awsError('TimeoutError', 'socket timed out', 0) });
    await step('t2');
    expect(w.aws.pendingFaults()).toBe(0);
    await step('t3');
    w.aws.completeModifications();
    await step('t4');
    await expectCompleteHistory(w, [volumeIdOf(2)]);
    // The 500 never reached AWS: closed `not-sent` once AWS showed no such modification, then acted again.
    const lost = await w.history.listModifications(volumeIdOf(3));
    expect(lost.map((r) => r.status)).toEqual(['not-sent', 'completed']);
    // EC2 refused volume 1 (in progress): `rejected`, backed off, then rescued once.
    expect((await w.history.listModifications(volumeIdOf(1))).map((r) => r.status)).toEqual(['rejected', 'completed']);
  });

  it('reconciles a crash between ModifyVolume and recording its result', async () => {
    const w = await world();
    let crashes = 0;
    let crashedPk: unknown;
    const crashing = Object.create(dynalite.documentClient) as DynamoDBDocumentClient;
    // DynamoDB fails right after the first volume's ModifyVolume: none of its result writes (with retries) reaches the table.
    crashing.send = (async (command: unknown) => {
      const isResultUpdate = command instanceof UpdateCommand && (command.input.ConditionExpression ?? '').includes('#status = :expected');
      if (isResultUpdate && (crashedPk === undefined || crashedPk === command.input.Key?.['pk'])) {
        crashedPk = command.input.Key?.['pk'];
        crashes++;
        throw awsError('InternalServerError', 'Internal server error', 500);
      }
      return dynalite.documentClient.send(command as UpdateCommand);
    }) as DynamoDBDocumentClient['send'];
    await createScanHandler(w.options(crashing))({}, { awsRequestId: 'crash' });
    expect(crashes).toBe(RESULT_WRITE_ATTEMPTS);
    expect((await w.history.listOpenModifications()).map((r) => r.status)).toContain('intent');
    w.clock.now += 300;
    const scan = createScanHandler(w.options());
    await scan({}, { awsRequestId: 'after-crash' });
    w.aws.completeModifications();
    w.clock.now += 300;
    await scan({}, { awsRequestId: 'done' });
    await expectCompleteHistory(w, [volumeIdOf(1)]);
  });

  it('never double-acts when two scans and an event run at once', async () => {
    const w = await world();
    const [a, b] = [createScanHandler(w.options()), createScanHandler(w.options())];
    const event = createModificationEventHandler(w.options());
    const arn = `arn:aws:ec2:us-east-1:123456789012:volume/${volumeIdOf(1)}`;
    // A lost race is a recorded volume error (HistoryConflictError on the intent), never a failed run.
    const [ra, rb] = await Promise.all([
      a({}, { awsRequestId: 'a' }),
      b({}, { awsRequestId: 'b' }),
      event({ detail: { event: 'modifyVolume' }, resources: [arn] }, { awsRequestId: 'e' }),
    ]);
    expect((ra?.counts.rescues ?? 0) + (rb?.counts.rescues ?? 0)).toBeGreaterThanOrEqual(DRAINING.length);
    for (const volumeId of DRAINING) expect(w.aws.modifyCalls.get(volumeId), volumeId).toBe(1);
    w.aws.completeModifications();
    w.clock.now += 300;
    await Promise.all([a({}, { awsRequestId: 'a2' }), b({}, { awsRequestId: 'b2' })]);
    await expectCompleteHistory(w);
  });
});

/** Runs `scan` with the second DescribeVolumes page failing with a 5xx (the first page succeeds). */
async function runWithFailingSecondPage(w: World, scan: () => Promise<unknown>): Promise<unknown> {
  let pages = 0;
  const send = w.aws.ec2.send.bind(w.aws.ec2);
  vi.spyOn(w.aws.ec2, 'send').mockImplementation((async (command: { input?: { NextToken?: string } }) => {
    if (command.constructor.name === 'DescribeVolumesCommand' && ++pages === 2) throw awsError('InternalError', 'An internal error has occurred', 500);
    return send(command as never);
  }) as never);
  try {
    return await scan();
  } finally {
    vi.mocked(w.aws.ec2.send).mockRestore();
  }
}
