/**
 * The organization shape: the hub stack and its StackSet (service-managed, auto-deployment on, OUs
 * and regions from the context), the spoke template (the guardian, its alarms, its IAM with the
 * opt-in tag condition), resource policies conditioned on aws:PrincipalOrgID, a spoke that cannot
 * write another account's items, context errors naming the bad value, and cdk-nag clean on every stack.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOrgApp } from '../../bin/org-app';
import { GuardianPropsError } from '../../lambda/core/errors';
import { GUARDIAN_STAGES } from '../../lambda/shared/guardian-metric-names';
import { readOrgContext } from '../../lib/org-context';
import { reportedViolations, tempOutdir } from './synth-helpers';

const OUS = 'ou-abc1-aaaaaaaa,ou-abc1-bbbbbbbb,ou-abc1-cccccccc';
const REGIONS = 'us-east-1,eu-west-1,ap-southeast-2,eu-central-1';
const ORG_CONTEXT = { organizationalUnits: OUS, regions: REGIONS, organizationId: 'o-abcdefghij', account: '111111111111', region: 'us-east-1' };

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
type Resource = { Type: string; Properties: Record<string, unknown> };

const out = tempOutdir();
afterAll(() => out.dispose());
// Bundled for real: cdk-stacksets copies the bundles into the regional buckets, so placeholders cannot stand in.
const built = buildOrgApp({ context: ORG_CONTEXT, outdir: out.dir });
if (built === undefined) throw new Error('the organization context did not build the organization shape');
const assembly = built.app.synth();
const hub = Template.fromJSON(assembly.getStackByName(built.hub.stackName).template as Record<string, unknown>);
const spokeFile = readdirSync(out.dir).find((f) => f.endsWith('.stackset.template.json')) ?? '';
const spokeJson = JSON.parse(readFileSync(join(out.dir, spokeFile), 'utf8')) as { Resources: Record<string, Resource> };
const spoke = Template.fromJSON(spokeJson);
const spokeStatements = Object.values(spokeJson.Resources)
  .filter((r) => r.Type === 'AWS::IAM::Policy')
  .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

describe('the hub and its StackSet', () => {
  it('deploys the spoke with service-managed permissions and auto-deployment to the OUs and regions of the context', () => {
    hub.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS.split(',') }, Regions: REGIONS.split(',') }],
    });
  });

  it('holds the central topic, table and dashboard, and one org-readable code bucket per region', () => {
    hub.resourceCountIs('AWS::SNS::Topic', 1);
    hub.resourceCountIs('AWS::DynamoDB::Table', 1);
    hub.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(built.assetStacks.map((s) => s.region)).toEqual(REGIONS.split(','));
    for (const stack of built.assetStacks) {
      const bucketPolicy = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>).findResources('AWS::S3::BucketPolicy');
      const statements = Object.values(bucketPolicy).flatMap((r) => (r as Resource).Properties.PolicyDocument as { Statement: Statement[] }).flatMap((d) => d.Statement);
      expect(statements.find((s) => s.Sid === 'OrgReadsGuardianCode')?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });
    }
  });

  it('lets only principals of the organization write to the table and publish to the topic and its key', () => {
    const table = Object.values(hub.findResources('AWS::DynamoDB::Table'))[0] as Resource;
    const [tableStatement] = (table.Properties.ResourcePolicy as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
    expect(tableStatement?.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['${aws:PrincipalAccount}#*'] },
    });
    const topicStatements = Object.values(hub.findResources('AWS::SNS::TopicPolicy')).flatMap((r) => ((r as Resource).Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(topicStatements.find((s) => s.Sid === 'OrgSpokesPublish')?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });
    const keyStatements = Object.values(hub.findResources('AWS::KMS::Key')).flatMap((r) => ((r as Resource).Properties.KeyPolicy as { Statement: Statement[] }).Statement);
    expect(keyStatements.find((s) => s.Sid === 'OrgSpokesEncrypt')?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });
  });
});

describe('the spoke template', () => {
  it('is the guardian: both functions, schedule and event rule, its table, policy parameter and alarms', () => {
    spoke.resourceCountIs('AWS::Lambda::Function', 2);
    spoke.resourceCountIs('AWS::Events::Rule', 2);
    spoke.resourceCountIs('AWS::DynamoDB::Table', 1);
    spoke.resourceCountIs('AWS::SSM::Parameter', 1);
    // The single-account guardian's alarms plus HubWriteErrors.
    spoke.resourceCountIs('AWS::CloudWatch::Alarm', 7 + GUARDIAN_STAGES.length);
    spoke.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HubWriteErrors', Namespace: 'EbsBurstGuardian' });
  });

  it('takes its code from the regional asset bucket of the region it is deployed in', () => {
    const fn = Object.values(spoke.findResources('AWS::Lambda::Function'))[0] as Resource;
    expect(JSON.stringify((fn.Properties.Code as { S3Bucket: unknown }).S3Bucket)).toContain('ebs-burst-guardian-assets-111111111111');
    expect(JSON.stringify((fn.Properties.Code as { S3Bucket: unknown }).S3Bucket)).toContain('AWS::Region');
  });

  it('scopes ModifyVolume to volumes with the opt-in tag', () => {
    const modify = spokeStatements.find((s) => s.Sid === 'ModifyManagedVolumes');
    expect(modify?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/burst-guardian': 'managed' } });
  });

  it("grants hub writes only to items whose partition key starts with the spoke's own account", () => {
    const write = spokeStatements.find((s) => s.Sid === 'WriteOwnHubRecords');
    expect(write?.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:us-east-1:111111111111:table/ebs-burst-guardian-org-history']] });
    expect(write?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [{ 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '#*']] }] } });
  });
});

/**
 * The two documents a cross-account write must pass (identity and resource policy: both must allow,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html),
 * evaluated for `ForAllValues:StringLike` on `dynamodb:LeadingKeys` as IAM does: every key in the
 * request must match one pattern (`*` any run of characters).
 */
