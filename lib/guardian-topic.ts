/**
 * The alert topic: encrypted with a customer-managed KMS key (rotated) and TLS-only. A customer-managed
 * key, not alias/aws/sns, because CloudWatch alarms can publish to an encrypted topic only when the key
 * policy lets cloudwatch.amazonaws.com use the key
 * (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** A KMS-encrypted, TLS-only SNS topic that CloudWatch alarms can publish to. */
export class GuardianTopic extends Construct {
  /** The topic. */
  readonly topic: sns.Topic;
  /** Its key. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'ebs-burst-guardian alert topic',
      // SNS keeps no messages, so nothing needs the key once the topic is gone: schedule its deletion
      // with the stack instead of leaving a billed key behind (7 days is KMS's minimum waiting period).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'EBS burst guardian',
      masterKey: this.key,
      // Adds a Deny on aws:SecureTransport=false to the topic policy (AwsSolutions-SNS3).
      enforceSSL: true,
    });
  }
}
