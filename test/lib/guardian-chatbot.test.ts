/**
 * AWS Chatbot wiring (issue 14): `chatbot` settings create the Slack and/or Teams channel
 * configurations subscribed to the alert topic, with a role that has no permissions and a
 * CloudWatch-read-only guardrail (not CDK's AdministratorAccess default); both nag packs pass.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { GuardianPropsError } from '../../lambda/core/errors';
import { validateChatbotSettings } from '../../lib/guardian-chatbot';
import { SKIP_BUNDLING } from './synth-helpers';

const dir = mkdtempSync(join(tmpdir(), 'guardian-chatbot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(dir, 'policy.yaml');
writeFileSync(policy, 'version: 1\n');

const SLACK = { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCDE' };
const TEAMS = { teamsTeamId: '3f1c2a9e-1111-4a2b-9c3d-0123456789ab', teamsTenantId: '7b2d4e6f-2222-4c3d-8e4f-0123456789ab', teamsChannelId: '19:abc123@thread.tacv2' };

function synth(context: Record<string, string>): Template {
  const { app, stack } = buildApp({ context: { ...SKIP_BUNDLING, policy, ...context } });
  const assembly = app.synth(); // runs both nag packs: throws on an unacknowledged finding
  return Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
}

describe('GuardianChatbot', () => {
  it('subscribes a Slack channel to the alert and notice topics with a permissionless role and a read-only guardrail', () => {
    const template = synth(SLACK);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCDE',
      // Pages and the non-paging notices (early warnings): a chat channel gets both.
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('GuardianAlertsTopic') }, { Ref: Match.stringLikeRegexp('GuardianNoticesTopic') }],
      GuardrailPolicies: [{ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/CloudWatchReadOnlyAccess'])] }],
      LoggingLevel: 'ERROR',
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ChatbotChannelRole'), 'Arn'] },
    });
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })] } } });
    expect(Object.keys(roles)).toHaveLength(1);
    const [roleId] = Object.keys(roles);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: { Ref: string }[] } }[];
    expect(policies.filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId))).toEqual([]);
    expect((roles[roleId ?? ''] as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('subscribes a Microsoft Teams channel when the Teams IDs are given', () => {
    const template = synth(TEAMS);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamId: TEAMS.teamsTeamId,
      TeamsTenantId: TEAMS.teamsTenantId,
      TeamsChannelId: TEAMS.teamsChannelId,
      // Pages and the non-paging notices (early warnings): a chat channel gets both.
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('GuardianAlertsTopic') }, { Ref: Match.stringLikeRegexp('GuardianNoticesTopic') }],
    });
  });

  it('gives the functions the dashboard name their notifications link to', () => {
    const template = synth({});
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardName: unknown } }[];
    expect(dashboards).toHaveLength(1);
    const name = dashboards[0]?.Properties.DashboardName;
    expect(JSON.stringify(name)).toContain('AWS::StackName');
    template.allResourcesProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DASHBOARD_NAME: name }) } });
  });

  it('creates no chat channel without the settings', () => {
    const template = synth({});
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
  });

  it.each([
    [{ slackWorkspaceId: 'T0123ABCD' }, /needs both slackWorkspaceId and slackChannelId/],
    [{ teamsTeamId: TEAMS.teamsTeamId }, /needs teamsTeamId, teamsTenantId and teamsChannelId/],
    [{}, /give slackWorkspaceId and slackChannelId/],
    [{ ...SLACK, slackChannelId: '#alerts' }, /slackChannelId '#alerts'/],
    [{ ...TEAMS, teamsTenantId: 'contoso' }, /teamsTenantId 'contoso'/],
  ])('rejects the settings %j naming the problem', (settings, message) => {
    expect(() => validateChatbotSettings(settings)).toThrow(GuardianPropsError);
    expect(() => validateChatbotSettings(settings)).toThrow(message);
  });
});
