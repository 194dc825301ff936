import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiThrottledError, NotAuthorizedError } from '../../lambda/core/errors';
import { formatBody, formatChatbotMessage, formatMessageAttributes, formatSubject } from '../../lambda/core/notification/format';
import type { GuardianNotification } from '../../lambda/core/ports';
import { SnsNotifier } from '../../lambda/aws/sns-notifier';

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:guardian';

const NOTE: GuardianNotification = {
  event: 'rescue', severity: 'warning', tEpochSeconds: 1_767_225_600, volumeId: 'vol-1', volumeType: 'gp2', sizeGiB: 50,
  action: 'Flipped to gp3.', reason: 'Empty in 20 minutes.', dryRun: false,
};

function notifier(format?: 'text' | 'chatbot'): SnsNotifier {
  return new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC, ...(format === undefined ? {} : { format }) });
}

describe('SnsNotifier', () => {
  it('publishes subject, text body and filter attributes to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await notifier().notify(NOTE);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC, Subject: formatSubject(NOTE), Message: formatBody(NOTE), MessageAttributes: formatMessageAttributes(NOTE),
    });
  });

  it('publishes the Chatbot custom-notification JSON when asked', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await notifier('chatbot').notify(NOTE);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toBe(formatChatbotMessage(NOTE));
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