describe('a spoke role writing to the hub table', () => {
  const resolve = (pattern: unknown, account: string): string =>
    typeof pattern === 'string' ? pattern.replace('${aws:PrincipalAccount}', account) : JSON.stringify(pattern).includes('AWS::AccountId') ? `${account}#*` : String(pattern);
  const like = (value: string, pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);
  const allows = (statement: Statement | undefined, account: string, leadingKey: string): boolean => {
    const patterns = (statement?.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []) as unknown[];
    return patterns.length > 0 && patterns.some((p) => like(leadingKey, resolve(p, account)));
  };
  const table = Object.values(hub.findResources('AWS::DynamoDB::Table'))[0] as Resource;
  const resourceStatement = (table.Properties.ResourcePolicy as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement[0];
  const identityStatement = spokeStatements.find((s) => s.Sid === 'WriteOwnHubRecords');

  it.each([
    ['its own item', '222222222222', '222222222222#eu-west-1#VOL#vol-1', true],
    ["another account's item", '222222222222', '333333333333#eu-west-1#VOL#vol-1', false],
    ['an item of an account whose id starts with its own', '222222222222', '2222222222229#eu-west-1#VOL#vol-1', false],
    ['an unprefixed item', '222222222222', 'VOL#vol-1', false],
  ])('may write %s: %s', (_label, account, key, allowed) => {
    expect(allows(identityStatement, account, key) && allows(resourceStatement, account, key)).toBe(allowed);
  });
});

describe('the organization context', () => {
  const ctx = (values: Record<string, string>) => (key: string) => values[key];
  it('is the single-account deployment without organizationalUnits', () => {
    expect(readOrgContext(ctx({}))).toBeUndefined();
  });

  it.each([
    [{ ...ORG_CONTEXT, organizationalUnits: 'ou-abc1-aaaaaaaa,r-abc1' }, "'r-abc1' is not an OU id"],
    [{ ...ORG_CONTEXT, regions: 'us-east-1,eu-west' }, "'eu-west' is not a region name"],
    [{ ...ORG_CONTEXT, regions: '' }, 'context regions is required'],
    [{ ...ORG_CONTEXT, organizationId: 'org-1' }, "'org-1' is not an organization id"],
    [{ ...ORG_CONTEXT, account: '1234' }, "context account: '1234'"],
    [{ ...ORG_CONTEXT, callAs: 'ADMIN' }, "got 'ADMIN'"],
    [{ regions: 'us-east-1' }, 'context regions needs organizationalUnits'],
  ])('rejects %o naming the bad value', (values, message) => {
    const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    expect(() => readOrgContext(ctx(clean))).toThrow(GuardianPropsError);
    expect(() => readOrgContext(ctx(clean))).toThrow(message);
  });
});

describe('cdk-nag on the organization shape', () => {
  it('reports no unacknowledged AwsSolutions or Serverless finding on any stack, spoke included', () => {
    expect(reportedViolations(out.dir)).toEqual([]);
  });
});
