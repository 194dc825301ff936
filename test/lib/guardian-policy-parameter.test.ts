/**
 * The policy's runtime home: the single-account stack synthesizes exactly as before apart from the
 * parameter, its read grants, the handlers' variable naming it, its alarm and output; the parameter
 * holds the file's text verbatim; an oversized text fails the synth.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { GuardianPropsError } from '../../lambda/core/errors';
import { GuardianStack } from '../../lib/guardian-stack';
import { GuardianPolicyParameter } from '../../lib/guardian-policy-parameter';
import { SKIP_BUNDLING } from './synth-helpers';

const TEXT = readFileSync('policy.yaml', 'utf8');
const POLICY = parsePolicy(TEXT, 'policy.yaml');

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function synth(withParameter: boolean): { Resources: Resources; Outputs: Record<string, unknown> } {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new GuardianStack(app, 'EbsBurstGuardian', { policy: POLICY, probe: false, ...(withParameter ? { policyText: TEXT } : {}) });
  return Template.fromStack(stack).toJSON() as { Resources: Resources; Outputs: Record<string, unknown> };
}

/** Removes what the parameter adds to a function or a policy, so the rest can be compared. */
function withoutParameterBits(resource: { Type: string; Properties?: Record<string, unknown> }): unknown {
  const copy = structuredClone(resource) as {
    Type: string;
    Properties: { Environment?: { Variables: Record<string, unknown> }; PolicyDocument?: { Statement: { Sid?: string }[] } };
  };
  if (copy.Type === 'AWS::Lambda::Function') delete copy.Properties.Environment?.Variables.POLICY_PARAMETER_NAME;
  const document = copy.Properties.PolicyDocument;
  if (copy.Type === 'AWS::IAM::Policy' && document !== undefined) document.Statement = document.Statement.filter((s) => s.Sid !== 'ReadPolicyParameter');
  return copy;
}

describe('the policy parameter in the single-account stack', () => {
  const before = synth(false);
  const after = synth(true);

  it('adds only the parameter and its alarm, and changes only the functions, their policies and the dashboard', () => {
    const added = Object.keys(after.Resources).filter((id) => !(id in before.Resources));
    const removed = Object.keys(before.Resources).filter((id) => !(id in after.Resources));
    expect(removed).toEqual([]);
    expect(added.map((id) => after.Resources[id]?.Type).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::SSM::Parameter']);
    const changed = Object.keys(before.Resources).filter((id) => JSON.stringify(before.Resources[id]) !== JSON.stringify(after.Resources[id]));
    expect(changed.map((id) => before.Resources[id]?.Type).sort()).toEqual([
      'AWS::CloudWatch::Dashboard',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::Lambda::Function',
      'AWS::Lambda::Function',
    ]);
    for (const id of changed.filter((i) => before.Resources[i]?.Type !== 'AWS::CloudWatch::Dashboard')) {
      expect(withoutParameterBits(after.Resources[id]!)).toEqual(before.Resources[id]);
    }
    expect(Object.keys(after.Outputs).filter((k) => !(k in before.Outputs))).toEqual(['PolicyParameterName']);
  });

  it('stores the file text verbatim under the stack-named parameter, Intelligent-Tiering', () => {
    const [parameter] = Object.values(after.Resources).filter((r) => r.Type === 'AWS::SSM::Parameter');
    expect(parameter?.Properties).toMatchObject({ Name: '/ebs-burst-guardian/EbsBurstGuardian/policy', Type: 'String', Tier: 'Intelligent-Tiering', Value: TEXT });
  });

  it('grants GetParameter on that parameter only, to both functions', () => {
    const statements = Object.values(after.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties as { PolicyDocument: { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] } }).PolicyDocument.Statement)
      .filter((s) => s.Sid === 'ReadPolicyParameter');
    expect(statements).toHaveLength(2);
    for (const s of statements) expect(s.Action).toBe('ssm:GetParameter');
    const parameterId = Object.keys(after.Resources).find((id) => after.Resources[id]?.Type === 'AWS::SSM::Parameter');
    for (const s of statements) expect(JSON.stringify(s.Resource)).toMatch(new RegExp(`:parameter",\\{"Ref":"${parameterId}"\\}`));
  });

  it('alarms on PolicyLoadErrors to the alert topic', () => {
    const alarm = Object.values(after.Resources).find((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === 'PolicyLoadErrors');
    expect(alarm?.Properties).toMatchObject({ Namespace: 'EbsBurstGuardian', Threshold: 1, TreatMissingData: 'notBreaching' });
    expect((alarm?.Properties?.AlarmActions as unknown[]).length).toBe(1);
  });

  it.each([
    ['8192 characters', 8192, false],
    ['8193 characters', 8193, true],
  ])('a policy text of %s %s', (_label, length, fails) => {
    const stack = new Stack(new App(), 'S');
    const build = () => new GuardianPolicyParameter(stack, `P${length}`, { text: `#${'x'.repeat(length - 1)}` });
    if (fails) expect(build).toThrow(GuardianPropsError);
    else expect(build).not.toThrow();
  });
});
