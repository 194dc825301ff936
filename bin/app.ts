#!/usr/bin/env -S npx tsx
/**
 * The CDK app (`cdk.json` runs `npx tsx bin/app.ts`). Reads the policy named by `-c policy=PATH`
 * (default `policy.yaml`), validates it with the one policy schema and fails the synth with file,
 * line and field when it is wrong. Other context: `stackName`, `alertEmail`, `noticeEmail`, `account`, `region`,
 * `scanIntervalSeconds` (cron schedules), `tableRemovalPolicy` (`retain`|`destroy`), `nag` (`false` skips cdk-nag),
 * `probe` (`false`: no probe distribution), `probeArgs`, `probeTagKey` + `probeTagValues` (comma-separated:
 * a State Manager association installing the probe on instances with that tag), `slackWorkspaceId` +
 * `slackChannelId` and/or `teamsTeamId` + `teamsTenantId` + `teamsChannelId` (alerts in chat through AWS Chatbot).
 */
import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { GuardianPropsError, PolicyValidationError } from '../lambda/core/errors';
import { parsePolicy, type Policy } from '../lambda/core/policy/policy';
import { GuardianStack, type GuardianStackProps } from '../lib/guardian-stack';
import { buildOrgApp } from './org-app';
import type { ProbeDistributionProps } from '../lib/probe-distribution';

/** Options of `buildApp`; anything not given comes from the CDK context. */
export interface BuildAppOptions {
  /** The policy file. @default - context `policy`, else `policy.yaml` */
  readonly policyPath?: string;
  /** Context values, as `-c key=value` would set them (tests also pass CDK's own keys). @default {} */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly directory. @default - the CDK default (`CDK_OUTDIR` or a temp dir) */
  readonly outdir?: string;
}

/** The built app, its stack and the policy it embeds. */
export interface BuiltApp {
  readonly app: App;
  readonly stack: GuardianStack;
  readonly policy: Policy;
}

/** Builds the app; throws `PolicyValidationError` (bad policy) or `GuardianPropsError` (bad context) before any resource exists. */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const app = new App({ context: { ...options.context }, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  const ctx = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const policyPath = options.policyPath ?? ctx('policy') ?? 'policy.yaml';
  const policyText = readPolicyText(policyPath);
  const policy = parsePolicy(policyText, policyPath);
  const region = ctx('region') ?? policy.region;
  const account = ctx('account');
  const stack = new GuardianStack(app, ctx('stackName') ?? 'EbsBurstGuardian', {
    // Environment-agnostic unless told: synth needs no credentials (https://docs.aws.amazon.com/cdk/v2/guide/environments.html).
    ...(region === undefined && account === undefined ? {} : { env: { region, account } }),
    description: 'ebs-burst-guardian: forecasts EBS burst-credit exhaustion and flips volumes before the wall',
    policy,
    policyText,
    accountName: ctx('accountName'),
    alertEmail: ctx('alertEmail'),
    noticeEmail: ctx('noticeEmail'),
    scanIntervalSeconds: optionalInteger('scanIntervalSeconds', ctx('scanIntervalSeconds')),
    tableRemovalPolicy: removalPolicy(ctx('tableRemovalPolicy')),
    probe: probeProps(ctx),
    ...chatbotProps(ctx),
  });
  if (ctx('nag') !== 'false') {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  }
  return { app, stack, policy };
}

function chatbotProps(ctx: (key: string) => string | undefined): Pick<GuardianStackProps, 'chatbot'> {
  const keys = ['slackWorkspaceId', 'slackChannelId', 'teamsTeamId', 'teamsTenantId', 'teamsChannelId'] as const;
  const settings = Object.fromEntries(keys.flatMap((k) => (ctx(k) === undefined ? [] : [[k, ctx(k)]])));
  return Object.keys(settings).length === 0 ? {} : { chatbot: settings };
}

function readPolicyText(policyPath: string): string {
  try {
    return readFileSync(policyPath, 'utf8');
  } catch (error) {
    throw new GuardianPropsError(`cannot read the policy file '${policyPath}' (set it with -c policy=PATH)`, { cause: error });
  }
}

function probeProps(ctx: (key: string) => string | undefined): ProbeDistributionProps | false {
  if (ctx('probe') === 'false') return false;
  const tagKey = ctx('probeTagKey');
  const tagValues = (ctx('probeTagValues') ?? '').split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  if (tagKey === undefined && tagValues.length > 0) throw new GuardianPropsError(`context probeTagValues '${tagValues.join(',')}' needs probeTagKey`);
  return {
    probeArgs: ctx('probeArgs'),
    ...(tagKey === undefined ? {} : { associationTarget: { tagKey, tagValues: tagValues.length > 0 ? tagValues : ['enabled'] } }),
  };
}

function optionalInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new GuardianPropsError(`context ${name} must be a whole number, got '${value}'`);
  return parsed;
}

function removalPolicy(value: string | undefined): RemovalPolicy | undefined {
  if (value === undefined) return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new GuardianPropsError(`context tableRemovalPolicy must be 'retain' or 'destroy', got '${value}'`);
}

/** Entry point: synthesizes, or prints the policy/context problem and exits 1. */
export function main(): number {
  try {
    // The organization shape when the context names OUs (bin/org-app.ts), else the single account.
    (buildOrgApp()?.app ?? buildApp().app).synth();
    return 0;
  } catch (error) {
    if (error instanceof PolicyValidationError || error instanceof GuardianPropsError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main();
}
