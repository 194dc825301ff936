/**
 * `burst-guardian policy push FILE (--stack NAME | --parameter NAME) [--execute]`: validates the file
 * with the one policy schema, shows the line diff against the policy stored in Parameter Store, and
 * (with `--execute`) overwrites it (PutParameter). The running guardian picks it up within
 * `POLICY_PARAMETER_MAX_AGE_SECONDS`; an invalid file is never written. `--stack` reads the
 * `PolicyParameterName` output (DescribeStacks:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromIni } from '@aws-sdk/credential-providers';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readPolicyParameter, writePolicyParameter } from '../aws/ssm-policy-source';
import { PolicyValidationError, UsageError } from '../core/errors';
import { parsePolicy } from '../core/policy/policy';
import { diffLines, formatDiff } from '../core/policy/text-diff';
import type { CliIo } from '../shared/cli-io';
import { POLICY_PARAMETER_OUTPUT_KEY, policyTextTooLarge } from '../shared/policy-parameter';

export const POLICY_PUSH_HELP = `usage: burst-guardian policy push FILE (--stack NAME | --parameter NAME) [--execute] [--region R] [--profile P]
  validates FILE, shows the difference to the policy the guardian runs on, and with --execute stores it
  (dry run by default: nothing is written)
`;

/** Client factories (tests inject mocked clients). */
export interface PolicyPushDeps {
  readonly ssm: (session: { region?: string; profile?: string }) => SSMClient;
  readonly cloudFormation: (session: { region?: string; profile?: string }) => CloudFormationClient;
}

const credentials = (profile: string | undefined) => (profile === undefined ? {} : { credentials: fromIni({ profile }) });

/** The real SDK clients with the caller's credentials. */
export const AWS_POLICY_PUSH: PolicyPushDeps = {
  ssm: (s) => new SSMClient({ region: s.region, ...credentials(s.profile) }),
  cloudFormation: (s) => new CloudFormationClient({ region: s.region, ...credentials(s.profile) }),
};

/** Runs `policy push`; returns 0 (shown or stored), 1 (invalid file or AWS failure). */
export async function runPolicyPush(argv: readonly string[], io: CliIo, deps: PolicyPushDeps = AWS_POLICY_PUSH): Promise<number> {
  const args = parsePushArgs(argv);
  let text: string;
  try {
    text = await readFile(isAbsolute(args.file) ? args.file : join(io.cwd, args.file), 'utf8');
  } catch (error) {
    io.stderr(`${args.file}: cannot read: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    parsePolicy(text, args.file);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    io.stderr(`${error.message}\nnothing was pushed\n`);
    return 1;
  }
  const tooLarge = policyTextTooLarge(text);
  if (tooLarge !== undefined) {
    io.stderr(`${args.file}: ${tooLarge}\nnothing was pushed\n`);
    return 1;
  }
  const session = { region: args.region ?? io.env.AWS_REGION, profile: args.profile };
  const name = args.parameter ?? (await parameterOfStack(args.stack ?? '', deps.cloudFormation(session)));
  const ssm = deps.ssm(session);
  const stored = await readPolicyParameter(ssm, name);
  const diff = formatDiff(diffLines(stored ?? '', text));
  io.stdout(stored === undefined ? `${name} does not exist yet: it would be created\n` : diff === '' ? `${name} already holds this policy\n` : `${name}:\n${diff}`);
  if (stored === text) return 0;
  if (!args.execute) {
    io.stdout('dry run: nothing was written (add --execute to store it)\n');
    return 0;
  }
  const version = await writePolicyParameter(ssm, name, text);
  io.stdout(`stored ${name} version ${version ?? '?'}; scans use it within a minute\n`);
  return 0;
}

interface PushArgs {
  readonly file: string;
  readonly stack?: string;
  readonly parameter?: string;
  readonly execute: boolean;
  readonly region?: string;
  readonly profile?: string;
}

function parsePushArgs(argv: readonly string[]): PushArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { stack: { type: 'string' }, parameter: { type: 'string' }, execute: { type: 'boolean' }, region: { type: 'string' }, profile: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${POLICY_PUSH_HELP}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one FILE, got ${positionals.length === 0 ? 'none' : `'${positionals.join(' ')}'`}\n${POLICY_PUSH_HELP}`);
  if ((values.stack === undefined) === (values.parameter === undefined)) throw new UsageError(`give exactly one of --stack NAME or --parameter NAME\n${POLICY_PUSH_HELP}`);
  return { file: positionals[0] ?? '', execute: values.execute === true, ...values };
}

async function parameterOfStack(stackName: string, client: CloudFormationClient): Promise<string> {
  const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const output = (answer.Stacks?.[0]?.Outputs ?? []).find((o) => o.OutputKey === POLICY_PARAMETER_OUTPUT_KEY && o.OutputValue !== undefined);
  if (output?.OutputValue === undefined) throw new Error(`stack ${stackName} has no ${POLICY_PARAMETER_OUTPUT_KEY} output (deployed before the policy moved to Parameter Store? redeploy it)`);
  return output.OutputValue;
}
