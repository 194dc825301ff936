/**
 * When the guardian itself fails, on-call still learns (issue 11, item 5 and its end-to-end cases):
 * the real scan handler → runScan → the real adapters on the fake EC2/CloudWatch/SNS and a dynalite
 * table, then the synthesized stack's alarms evaluated on what the handler emitted. The alarm must
 * watch the very metric the handler writes (namespace, name, dimensions from one module), and
 * deliver through a topic whose policy and key let CloudWatch publish.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createModificationEventHandler } from '../../lambda/handlers/modification-event';
import { createScanHandler } from '../../lambda/handlers/scan';
import type { HandlerOptions } from '../../lambda/handlers/wiring';
import { GUARDIAN_METRICS, GUARDIAN_METRICS_NAMESPACE, GUARDIAN_STAGE_ERROR_METRICS } from '../../lambda/shared/guardian-metric-names';
import { BurstGuardian } from '../../lib/burst-guardian';
import { evaluateAlarm, type AlarmConfiguration } from '../helpers/alarm-evaluation';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { SKIP_BUNDLING } from '../lib/synth-helpers';
import { awsError, drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS, volumeIdOf } from './fake-aws';

const POLICY = parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml');
const SCAN_INTERVAL_SECONDS = 300;

let dynalite: DynaliteHandle;
let template: Template;
beforeAll(async () => {
  dynalite = await startDynalite();
  const app = new App({ context: { ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'Blind');
  new BurstGuardian(stack, 'Guardian', { policy: POLICY });
  template = Template.fromStack(stack);
});
afterAll(async () => {
  await dynalite.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** One EMF document as Powertools writes it: the metric values and dimensions at the top level. */
type Emf = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };

/** The EMF documents `action` printed. */
async function captureEmf(action: () => Promise<unknown>): Promise<Emf[]> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
  try {
    await action();
  } finally {
    vi.restoreAllMocks();
  }
  return written.join('').split('\n').filter((l) => l.startsWith('{') && l.includes('"_aws"')).map((l) => JSON.parse(l) as Emf);
}

/** The handlers on a fresh fake world; each `run` is one scheduled scan, one interval after the last; `event` one modifyVolume event. */
async function world(dynamo: DynamoDBDocumentClient = dynalite.documentClient): Promise<{ aws: FakeAws; run: () => Promise<Emf[]>; event: (volumeId: string) => Promise<Emf[]> }> {
  const clock = { now: NOW_EPOCH_SECONDS };
  const aws = new FakeAws([1, 2, 3].map((i) => drainingVolume(i)).concat([idleVolume(4), idleVolume(5)]), () => clock.now);
  const tableName = await dynalite.createHistoryTable();
  const options: HandlerOptions = {
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson: JSON.stringify(POLICY),
    clients: () => aws.clients(dynamo),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: GUARDIAN_METRICS_NAMESPACE, serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => clock.now,
  };
  const scan = createScanHandler(options);
  const onEvent = createModificationEventHandler(options);
  let runs = 0;
  const run = async (): Promise<Emf[]> => {
    const docs = await captureEmf(() => scan({}, { awsRequestId: `run-${++runs}` }));
    clock.now += SCAN_INTERVAL_SECONDS;
    return docs;
  };
  const event = (volumeId: string): Promise<Emf[]> =>
    captureEmf(() => onEvent({ detail: { event: 'modifyVolume' }, resources: [`arn:aws:ec2:us-east-1:123456789012:volume/${volumeId}`] }, { awsRequestId: `event-${volumeId}` }));
  return { aws, run, event };
}

/** The run's value of a metric as the alarm would see it (Sum over the run's documents), or undefined when not emitted. */
function emitted(docs: readonly Emf[], metricName: string): number | undefined {
  const values = docs.filter((d) => d._aws.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === metricName))).map((d) => Number(d[metricName]));
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

/** Namespace and dimensions (name → value) the handler put on a metric. */
function identityOf(docs: readonly Emf[], metricName: string): { namespace: string; dimensions: { Name: string; Value: unknown }[] } {
  const doc = docs.find((d) => d._aws.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === metricName)));
  const directive = doc?._aws.CloudWatchMetrics[0];
  if (doc === undefined || directive === undefined) throw new Error(`${metricName} was not emitted`);
  return { namespace: directive.Namespace, dimensions: (directive.Dimensions[0] ?? []).map((name) => ({ Name: name, Value: doc[name] })) };
}

/** The one synthesized alarm on this metric name, with the properties the evaluation and delivery need. */
type SynthesizedAlarm = AlarmConfiguration & { Namespace: string; Dimensions: unknown; AlarmActions: unknown[]; OKActions: unknown[] };

