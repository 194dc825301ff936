import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiThrottledError, NotAuthorizedError } from '../../lambda/core/errors';
import { formatChatbotMessage } from '../../lambda/core/notification/chatbot';
import { formatBody, formatMessageAttributes, formatSubject } from '../../lambda/core/notification/format';
import type { GuardianNotification } from '../../lambda/core/ports';
import { deploymentOfTopic, SnsNotifier } from '../../lambda/aws/sns-notifier';
import { createAwsPorts, createGuardianClients } from '../../lambda/handlers/wiring';

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:guardian';

const NOTE: GuardianNotification = {
  event: 'rescue', severity: 'warning', tEpochSeconds: 1_767_225_600, volumeId: 'vol-1', volumeType: 'gp2', sizeGiB: 50,
  action: 'Flipped to gp3.', reason: 'Empty in 20 minutes.', dryRun: false,
};

function notifier(): SnsNotifier {
  return new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC, dashboardName: 'Guardian-us-east-1', historyTableName: 'GuardianHistory' });
}

const ENRICHED: GuardianNotification = {
  ...NOTE,
  deployment: { accountId: '123456789012', region: 'us-east-1', dashboardName: 'Guardian-us-east-1', historyTableName: 'GuardianHistory' },
};

describe('SnsNotifier', () => {
  it('publishes one message per protocol: plain text for email, the subject for SMS, the Chatbot document by default', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await notifier().notify(NOTE);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: formatSubject(ENRICHED),
      MessageStructure: 'json',
      Message: JSON.stringify({ default: formatChatbotMessage(ENRICHED), email: formatBody(ENRICHED), sms: formatSubject(ENRICHED) }),
      MessageAttributes: formatMessageAttributes(ENRICHED),
    });
    // SNS's rule for MessageStructure json: a JSON object whose `default` is a string.
    const message = JSON.parse(input?.Message ?? '{}') as Record<string, unknown>;
    expect(typeof message.default).toBe('string');
    expect(String(message.email)).toContain('account 123456789012, region us-east-1');
    expect(String(message.email)).toContain('--table GuardianHistory');
  });

  it.each([
    ['arn:aws:sns:eu-west-1:123456789012:alerts', { region: 'eu-west-1', accountId: '123456789012' }],
    ['arn:aws-cn:sns:cn-north-1:123456789012:alerts', { region: 'cn-north-1', accountId: '123456789012' }],
    ['not-an-arn', {}],
  ])('reads the account and region from the topic ARN %s', (arn, expected) => {
    expect(deploymentOfTopic(arn)).toEqual(expected);
  });

  it.each([
    ['Throttled', ApiThrottledError],
    ['AuthorizationErrorException', NotAuthorizedError],
    ['KMSAccessDeniedException', NotAuthorizedError],
  ] as const)('throws the domain error for %s with the SDK error as cause', async (name, errorClass) => {
    const sdkError = Object.assign(new Error('no'), { name: name === 'Throttled' ? 'ThrottledException' : name });
    sns.on(PublishCommand).rejects(sdkError);
    const error = await notifier().notify(NOTE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).cause).toBe(sdkError);
  });

  it('re-throws an unknown SNS error unchanged', async () => {
    const sdkError = Object.assign(new Error('gone'), { name: 'NotFoundException' });
    sns.on(PublishCommand).rejects(sdkError);
    await expect(notifier().notify(NOTE)).rejects.toBe(sdkError);
  });
});

describe('createAwsPorts notifier', () => {
  it('publishes pages to TOPIC_ARN and notices (early warnings, actions) to NOTICE_TOPIC_ARN', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const clients = createGuardianClients({ region: 'us-east-1' });
    const { notifier: routed } = createAwsPorts(clients, { tableName: 't', topicArn: TOPIC, noticeTopicArn: `${TOPIC}-notices` });
    await routed.notify({ ...NOTE, route: 'notice' });
    await routed.notify({ ...NOTE, event: 'throttled', route: 'page' });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([`${TOPIC}-notices`, TOPIC]);
  });
});
