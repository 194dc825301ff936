import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { SsmPolicySource } from '../../lambda/aws/ssm-policy-source';
import { createScanHandler } from '../../lambda/handlers/scan';
import { drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';
import { captureJsonLines } from '../helpers/capture';

const LIVE_TEXT = readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8');
const EMBEDDED_LIVE_JSON = JSON.stringify(parsePolicy(LIVE_TEXT, 'rescue-live.yaml'));
const STORED_DRY_TEXT = LIVE_TEXT.replace('dryRun: false', 'dryRun: true');
/** Line 10 of the fixture is `horizonMinutes: 60`; a string there is a schema error at that line. */
const BAD_TEXT = LIVE_TEXT.replace('dryRun: false', 'dryRun: true').replace('horizonMinutes: 60', 'horizonMinutes: soon');
const PARAMETER = '/ebs-burst-guardian/EbsBurstGuardian/policy';

const dynalite = useDynalite();
afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Parameter Store as GetParameter answers: the parameter with its value and version, or a whole-call
 * ParameterNotFound (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
 */
function parameterStore() {
  const client = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  let version = 0;
  const answer = (text: string | undefined): void => {
    mock.on(GetParameterCommand, { Name: PARAMETER }).callsFake(() => {
      if (text === undefined) throw new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } });
      return { Parameter: { Name: PARAMETER, Type: 'String', Value: text, Version: version, DataType: 'text' } };
    });
    version += 1;
  };
  return { client, answer, calls: () => mock.commandCalls(GetParameterCommand).length };
}


async function setup() {
  const aws = new FakeAws([drainingVolume(1), idleVolume(2)]);
  const tableName = await dynalite.createHistoryTable();
  const store = parameterStore();
  const handler = createScanHandler({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1', POLICY_PARAMETER_NAME: PARAMETER },
    policyJson: EMBEDDED_LIVE_JSON,
    clients: () => aws.clients(dynalite.documentClient),
    // maxAge 0: every run asks Parameter Store, so a push is seen at the next run.
    policySource: () => new SsmPolicySource({ client: store.client, parameterName: PARAMETER, maxAgeSeconds: 0 }),
    logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'WARN' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => NOW_EPOCH_SECONDS,
  });
  return { aws, handler, store };
}

const policyErrorsOf = (lines: Record<string, unknown>[]) => lines.filter((l) => '_aws' in l && 'PolicyLoadErrors' in l).map((l) => l.PolicyLoadErrors);
const policyLogsOf = (lines: Record<string, unknown>[]) => lines.filter((l) => l.message === 'policy not loaded: running on the last good policy');

describe('the runtime policy in Parameter Store', () => {
  it('runs on the stored policy when it is valid, without the alarm metric', async () => {
    const { handler, store, aws } = await setup();
    store.answer(STORED_DRY_TEXT);
    const out = captureJsonLines([process.stdout, process.stderr]);
    const result = await handler({}, { awsRequestId: 'r1' });
    vi.restoreAllMocks();
    expect(result.dryRun).toBe(true);
    expect(aws.modifyCalls.size).toBe(0);
    expect(policyErrorsOf(out.lines())).toEqual([]);
  });

  it('keeps the last good policy when a bad one is pushed, emits PolicyLoadErrors and logs file, line and field', async () => {
    const { handler, store, aws } = await setup();
    store.answer(STORED_DRY_TEXT);
    captureJsonLines([process.stdout, process.stderr]);
    expect((await handler({}, { awsRequestId: 'good' })).dryRun).toBe(true);
    vi.restoreAllMocks();

    store.answer(BAD_TEXT);
    const out = captureJsonLines([process.stdout, process.stderr]);
    const result = await handler({}, { awsRequestId: 'bad' });
    vi.restoreAllMocks();
    // The last good is the stored dry-run policy, not the embedded live one: nothing was modified.
    expect(result.dryRun).toBe(true);
    expect(aws.modifyCalls.size).toBe(0);
    expect(policyErrorsOf(out.lines())).toEqual([1]);
    const [log] = policyLogsOf(out.lines());
    expect(log?.level).toBe('ERROR');
    expect(log?.issues).toEqual([expect.objectContaining({ file: `ssm:${PARAMETER}`, line: 10, field: 'rescue.trigger.horizonMinutes' })]);
  });

  it('repeats the alarm metric on every run until the stored policy is fixed', async () => {
    const { handler, store } = await setup();
    store.answer(BAD_TEXT);
    const out = captureJsonLines([process.stdout, process.stderr]);
    await handler({}, { awsRequestId: 'a' });
    await handler({}, { awsRequestId: 'b' });
    store.answer(STORED_DRY_TEXT);
    await handler({}, { awsRequestId: 'c' });
    vi.restoreAllMocks();
    expect(policyErrorsOf(out.lines())).toEqual([1, 1]);
  });

  it.each([
    ['a bad first text', BAD_TEXT],
    ['a missing parameter (ParameterNotFound)', undefined],
  ])('falls back to the embedded policy on %s', async (_label, text) => {
    const { handler, store, aws } = await setup();
    store.answer(text);
    const out = captureJsonLines([process.stdout, process.stderr]);
    const result = await handler({}, { awsRequestId: 'x' });
    vi.restoreAllMocks();
    expect(result.dryRun).toBe(false);
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
    expect(policyErrorsOf(out.lines())).toEqual([1]);
    expect(policyLogsOf(out.lines())).toHaveLength(1);
  });

  it('asks Parameter Store at most once per max-age window', async () => {
    const store = parameterStore();
    store.answer(STORED_DRY_TEXT);
    const source = new SsmPolicySource({ client: store.client, parameterName: PARAMETER, maxAgeSeconds: 60 });
    await source.fetch();
    await source.fetch();
    expect(store.calls()).toBe(1);
  });
});