function alarmOn(metricName: string): SynthesizedAlarm {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r) => (r as { Properties: Record<string, unknown> }).Properties).filter((p) => p.MetricName === metricName);
  expect(alarms, metricName).toHaveLength(1);
  return alarms[0] as unknown as SynthesizedAlarm;
}

/**
 * Follows alarm → action → topic → topic policy and key: every action goes to a topic whose policy
 * lets CloudWatch alarms of this account publish and whose key lets CloudWatch use it.
 */
function expectDeliversToCloudWatchPublishableTopic(alarm: { AlarmActions: unknown[]; OKActions: unknown[] }): void {
  expect(alarm.AlarmActions.length).toBeGreaterThan(0);
  expect(alarm.OKActions).toEqual(alarm.AlarmActions);
  const sourceConditions = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
  };
  const topics = template.findResources('AWS::SNS::Topic') as Record<string, { Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [string, string] } } }>;
  const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as { Properties: { Topics: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
  for (const action of alarm.AlarmActions) {
    const topicId = (action as { Ref: string }).Ref;
    const topic = topics[topicId];
    expect(topic, `alarm action ${JSON.stringify(action)} is a topic of this stack`).toBeDefined();
    const statements = policies.filter((p) => p.Properties.Topics.some((t) => JSON.stringify(t) === JSON.stringify(action))).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: action, Condition: sourceConditions }),
    );
    const key = template.findResources('AWS::KMS::Key')[topic?.Properties.KmsMasterKeyId['Fn::GetAtt'][0] ?? ''] as { Properties: { KeyPolicy: { Statement: Record<string, unknown>[] } } };
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: sourceConditions }),
    );
  }
}

