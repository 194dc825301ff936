/**
 * The spoke: the guardian itself (scan and event functions, schedule, event rule, its own topic,
 * table, alarms and dashboard) as a StackSet template, deployed by CloudFormation StackSets into
 * every account of the target OUs and every target region. Its code assets are copied into the
 * hub's per-region asset buckets (cdk-stacksets' StackSetStack synthesizer), which the whole
 * organization may read. Beside what a single-account guardian has, the scan role may write its
 * own records to the hub table (partition keys starting with its account id) and publish to the
 * hub topic.
 */
import { Aws, Duration, Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { StackSetStack } from 'cdk-stacksets';
import type { Construct } from 'constructs';
import { HUB_ENV, HUB_TABLE_SPOKE_ACTIONS, HUB_WRITE_ERRORS_METRIC } from '../lambda/shared/hub-history';
import { GUARDIAN_METRICS_NAMESPACE, GUARDIAN_SERVICE_DIMENSION, GUARDIAN_SERVICE_NAME } from '../lambda/shared/guardian-metric-names';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { BurstGuardian, type BurstGuardianProps } from './burst-guardian';

/** The hub resources a spoke writes to: literal names, since a StackSet template cannot reference the hub stack. */
export interface HubTargets {
  readonly account: string;
  readonly region: string;
  readonly tableName: string;
  readonly topicName: string;
  /** The alias of the hub topic's key (`alias/…`). */
  readonly topicKeyAlias: string;
}

/** ARNs of the hub resources, built from their fixed names. */
export function hubArns(hub: HubTargets): { table: string; topic: string; keys: string } {
  const prefix = (service: string) => `arn:${Aws.PARTITION}:${service}:${hub.region}:${hub.account}`;
  return { table: `${prefix('dynamodb')}:table/${hub.tableName}`, topic: `${prefix('sns')}:${hub.topicName}`, keys: `${prefix('kms')}:key/*` };
}

/** Props of `GuardianSpokeStack`. */
export interface GuardianSpokeStackProps extends BurstGuardianProps {
  readonly hub: HubTargets;
  /** One bucket per target region, named `<assetBucketPrefix>-<region>`. */
  readonly assetBuckets: s3.IBucket[];
  readonly assetBucketPrefix: string;
}

/** The spoke template. */
export class GuardianSpokeStack extends StackSetStack {
  readonly guardian: BurstGuardian;
  /** Copies to the hub failed: the hub's records and the central topic miss what this spoke did. */
  readonly hubWriteErrors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GuardianSpokeStackProps) {
    super(scope, id, { assetBuckets: props.assetBuckets, assetBucketPrefix: props.assetBucketPrefix });
    this.guardian = new BurstGuardian(this, 'Guardian', props);
    const scan = this.guardian.scanFunction;
    // The table by ARN: DynamoDB addresses another account's table by its ARN.
    scan.function.addEnvironment(HUB_ENV.tableName, hubArns(props.hub).table);
    scan.function.addEnvironment(HUB_ENV.tableRegion, props.hub.region);
    scan.function.addEnvironment(HUB_ENV.topicArn, hubArns(props.hub).topic);
    scan.function.addEnvironment(HUB_ENV.spokeAccount, Aws.ACCOUNT_ID);
    grantHubWrites(scan.role, props.hub);
    this.hubWriteErrors = hubWriteAlarm(this, this.guardian);
    Validations.of(scan.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${props.hub.region}:${props.hub.account}:key/*]`,
      reason: "The hub topic's key id is random and lives in another account; the grant is narrowed to the key carrying the hub topic's alias by a kms:ResourceAliases condition.",
    });
  }
}

/**
 * The identity side of the cross-account grant (DynamoDB and SNS need both sides:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html):
 * item writes only where the partition key starts with this account's id, Publish to the hub topic
 * and data keys of its key.
 */
export function grantHubWrites(role: iam.IRole, hub: HubTargets): void {
  const arns = hubArns(hub);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnHubRecords',
      actions: [...HUB_TABLE_SPOKE_ACTIONS],
      resources: [arns.table],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [Fn.join('', [Aws.ACCOUNT_ID, '#*'])] } },
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PublishToHubTopic', actions: ['sns:Publish'], resources: [arns.topic] }));
  // The key id is random; its alias is fixed (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases).
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'EncryptForHubTopic',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [arns.keys],
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': hub.topicKeyAlias } },
    }),
  );
}

/** `HubWriteErrors` ≥ 1 in two 5-minute periods in a row, to the spoke's own topic (the hub may be what is broken). */
function hubWriteAlarm(scope: StackSetStack, guardian: BurstGuardian): cloudwatch.Alarm {
  const metric = new cloudwatch.Metric({
    namespace: GUARDIAN_METRICS_NAMESPACE,
    metricName: HUB_WRITE_ERRORS_METRIC,
    dimensionsMap: { [GUARDIAN_SERVICE_DIMENSION]: GUARDIAN_SERVICE_NAME },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
  const alarm = metric.createAlarm(scope, 'HubWriteErrors', {
    alarmDescription: "Copies of this guardian's records or alerts to the organization hub failed (the guardian itself went on). Check the central table's and topic's resource policies and the hub region; the scan log says 'hub copy failed'.",
    threshold: 1,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(guardian.topic));
  alarm.addOkAction(new SnsAction(guardian.topic));
  return alarm;
}
