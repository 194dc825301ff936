import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lambda/cli/main';
import { runPolicyPush } from '../../lambda/cli/policy-push-command';
import { captureCliIo, type CapturedIo } from '../helpers/capture';

const dir = mkdtempSync(join(tmpdir(), 'policy-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STORED = readFileSync('policy.yaml', 'utf8');
const NAME = '/ebs-burst-guardian/EbsBurstGuardian/policy';
const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

function capture(): CapturedIo {
  return captureCliIo({ cwd: dir, env: { AWS_REGION: 'eu-west-1' } });
}

/**
 * GetParameter answers the stored value or a whole-call ParameterNotFound
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html); PutParameter
 * answers the new Version (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html);
 * DescribeStacks answers the stack's outputs.
 */
function fakes(stored: string | undefined) {
  const ssm = new SSMClient({ region: 'eu-west-1', credentials });
  const cfn = new CloudFormationClient({ region: 'eu-west-1', credentials });
  const ssmMock = mockClient(ssm);
  ssmMock.on(GetParameterCommand).callsFake(() => {
    if (stored === undefined) throw new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } });
    return { Parameter: { Name: NAME, Type: 'String', Value: stored, Version: 3 } };
  });
  ssmMock.on(PutParameterCommand).resolves({ Version: 4, Tier: 'Advanced' });
  mockClient(cfn)
    .on(DescribeStacksCommand, { StackName: 'EbsBurstGuardian' })
    .resolves({ Stacks: [{ StackName: 'EbsBurstGuardian', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'PolicyParameterName', OutputValue: NAME }] }] });
  return { deps: { ssm: () => ssm, cloudFormation: () => cfn }, puts: () => ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input) };
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('burst-guardian policy push', () => {
  const live = file('live.yaml', STORED.replace(/^dryRun: true$/m, 'dryRun: false'));

  it('shows the diff against the stored policy and writes nothing without --execute', async () => {
    const { deps, puts } = fakes(STORED);
    const c = capture();
    expect(await runPolicyPush([live, '--stack', 'EbsBurstGuardian'], c.io, deps)).toBe(0);
    expect(c.out()).toMatch(/^- +\d+ \| dryRun: true$/m);
    expect(c.out()).toMatch(/^\+ +\d+ \| dryRun: false$/m);
    expect(c.out()).toContain('dry run: nothing was written');
    expect(puts()).toEqual([]);
  });

  it('stores the file text verbatim with --execute', async () => {
    const { deps, puts } = fakes(STORED);
    const c = capture();
    expect(await runPolicyPush([live, '--parameter', NAME, '--execute'], c.io, deps)).toBe(0);
    expect(puts()).toEqual([{ Name: NAME, Value: readFileSync(join(dir, live), 'utf8'), Type: 'String', Overwrite: true, Tier: 'Intelligent-Tiering' }]);
    expect(c.out()).toContain('version 4');
  });

  it('says the parameter would be created when it does not exist', async () => {
    const { deps, puts } = fakes(undefined);
    const c = capture();
    expect(await runPolicyPush([live, '--parameter', NAME], c.io, deps)).toBe(0);
    expect(c.out()).toContain('does not exist yet');
    expect(puts()).toEqual([]);
  });

  it('refuses an invalid file with file, line and field, and pushes nothing even with --execute', async () => {
    const { deps, puts } = fakes(STORED);
    const bad = file('bad.yaml', 'version: 1\ndryRun: maybe\n');
    const c = capture();
    expect(await runPolicyPush([bad, '--parameter', NAME, '--execute'], c.io, deps)).toBe(1);
    expect(c.err()).toMatch(/bad\.yaml:2:\d+ dryRun: /);
    expect(c.err()).toContain('nothing was pushed');
    expect(puts()).toEqual([]);
  });

  it.each([
    ['no FILE', ['push', '--parameter', NAME]],
    ['neither --stack nor --parameter', ['push', 'policy.yaml']],
    ['both --stack and --parameter', ['push', 'policy.yaml', '--stack', 'S', '--parameter', NAME]],
    ['an unknown flag', ['push', 'policy.yaml', '--parameter', NAME, '--force']],
  ])('exits 2 on %s', async (_label, argv) => {
    const c = capture();
    expect(await main(['policy', ...argv], c.io)).toBe(2);
  });
});
