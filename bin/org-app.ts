/**
 * The organization shape of the CDK app: with `-c organizationalUnits=ou-…,ou-… -c regions=r1,r2
 * -c organizationId=o-… -c account=HUB_ACCOUNT -c region=HUB_REGION`, `bin/app.ts` builds this
 * instead of the single-account stack: one code-asset bucket stack per target region and the hub
 * stack (central topic, table, dashboard, and the StackSet deploying the spoke). Synth needs no
 * credentials: every account and region is given.
 */
import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { GuardianPropsError } from '../lambda/core/errors';
import { parsePolicy, type Policy } from '../lambda/core/policy/policy';
import { GuardianAssetBucketsStack } from '../lib/guardian-asset-buckets-stack';
import { GuardianHubStack } from '../lib/guardian-hub-stack';
import { readOrgContext, type OrgDeployment } from '../lib/org-context';
import type { BuildAppOptions } from './app';

/** The built organization app. */
export interface BuiltOrgApp {
  readonly app: App;
  readonly org: OrgDeployment;
  readonly hub: GuardianHubStack;
  readonly assetStacks: readonly GuardianAssetBucketsStack[];
  readonly policy: Policy;
}

/** Builds the organization app, or returns undefined when the context asks for no organization (no `organizationalUnits`). */
export function buildOrgApp(options: BuildAppOptions = {}): BuiltOrgApp | undefined {
  // No auto-synth: when this returns undefined, an empty app must not overwrite the single-account assembly at exit.
  const app = new App({ autoSynth: false, context: { ...options.context }, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  const ctx = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const org = readOrgContext(ctx);
  if (org === undefined) return undefined;
  const policyPath = options.policyPath ?? ctx('policy') ?? 'policy.yaml';
  let policyText: string;
  try {
    policyText = readFileSync(policyPath, 'utf8');
  } catch (error) {
    throw new GuardianPropsError(`cannot read the policy file '${policyPath}' (set it with -c policy=PATH)`, { cause: error });
  }
  const policy = parsePolicy(policyText, policyPath);
  const assetBucketPrefix = ctx('assetBucketPrefix') ?? `ebs-burst-guardian-assets-${org.hubAccount}`;
  const stackName = ctx('stackName') ?? 'EbsBurstGuardian';
  const assetStacks = org.regions.map(
    (region) =>
      new GuardianAssetBucketsStack(app, `${stackName}Assets-${region}`, {
        env: { account: org.hubAccount, region },
        assetBucketPrefix,
        organizationId: org.organizationId,
        description: `ebs-burst-guardian: the spokes' code for ${region}, readable by the organization`,
      }),
  );
  const hub = new GuardianHubStack(app, `${stackName}Hub`, {
    env: { account: org.hubAccount, region: org.hubRegion },
    description: 'ebs-burst-guardian hub: central topic, history table, dashboard and the StackSet of the spokes',
    org,
    assetBucketPrefix,
    guardian: { policy, policyText, tableRemovalPolicy: RemovalPolicy.RETAIN, scanIntervalSeconds: optionalInteger(ctx('scanIntervalSeconds')) },
  });
  for (const assets of assetStacks) hub.addStackDependency(assets, 'the code must be in the regional buckets before the StackSet deploys');
  if (ctx('nag') !== 'false') Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, org, hub, assetStacks, policy };
}

function optionalInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new GuardianPropsError(`context scanIntervalSeconds must be a whole number, got '${value}'`);
  return parsed;
}
