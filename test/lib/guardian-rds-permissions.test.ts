/**
 * IAM for the policy's `rds` section (issue 15 part 2), synthesized with both cdk-nag packs:
 * DescribeDBInstances on * when RDS is watched, ModifyDBInstance only with `rds.rescue` and only on
 * DB instances carrying the opt-in tag, nothing RDS at all by default.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { reportedViolations, SKIP_BUNDLING, synthTemplate, tempOutdir } from './synth-helpers';

const dbArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':db:*']] };

function scanStatements(template: Template): Record<string, unknown>[] {
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: Match.objectLike({ Description: 'ebs-burst-guardian scheduled scan' }) }))[0];
  const roleId = (fn as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }).Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: Match.objectLike({ Roles: [{ Ref: roleId }] }) }));
  return (policies[0] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
}

function synth(policyPath: string): { template: Template; violations: ReturnType<typeof reportedViolations>; dispose(): void } {
  const out = tempOutdir();
  const built = buildApp({ policyPath, outdir: out.dir, context: { ...SKIP_BUNDLING } });
  const template = synthTemplate(built.app, built.stack.stackName);
  return { template, violations: reportedViolations(out.dir), dispose: out.dispose };
}

describe('IAM of the rds section', () => {
  let rds: ReturnType<typeof synth>;
  let defaults: ReturnType<typeof synth>;
  beforeAll(() => {
    rds = synth('test/fixtures/policies/rds-rescue.yaml');
    defaults = synth('policy.yaml');
  });
  afterAll(() => {
    rds.dispose();
    defaults.dispose();
  });

  it("allows rds:ModifyDBInstance only on DB instances carrying the policy's opt-in tag", () => {
    expect(scanStatements(rds.template)).toContainEqual({
      Sid: 'ModifyManagedDbInstances',
      Effect: 'Allow',
      Action: 'rds:ModifyDBInstance',
      Resource: dbArn,
      Condition: { StringEquals: { 'aws:ResourceTag/burst-guardian': 'managed' } },
    });
  });

  it('allows rds:DescribeDBInstances on * (the listing is filtered by tag in the guardian)', () => {
    expect(scanStatements(rds.template)).toContainEqual({ Sid: 'DescribeDbInstances', Effect: 'Allow', Action: 'rds:DescribeDBInstances', Resource: '*' });
  });

  it('grants nothing of RDS under the default policy (rds.enabled is false)', () => {
    expect(JSON.stringify(scanStatements(defaults.template))).not.toContain('rds:');
  });

  it('stays clean under AwsSolutionsChecks and ServerlessChecks', () => {
    expect(rds.violations.filter((v) => v.severity !== 'warning')).toEqual([]);
  });
});
