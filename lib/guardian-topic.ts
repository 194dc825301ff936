/**
 * An alert topic: encrypted with a customer-managed KMS key (rotated) and TLS-only, that CloudWatch
 * alarms can publish to. Two grants make that work, because the stack writes the topic policy (for
 * TLS) and that replaces SNS's default policy, which would have let the account's alarms in:
 * - the topic policy allows `cloudwatch.amazonaws.com` to `sns:Publish`
 *   (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger; without it the
 *   alarm history shows "... is not authorized to perform: SNS:Publish ...");
 * - the key policy lets `cloudwatch.amazonaws.com` use the key (`kms:Decrypt`, `kms:GenerateDataKey*`),
 *   which alias/aws/sns never can (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns,
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * Both carry `aws:SourceAccount` and `aws:SourceArn` (alarms of this account and region), against the
 * cross-service confused deputy (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html;
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
 * No EventBridge rule targets these topics; one that did would need `events.amazonaws.com` too, and
 * on the key *without* those conditions (EventBridge's KMS calls carry none).
 * One construct per topic: instantiate it again for a second topic (own key, own policy).
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The service that publishes alarm state changes to SNS. */
export const CLOUDWATCH_ALARMS_PRINCIPAL = 'cloudwatch.amazonaws.com';

/** Every CloudWatch alarm of the deploying account and region (`aws:SourceArn` of an alarm's Publish). */
export const ALARM_SOURCE_ARN = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`;

/** Props of `GuardianTopic`. */
export interface GuardianTopicProps {
  /** The topic's display name (e-mail "From" name, SMS prefix). @default 'EBS burst guardian' */
  readonly displayName?: string;
  /** Description of the topic's KMS key. @default 'ebs-burst-guardian alert topic' */
  readonly keyDescription?: string;
  /** A fixed topic name (other accounts' templates name it). @default - generated */
  readonly topicName?: string;
  /** An alias of the key (other accounts' grants name it through kms:ResourceAliases). @default - none */
  readonly keyAlias?: string;
}

/** A KMS-encrypted, TLS-only SNS topic that CloudWatch alarms of this account and region can publish to. */
export class GuardianTopic extends Construct {
  /** The topic. */
  readonly topic: sns.Topic;
  /** Its key. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: GuardianTopicProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: props.keyDescription ?? 'ebs-burst-guardian alert topic',
      // SNS keeps no messages, so nothing needs the key once the topic is gone: schedule its deletion
      // with the stack instead of leaving a billed key behind (7 days is KMS's minimum waiting period).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
      ...(props.keyAlias === undefined ? {} : { alias: props.keyAlias }),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseKey',
        principals: [new iam.ServicePrincipal(CLOUDWATCH_ALARMS_PRINCIPAL)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy `*` is this key (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
        resources: ['*'],
        conditions: alarmSourceConditions(),
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'EBS burst guardian',
      ...(props.topicName === undefined ? {} : { topicName: props.topicName }),
      masterKey: this.key,
      // Adds a Deny on aws:SecureTransport=false to the topic policy (AwsSolutions-SNS3).
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal(CLOUDWATCH_ALARMS_PRINCIPAL)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: alarmSourceConditions(),
      }),
    );
  }
}

/** Only alarms of this account and region. */
function alarmSourceConditions(): Record<string, Record<string, string>> {
  return { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': ALARM_SOURCE_ARN } };
}
