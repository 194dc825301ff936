/**
 * `Notifier` over SNS Publish: one message per protocol (MessageStructure `json`): plain text for
 * email, the subject for SMS, and the AWS Chatbot custom-notification document as `default`, which
 * every other protocol (Chatbot's own subscription, email-json, SQS, Lambda, HTTPS) receives.
 * Subject under 100 ASCII characters, message attributes for filter policies, never over 256 KB.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (MessageStructure: a JSON object with
 * at least a `default` string; other top-level keys name a protocol)
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ApiThrottledError, NotAuthorizedError } from '../core/errors';
import { formatChatbotMessage } from '../core/notification/chatbot';
import { formatBody, formatMessageAttributes, formatSubject, SNS_MAX_MESSAGE_BYTES, utf8Bytes } from '../core/notification/format';
import type { GuardianNotification, NotificationDeployment, Notifier } from '../core/ports';
import { errorCode, errorMessage } from './ec2-errors';
import { isThrottlingError } from './throttle-retry';

/** Options of the SNS notifier. */
export interface SnsNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** The guardian's CloudWatch dashboard, linked from every notification. @default - the dashboard list */
  readonly dashboardName?: string;
  /** The history table, for the `history` command in every notification. @default - a placeholder */
  readonly historyTableName?: string;
}

/** Account and region from a topic ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`): where the guardian runs. */
export function deploymentOfTopic(topicArn: string): Pick<NotificationDeployment, 'accountId' | 'region'> {
  const [, , service, region, accountId] = topicArn.split(':');
  if (service !== 'sns') return {};
  return { ...(region ? { region } : {}), ...(accountId && /^\d{12}$/.test(accountId) ? { accountId } : {}) };
}

/** The Publish input of one notification (exported for the tests and the CLI's printout). */
export function publishInputOf(notification: GuardianNotification): { Subject: string; Message: string } {
  const subject = formatSubject(notification);
  return { Subject: subject, Message: JSON.stringify({ default: formatChatbotMessage(notification), email: formatBody(notification), sms: subject }) };
}

/** Publishes guardian notifications to one SNS topic. */
export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly deployment: NotificationDeployment;

  constructor(options: SnsNotifierOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.deployment = {
      ...deploymentOfTopic(options.topicArn),
      ...(options.dashboardName === undefined ? {} : { dashboardName: options.dashboardName }),
      ...(options.historyTableName === undefined ? {} : { historyTableName: options.historyTableName }),
    };
  }

  /** The notification with this deployment's account, region, dashboard and table filled in. */
  enrich(notification: GuardianNotification): GuardianNotification {
    return { ...notification, deployment: { ...this.deployment, ...notification.deployment } };
  }

  /** Publishes one notification; throttling and permission errors become domain errors. */
  async notify(original: GuardianNotification): Promise<void> {
    const notification = this.enrich(original);
    const { Subject: subject, Message: message } = publishInputOf(notification);
    const attributes = formatMessageAttributes(notification);
    // The 256 KB limit covers message, subject and attributes together; the formatter caps each copy far below it.
    const total = utf8Bytes(message) + utf8Bytes(subject) + Object.entries(attributes).reduce((sum, [k, v]) => sum + utf8Bytes(k) + utf8Bytes(v.StringValue) + 6, 0);
    if (total > SNS_MAX_MESSAGE_BYTES) throw new RangeError(`notification for ${notification.volumeId} is ${total} bytes, over the SNS limit`);
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          // Chatbot ignores the subject and reads its JSON; email shows it.
          Subject: subject,
          Message: message,
          MessageStructure: 'json',
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
