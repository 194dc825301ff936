/**
 * `BurstGuardian`'s props, and their early, loud checks (STYLE.md §6): every message shows the bad value.
 * Limits: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
import { Token, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { GuardianPropsError } from '../lambda/core/errors';
import type { Policy } from '../lambda/core/policy/policy';
import type { GuardianChatbotSettings } from './guardian-chatbot';

/** Props of `BurstGuardian`. */
export interface BurstGuardianProps {
  /** The validated policy (`parsePolicy`); embedded in both functions' bundles. */
  readonly policy: Policy;
  /**
   * The policy file's text: stored in an SSM parameter the functions read at run time, so a
   * `policy push` changes the policy without a redeploy (lib/guardian-policy-parameter.ts).
   * @default - no parameter: the embedded policy only
   */
  readonly policyText?: string;
  /** The account's human name in notifications (`account 123456789012 (prod-payments), eu-west-1`). @default - the id only */
  readonly accountName?: string;
  /** EventBridge schedule expression of the scan. @default - the policy's `schedule` */
  readonly schedule?: string;
  /** Seconds between scans, required when the schedule is a `cron(...)`. @default - derived from `rate(...)` */
  readonly scanIntervalSeconds?: number;
  /** E-mail address subscribed to the alert topic (it must confirm). @default - no subscription */
  readonly alertEmail?: string;
  /** Publish alerts to this existing topic instead of creating one. @default - a new KMS-encrypted topic */
  readonly alertTopic?: sns.ITopic;
  /** Slack and/or Microsoft Teams channels for the alerts, through AWS Chatbot (`lib/guardian-chatbot.ts`). @default - no chat channel */
  readonly chatbot?: GuardianChatbotSettings;
  /** E-mail address subscribed to the non-paging notice topic (early warnings). @default - no subscription */
  readonly noticeEmail?: string;
  /** Publish notices (early warnings, actions taken, recoveries) to this existing topic. @default - a new KMS-encrypted topic */
  readonly noticeTopic?: sns.ITopic;
  /** What happens to the history table when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** Retention of the functions' log groups. @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Scan memory, MiB (128–10240). @default 1024 */
  readonly scanMemorySizeMiB?: number;
  /** Scan timeout (≤ 15 min, ≤ the scan interval). @default Duration.minutes(5) */
  readonly scanTimeout?: Duration;
  /** The guardian's own CloudWatch namespace. @default 'EbsBurstGuardian' */
  readonly metricsNamespace?: string;
  /** Namespace the on-host probe publishes to. @default 'EbsBurstGuardian/Probe' */
  readonly probeNamespace?: string;
}
/** Throws `GuardianPropsError` naming the prop and its value when a prop is out of range or contradictory. */
export function validateGuardianProps(props: BurstGuardianProps): void {
  const memory = props.scanMemorySizeMiB;
  if (memory !== undefined && (!Number.isInteger(memory) || memory < 128 || memory > 10_240)) {
    throw new GuardianPropsError(`scanMemorySizeMiB must be a whole number of MiB in 128–10240, got ${memory}`);
  }
  const timeoutSeconds = props.scanTimeout?.toSeconds();
  if (timeoutSeconds !== undefined && (timeoutSeconds < 1 || timeoutSeconds > 900)) {
    throw new GuardianPropsError(`scanTimeout must be 1 s–15 min, got ${timeoutSeconds} s`);
  }
  for (const [name, email] of [['alertEmail', props.alertEmail], ['noticeEmail', props.noticeEmail]] as const) {
    if (email !== undefined && !Token.isUnresolved(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new GuardianPropsError(`${name} is not an e-mail address: '${email}'`);
    }
  }
  for (const [name, value] of [['metricsNamespace', props.metricsNamespace], ['probeNamespace', props.probeNamespace]] as const) {
    // CloudWatch reserves the AWS/ prefix (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Namespace).
    if (value !== undefined && (value.length === 0 || value.length > 255 || value.startsWith('AWS/'))) {
      throw new GuardianPropsError(`${name} must be 1–255 characters and not start with 'AWS/', got '${value}'`);
    }
  }
}
