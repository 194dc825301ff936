/**
 * BurstGuardian's props and policy-dependent parts, on stacks synthesized without bundling:
 * the opt-in tag condition, e-mail subscription, an existing topic, removal policy, cron schedules,
 * and early rejection of bad props.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { GuardianPropsError } from '../../lambda/core/errors';
import { parsePolicy, type Policy } from '../../lambda/core/policy/policy';
import { GUARDIAN_STAGES } from '../../lambda/shared/guardian-metric-names';
import { BurstGuardian, type BurstGuardianProps } from '../../lib/burst-guardian';
import { SKIP_BUNDLING } from './synth-helpers';

const policyWith = (extra: string): Policy => parsePolicy(`version: 1\n${extra}`, 'test.yaml');

function guardianStack(props: Partial<BurstGuardianProps> & { policy?: Policy }, build?: (stack: Stack) => Partial<BurstGuardianProps>): Template {
  const app = new App({ context: { ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'Test');
  new BurstGuardian(stack, 'Guardian', { policy: policyWith(''), ...props, ...build?.(stack) });
  return Template.fromStack(stack);
}

function modifyVolumeStatement(template: Template): Record<string, unknown> | undefined {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement).find((s) => s.Sid === 'ModifyManagedVolumes');
}

describe('ModifyVolume scope follows the policy', () => {
  it('requires only the tag key when the opt-in tag has no value', () => {
    const template = guardianStack({ policy: policyWith('selection:\n  optInTag: { key: guardian }\n') });
    expect(modifyVolumeStatement(template)?.Condition).toEqual({ Null: { 'aws:ResourceTag/guardian': 'false' } });
  });

  it('has no tag condition when the policy manages every matching volume (optInTag: null)', () => {
    const template = guardianStack({ policy: policyWith('selection:\n  optInTag: null\n') });
    const statement = modifyVolumeStatement(template);
    expect(statement?.Action).toBe('ec2:ModifyVolume');
    expect(statement).not.toHaveProperty('Condition');
  });
});

describe('alerting props', () => {
  it('subscribes the alert e-mail with the failure queue as its dead-letter queue', () => {
    const template = guardianStack({ alertEmail: 'oncall@example.com', noticeEmail: 'team@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com', RedrivePolicy: { deadLetterTargetArn: Match.anyValue() } });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('uses existing topics for pages, alarms and notices instead of creating them', () => {
    const template = guardianStack({}, (stack) => ({
      alertTopic: sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:eu-west-1:111122223333:oncall'),
      noticeTopic: sns.Topic.fromTopicArn(stack, 'ExistingNotices', 'arn:aws:sns:eu-west-1:111122223333:team-chat'),
    }));
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ NOTICE_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:team-chat' }) } });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:oncall'] }, 5 + GUARDIAN_STAGES.length);
  });
});

describe('table, schedule and function props', () => {
  it('deletes the table with the stack only when asked', () => {
    guardianStack({ tableRemovalPolicy: RemovalPolicy.DESTROY }).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('runs a cron schedule override and sizes the heartbeat from the given interval', () => {
    const template = guardianStack({ schedule: 'cron(0/15 * * * ? *)', scanIntervalSeconds: 900, scanMemorySizeMiB: 2048, scanTimeout: Duration.minutes(10) });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/15 * * * ? *)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ScanSucceeded', Period: 900, EvaluationPeriods: 3 });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 600, ReservedConcurrentExecutions: 1 });
  });

  it('takes an hourly heartbeat from a policy scanning every hour', () => {
    guardianStack({ policy: policyWith('schedule: rate(1 hour)\n') }).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ScanSucceeded', Period: 3600 });
  });

  it.each<[string, Partial<BurstGuardianProps>, string]>([
    ['memory below 128 MiB', { scanMemorySizeMiB: 64 }, 'got 64'],
    ['memory above 10240 MiB', { scanMemorySizeMiB: 20_000 }, 'got 20000'],
    ['a timeout above 15 minutes', { scanTimeout: Duration.minutes(20) }, 'got 1200 s'],
    ['an alert e-mail without @', { alertEmail: 'oncall.example.com' }, "'oncall.example.com'"],
    ['a namespace in AWS/', { metricsNamespace: 'AWS/EBS' }, "'AWS/EBS'"],
    ['a cron schedule without an interval', { schedule: 'cron(0 * * * ? *)' }, 'pass scanIntervalSeconds'],
  ])('rejects %s, showing the bad value', (_name, props, fragment) => {
    expect(() => guardianStack(props)).toThrow(GuardianPropsError);
    expect(() => guardianStack(props)).toThrow(fragment);
  });
});
