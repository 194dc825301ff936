/**
 * `Notifier` over SNS Publish: subject < 100 ASCII chars, a phone-readable body or the AWS Chatbot
 * custom-notification JSON, message attributes for filter policies, never over 256 KB.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ApiThrottledError, NotAuthorizedError } from '../core/errors';
import {
  formatBody,
  formatChatbotMessage,
  formatMessageAttributes,
  formatSubject,
  SNS_MAX_MESSAGE_BYTES,
  utf8Bytes,
} from '../core/notification/format';
import type { GuardianNotification, Notifier } from '../core/ports';
import { errorCode, errorMessage } from './ec2-errors';
import { isThrottlingError } from './throttle-retry';

/** Options of the SNS notifier. */
export interface SnsNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** `chatbot` sends the custom-notification JSON AWS Chatbot renders. @default 'text' */
  readonly format?: 'text' | 'chatbot';
}

/** Publishes guardian notifications to one SNS topic. */
export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly format: 'text' | 'chatbot';

  constructor(options: SnsNotifierOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.format = options.format ?? 'text';
  }

  /** Publishes one notification; throttling and permission errors become domain errors. */
  async notify(notification: GuardianNotification): Promise<void> {
    const message = this.format === 'chatbot' ? formatChatbotMessage(notification) : formatBody(notification);
    const attributes = formatMessageAttributes(notification);
    const subject = formatSubject(notification);
    // The 256 KB limit covers message, subject and attributes together; the formatter caps the body far below it.
    const total = utf8Bytes(message) + utf8Bytes(subject) + Object.entries(attributes).reduce((sum, [k, v]) => sum + utf8Bytes(k) + utf8Bytes(v.StringValue) + 6, 0);
    if (total > SNS_MAX_MESSAGE_BYTES) throw new RangeError(`notification for ${notification.volumeId} is ${total} bytes, over the SNS limit`);
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          // Chatbot ignores the subject and reads the JSON; email and SMS show it.
          Subject: subject,
          Message: message,
          MessageAttributes: attributes,
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      if (isThrottlingError(error)) throw new ApiThrottledError(`SNS Publish throttled: ${errorMessage(error)}`, { cause: error });
      if (code === 'AuthorizationErrorException' || code === 'KMSAccessDeniedException' || code === 'AccessDenied') {
        throw new NotAuthorizedError(`SNS Publish not authorized: ${code}: ${errorMessage(error)}`, { cause: error });
      }
      throw error;
    }
  }
}
