/**
 * The spoke: the guardian itself (scan and event functions, schedule, event rule, its own topic,
 * table, alarms and dashboard) as a StackSet template, deployed by CloudFormation StackSets into
 * every account of the target OUs and every target region. Its code assets are copied into the
 * hub's per-region asset buckets (cdk-stacksets' StackSetStack synthesizer), which the whole
 * organization may read. Beside what a single-account guardian has, the scan role may write its
 * own records to the hub table (partition keys starting with its account id) and publish to the
 * hub topic.
 */
import { Aws, Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { StackSetStack } from 'cdk-stacksets';
import type { Construct } from 'constructs';
import { HUB_ENV, HUB_TABLE_SPOKE_ACTIONS } from '../lambda/shared/hub-history';
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

  constructor(scope: Construct, id: string, props: GuardianSpokeStackProps) {
    super(scope, id, { assetBuckets: props.assetBuckets, assetBucketPrefix: props.assetBucketPrefix });
    this.guardian = new BurstGuardian(this, 'Guardian', props);
    const scan = this.guardian.scanFunction;
    scan.function.addEnvironment(HUB_ENV.tableName, props.hub.tableName);
    scan.function.addEnvironment(HUB_ENV.tableRegion, props.hub.region);
    scan.function.addEnvironment(HUB_ENV.topicArn, hubArns(props.hub).topic);
    grantHubWrites(scan.role, props.hub);
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
