/**
 * Least-privilege IAM for the guardian's functions (STYLE.md §7), and the cdk-nag acknowledgements
 * for the few wildcards AWS leaves no way around, each on the policy that holds the statement.
 * Actions, resources and condition keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 * and https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
 * (RDS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html, the `db`
 * resource type takes `aws:ResourceTag/${TagKey}`).
 */
import { Aws, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Policy } from '../lambda/core/policy/policy';
import { HISTORY_TABLE_SCHEMA } from '../lambda/shared/history-table-schema';
import type { GuardianFunction } from './guardian-function';

/** What the statements are scoped to. */
export interface GuardianPermissionTargets {
  readonly policy: Policy;
  readonly table: dynamodb.ITable;
  readonly topic: sns.ITopic;
  /** The non-paging topic (early warnings, notices), when there is one. */
  readonly noticeTopic?: sns.ITopic;
}

/**
 * The item actions `DynamoDbHistoryStore` sends (GetCommand, PutCommand, UpdateCommand on the
 * table), and nothing else: no Scan, DeleteItem, BatchWriteItem or stream reads. A test derives the
 * list from the store's source, so a new command fails the test until it is granted here.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export const HISTORY_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** The store's QueryCommand: on the table and its two indexes (open modifications, by month). */
export const HISTORY_QUERY_ACTIONS = ['dynamodb:Query'] as const;

/** Describe and GetMetricData support no resource-level permissions: `*` is the only choice. */
const READ_ONLY_ACTIONS = ['ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications'];

/** The scan also reads the attached instances' types (only sizes with an EBS burst bucket are read: issue 15). */
const SCAN_READ_ONLY_ACTIONS = [...READ_ONLY_ACTIONS, 'ec2:DescribeInstances'];

/** Every EBS volume of this account and region (narrowed by the tag condition when there is one). */
const VOLUME_ARN = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:volume/*`;

/** Every RDS DB instance of this account and region (narrowed by the tag condition when there is one). */
const DB_INSTANCE_ARN = `arn:${Aws.PARTITION}:rds:${Aws.REGION}:${Aws.ACCOUNT_ID}:db:*`;

/** The `aws:ResourceTag` condition that limits ModifyVolume to opted-in volumes, if the policy has an opt-in tag. */
export function modifyVolumeCondition(policy: Policy): Record<string, Record<string, string>> | undefined {
  const tag = policy.selection.optInTag;
  if (tag === null) return undefined;
  const key = `aws:ResourceTag/${tag.key}`;
  // Key present with any value: the Null operator (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null).
  return tag.value === undefined ? { Null: { [key]: 'false' } } : { StringEquals: { [key]: tag.value } };
}

/**
 * Grants the scan what it calls: inventory, metrics, ModifyVolume on opted-in volumes, its table and
 * topic. No cloudwatch:PutMetricData: the handlers' metrics are EMF log lines (Powertools Metrics),
 * which CloudWatch Logs turns into metrics without any call from the function.
 */
export function grantScanPermissions(target: GuardianFunction, scope: GuardianPermissionTargets): void {
  const role = target.role;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeVolumes', actions: SCAN_READ_ONLY_ACTIONS, resources: ['*'] }));
  // GetMetricData also reads the instances' EBSIOBalance%/EBSByteBalance% (AWS/EC2): no other action is needed for them.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadBurstMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
  // Real prices (PRICE_SOURCE=price-list-api): GetProducts has no resource-level permission (Service Authorization Reference, AWS Price List).
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadListPrices', actions: ['pricing:GetProducts'], resources: ['*'] }));
  const condition = modifyVolumeCondition(scope.policy);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ModifyManagedVolumes',
      actions: ['ec2:ModifyVolume'],
      // Pseudo parameters even when the stack has a region: the ARN (and its nag finding id) stays stable.
      resources: [VOLUME_ARN],
      ...(condition === undefined ? {} : { conditions: condition }),
    }),
  );
  grantRds(target, scope.policy, condition);
  grantHistory(target, scope.table);
  scope.topic.grantPublish(target.role);
  scope.noticeTopic?.grantPublish(target.role);
  acknowledgeWildcards(target, 'scan', condition !== undefined);
}

