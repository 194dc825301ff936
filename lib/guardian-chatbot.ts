/**
 * Slack and Microsoft Teams channels for the alert topic, through AWS Chatbot (Amazon Q Developer in
 * chat applications). The guardian publishes each alert's custom-notification document as the SNS
 * message's `default` (lambda/aws/sns-notifier.ts), which Chatbot renders in the channel
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
 * The workspace (or team and tenant) must first be authorized once in the Chatbot console
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html); the IDs come from there.
 * The channel role has no permissions and the guardrail allows CloudWatch reads only: the channel
 * receives alerts, it does not run AWS commands on the guardian's account.
 */
import { Aws, Fn, Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GuardianPropsError } from '../lambda/core/errors';

/** Where alerts go in chat: a Slack channel, a Microsoft Teams channel, or both. */
export interface GuardianChatbotSettings {
  /** Slack workspace ID from the Chatbot console (e.g. T0123ABCD). @default - no Slack channel */
  readonly slackWorkspaceId?: string;
  /** Slack channel ID, the 9 or more characters at the end of the channel's link (e.g. C0123ABCD). @default - no Slack channel */
  readonly slackChannelId?: string;
  /** Microsoft Teams team ID (a UUID) from the Chatbot console. @default - no Teams channel */
  readonly teamsTeamId?: string;
  /** Microsoft Teams tenant ID (a UUID). @default - no Teams channel */
  readonly teamsTenantId?: string;
  /** Microsoft Teams channel ID (`19:…@thread.tacv2`). @default - no Teams channel */
  readonly teamsChannelId?: string;
  /** Chatbot's own logging to CloudWatch Logs. @default chatbot.LoggingLevel.ERROR */
  readonly loggingLevel?: chatbot.LoggingLevel;
}

/** Props of `GuardianChatbot`. */
export interface GuardianChatbotProps extends GuardianChatbotSettings {
  /** The alert topic the channels subscribe to. */
  readonly topic: sns.ITopic;
  /** The notice topic (early warnings, issue 16): a chat channel is where informational messages belong. */
  readonly noticeTopic?: sns.ITopic;
}

/** Throws `GuardianPropsError` showing the bad value unless the settings name a whole Slack and/or Teams channel. */
export function validateChatbotSettings(settings: GuardianChatbotSettings): { slack: boolean; teams: boolean } {
  const slack = [settings.slackWorkspaceId, settings.slackChannelId];
  const teams = [settings.teamsTeamId, settings.teamsTenantId, settings.teamsChannelId];
  const some = (values: readonly (string | undefined)[]) => values.some((v) => v !== undefined);
  const all = (values: readonly (string | undefined)[]) => values.every((v) => v !== undefined && v !== '');
  if (some(slack) && !all(slack)) throw new GuardianPropsError(`chatbot: Slack needs both slackWorkspaceId and slackChannelId, got ${JSON.stringify({ slackWorkspaceId: slack[0], slackChannelId: slack[1] })}`);
  if (some(teams) && !all(teams)) throw new GuardianPropsError('chatbot: Microsoft Teams needs teamsTeamId, teamsTenantId and teamsChannelId');
  if (!some(slack) && !some(teams)) throw new GuardianPropsError('chatbot: give slackWorkspaceId and slackChannelId, or the three teams* IDs');
  const check = (name: string, value: string | undefined, pattern: RegExp): void => {
    if (value !== undefined && !Token.isUnresolved(value) && !pattern.test(value)) throw new GuardianPropsError(`chatbot: ${name} '${value}' does not look like an ID from the Chatbot console`);
  };
  check('slackWorkspaceId', settings.slackWorkspaceId, /^[0-9A-Z]{1,255}$/);
  check('slackChannelId', settings.slackChannelId, /^[A-Za-z0-9]{9,255}$/);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  check('teamsTeamId', settings.teamsTeamId, uuid);
  check('teamsTenantId', settings.teamsTenantId, uuid);
  return { slack: some(slack), teams: some(teams) };
}

/** The Chatbot channel configurations subscribed to the alert topic. */
export class GuardianChatbot extends Construct {
  /** The Slack channel configuration, when Slack IDs were given. */
  readonly slack?: chatbot.SlackChannelConfiguration;
  /** The Microsoft Teams channel configuration, when Teams IDs were given. */
  readonly teams?: chatbot.CfnMicrosoftTeamsChannelConfiguration;

  constructor(scope: Construct, id: string, props: GuardianChatbotProps) {
    super(scope, id);
    const wanted = validateChatbotSettings(props);
    // Configuration names are unique per account: the stack, region and construct path make them so.
    const name = (kind: string): string => Fn.join('-', [Aws.STACK_NAME, Aws.REGION, kind, this.node.addr.slice(0, 8)]);
    const guardrail = iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess');
    const role = new iam.Role(this, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'AWS Chatbot channel role of ebs-burst-guardian: no permissions (alerts only)',
    });
    const loggingLevel = props.loggingLevel ?? chatbot.LoggingLevel.ERROR;
    if (wanted.slack) {
      this.slack = new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: name('slack'),
        slackWorkspaceId: props.slackWorkspaceId ?? '',
        slackChannelId: props.slackChannelId ?? '',
        notificationTopics: [props.topic, ...(props.noticeTopic === undefined ? [] : [props.noticeTopic])],
        role,
        guardrailPolicies: [guardrail],
        loggingLevel,
      });
    }
    if (wanted.teams) {
      this.teams = new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: name('teams'),
        iamRoleArn: role.roleArn,
        teamId: props.teamsTeamId ?? '',
        teamsTenantId: props.teamsTenantId ?? '',
        teamsChannelId: props.teamsChannelId ?? '',
        snsTopicArns: [props.topic.topicArn, ...(props.noticeTopic === undefined ? [] : [props.noticeTopic.topicArn])],
        guardrailPolicies: [guardrail.managedPolicyArn],
        loggingLevel,
      });
    }
  }
}