describe('the guardian failing is visible to on-call', () => {
  it('every SNS Publish failing: no ScanSucceeded, NotifyErrors emitted, and its alarm fires to a topic CloudWatch can publish to', async () => {
    const { aws, run } = await world();
    aws.outage('Publish', awsError('AuthorizationErrorException', 'User: arn:aws:sts::123456789012:assumed-role/scan/fn is not authorized to perform: SNS:Publish', 403));
    const notifyErrors = GUARDIAN_STAGE_ERROR_METRICS.notify;
    const failed = await run();
    expect(emitted(failed, GUARDIAN_METRICS.scanSucceeded)).toBeUndefined();
    expect(emitted(failed, notifyErrors)).toBe(3);
    expect(emitted(failed, GUARDIAN_METRICS.alertsSent)).toBe(0);
    expect(aws.calls.Publish).toBe(3);
    expect(aws.published).toEqual([]);
    // The scan still acted: each draining volume rescued once, though nobody was told.
    for (const i of [1, 2, 3]) expect(aws.modifyCalls.get(volumeIdOf(i))).toBe(1);

    const alarm = alarmOn(notifyErrors);
    const identity = identityOf(failed, notifyErrors);
    expect(alarm.Namespace).toBe(identity.namespace);
    expect(alarm.Dimensions).toEqual(identity.dimensions);
    expect(evaluateAlarm(alarm, [emitted(failed, notifyErrors)])).toBe('ALARM');
    expectDeliversToCloudWatchPublishableTopic(alarm);

    // The next scan has nothing new to say (the rescues are under way), so the lost alerts are not
    // re-sent: the alarm above, on the first failed run, is how on-call learns. With nothing
    // attempted the run watched; the alarm returns to OK.
    const next = await run();
    expect(aws.calls.Publish).toBe(3);
    expect(emitted(next, GUARDIAN_METRICS.scanSucceeded)).toBe(1);
    expect(evaluateAlarm(alarm, [emitted(failed, notifyErrors), emitted(next, notifyErrors)])).toBe('OK');
  });

  it('GetMetricData denied on every call: no ScanSucceeded, no action, and the heartbeat alarm fires on the silence', async () => {
    const { aws, run } = await world();
    aws.outage(
      'GetMetricData',
      awsError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/scan/fn is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action', 403),
    );
    const runs = [await run(), await run(), await run()];
    for (const docs of runs) {
      expect(emitted(docs, GUARDIAN_METRICS.scanSucceeded)).toBeUndefined();
      // Five volumes' reads; the instances' EBS balances are read only for volumes about to be rescued (none without metrics).
      expect(emitted(docs, GUARDIAN_STAGE_ERROR_METRICS.metrics)).toBe(5);
    }
    expect(aws.calls.GetMetricData).toBeGreaterThan(0);
    expect(aws.calls.ModifyVolume).toBe(0);

    const heartbeat = alarmOn(GUARDIAN_METRICS.scanSucceeded);
    expect(heartbeat).toMatchObject({ TreatMissingData: 'breaching', ComparisonOperator: 'LessThanThreshold', Threshold: 1, Period: SCAN_INTERVAL_SECONDS });
    expect(evaluateAlarm(heartbeat, runs.map((docs) => emitted(docs, GUARDIAN_METRICS.scanSucceeded)))).toBe('ALARM');
    expect(alarmOn(GUARDIAN_STAGE_ERROR_METRICS.metrics)).toMatchObject({ Namespace: identityOf(runs[0] ?? [], GUARDIAN_STAGE_ERROR_METRICS.metrics).namespace });
    expectDeliversToCloudWatchPublishableTopic(heartbeat);

    // Access restored: scans succeed again and the heartbeat returns to OK.
    aws.restore('GetMetricData');
    const healthy = [await run(), await run(), await run()];
    const identity = identityOf(healthy[0] ?? [], GUARDIAN_METRICS.scanSucceeded);
    expect(heartbeat.Namespace).toBe(identity.namespace);
    expect(heartbeat.Dimensions).toEqual(identity.dimensions);
    expect(evaluateAlarm(heartbeat, healthy.map((docs) => emitted(docs, GUARDIAN_METRICS.scanSucceeded)))).toBe('OK');
  });

  it('the history table unreadable: no ScanSucceeded, HistoryErrors emitted, and no volume acted on without its ledger', async () => {
    const denied = Object.create(dynalite.documentClient) as DynamoDBDocumentClient;
    // What DynamoDB answers a role without the action (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html).
    denied.send = (async () => {
      throw awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/scan/fn is not authorized to perform: dynamodb:Query', 400);
    }) as DynamoDBDocumentClient['send'];
    const { aws, run } = await world(denied);
    const docs = await run();
    expect(emitted(docs, GUARDIAN_METRICS.scanSucceeded)).toBeUndefined();
    // One error per failed read: the ledger (one read for the fleet), the cursor, the cadence state, open modifications.
    expect(emitted(docs, GUARDIAN_STAGE_ERROR_METRICS.history)).toBeGreaterThanOrEqual(3);
    expect(aws.calls.ModifyVolume).toBe(0);
    expect(alarmOn(GUARDIAN_STAGE_ERROR_METRICS.history)).toMatchObject({ Namespace: identityOf(docs, GUARDIAN_STAGE_ERROR_METRICS.history).namespace });
  });

  it("the event handler's reconciliation failing: ReconcileErrors, the metric its alarm watches", async () => {
    const { aws, run, event } = await world();
    await run();
    expect(aws.modifyCalls.get(volumeIdOf(1))).toBe(1);
    aws.outage('DescribeVolumesModifications', awsError('RequestLimitExceeded', 'Request limit exceeded.', 503));
    const docs = await event(volumeIdOf(1));
    const metricName = GUARDIAN_STAGE_ERROR_METRICS.reconcile;
    expect(emitted(docs, metricName)).toBeGreaterThanOrEqual(1);
    expect(emitted(docs, GUARDIAN_METRICS.scanSucceeded)).toBeUndefined();
    const alarm = alarmOn(metricName);
    const identity = identityOf(docs, metricName);
    expect([alarm.Namespace, alarm.Dimensions]).toEqual([identity.namespace, identity.dimensions]);
    expectDeliversToCloudWatchPublishableTopic(alarm);
  });
});

describe('the SNS fake follows Publish', () => {
  const publish = (aws: FakeAws, Subject: string | undefined, Message = 'body') => aws.sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Subject, Message }));

  it.each([
    ['100 characters', 'x'.repeat(100)],
    ['a line break', 'vol-1 draining\nnow'],
    ['a control character', 'vol-1\tdraining'],
    ['a non-ASCII character', 'vol-1 draining — 5 min left'],
  ])('rejects a Subject with %s as InvalidParameter', async (_label, subject) => {
    const aws = new FakeAws([]);
    await expect(publish(aws, subject)).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Subject' });
    expect(aws.published).toEqual([]);
  });

  it('rejects a message over 256 KB and an empty one as InvalidParameter', async () => {
    const aws = new FakeAws([]);
    await expect(publish(aws, 'ok', 'x'.repeat(262_145))).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Message too long' });
    await expect(publish(aws, 'ok', '')).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('accepts 99 printable ASCII characters, or no Subject', async () => {
    const aws = new FakeAws([]);
    await publish(aws, `${'x'.repeat(98)}~`);
    await publish(aws, undefined);
    expect(aws.published).toHaveLength(2);
  });
});