/**
 * The policy's `rds` section (issue 15 part 2): DescribeDBInstances when RDS is watched, and
 * ModifyDBInstance only when `rds.rescue` is true, only on DB instances carrying the opt-in tag
 * (the same `aws:ResourceTag` condition as ModifyVolume). Nothing at all when `rds.enabled` is false.
 */
function grantRds(target: GuardianFunction, policy: Policy, condition: Record<string, Record<string, string>> | undefined): void {
  if (!policy.rds.enabled) return;
  target.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeDbInstances', actions: ['rds:DescribeDBInstances'], resources: ['*'] }));
  if (!policy.rds.rescue) return;
  target.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'ModifyManagedDbInstances', actions: ['rds:ModifyDBInstance'], resources: [DB_INSTANCE_ARN], ...(condition === undefined ? {} : { conditions: condition }) }),
  );
  Validations.of(target.role.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:*]',
    reason:
      condition === undefined
        ? 'The policy has no opt-in tag (selection.optInTag: null), so rds:ModifyDBInstance covers every DB instance of this account and region the rds section selects; identifiers are not known at deploy time.'
        : "rds:ModifyDBInstance is limited to DB instances carrying the policy's opt-in tag by an aws:ResourceTag condition (supported on the db resource type); identifiers are not known at deploy time.",
  });
}

/**
 * Grants the modification-event handler what reconciliation calls: describe and its table. No
 * ModifyVolume, GetMetricData, SNS or KMS: it never acts, reads metrics or notifies.
 */
export function grantEventPermissions(target: GuardianFunction, scope: GuardianPermissionTargets): void {
  target.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeVolumes', actions: READ_ONLY_ACTIONS, resources: ['*'] }));
  grantHistory(target, scope.table);
  acknowledgeWildcards(target, 'event', false);
}

/** The history store's actions on the table, and Query on the table and its named indexes (no wildcard). */
function grantHistory(target: GuardianFunction, table: dynamodb.ITable): void {
  target.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'HistoryItems', actions: [...HISTORY_ITEM_ACTIONS], resources: [table.tableArn] }));
  const indexes = HISTORY_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
  target.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'HistoryQueries', actions: [...HISTORY_QUERY_ACTIONS], resources: [table.tableArn, ...indexes] }));
}

/** Each finding acknowledged on the role's DefaultPolicy, the narrowest construct holding the statement. */
function acknowledgeWildcards(target: GuardianFunction, kind: 'scan' | 'event', modifyIsTagScoped: boolean): void {
  const policy = target.role.node.findChild('DefaultPolicy');
  const acks = Validations.of(policy);
  acks.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      kind === 'scan'
        ? 'ec2:DescribeVolumes, ec2:DescribeVolumesModifications, ec2:DescribeInstances, cloudwatch:GetMetricData, pricing:GetProducts, X-Ray PutTraceSegments/PutTelemetryRecords and (when the policy watches RDS) rds:DescribeDBInstances, which lists every DB instance and filters by tag in the guardian, take * (AWS allows nothing narrower for the first six).'
        : 'ec2:DescribeVolumes, ec2:DescribeVolumesModifications and X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (AWS allows nothing narrower than *).',
  });
  if (kind === 'scan') {
    acks.acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: "Added by the topic's grantPublish: publishing to a KMS-encrypted topic needs data keys (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); the statement is limited to the topic's own key.",
    });
    acks.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:volume/*]',
      reason: modifyIsTagScoped
        ? "ec2:ModifyVolume is limited to volumes carrying the policy's opt-in tag by an aws:ResourceTag condition; volume ids are not known at deploy time."
        : 'The policy has no opt-in tag (selection.optInTag: null), so the guardian manages every matching volume of this account and region; volume ids are not known at deploy time.',
    });
  }
}
