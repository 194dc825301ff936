/**
 * Least-privilege IAM for the guardian's functions (STYLE.md §7), and the cdk-nag acknowledgements
 * for the few wildcards AWS leaves no way around, each on the policy that holds the statement.
 * Actions, resources and condition keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 * and https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
 */
import { Aws, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Policy } from '../lambda/core/policy/policy';
import type { GuardianFunction } from './guardian-function';

/** What the statements are scoped to. */
export interface GuardianPermissionTargets {
  readonly policy: Policy;
  readonly table: dynamodb.ITable;
  readonly topic: sns.ITopic;
  readonly metricsNamespace: string;
}

/** Describe and GetMetricData support no resource-level permissions: `*` is the only choice. */
const READ_ONLY_ACTIONS = ['ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications'];

/** Every EBS volume of this account and region (narrowed by the tag condition when there is one). */
const VOLUME_ARN = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:volume/*`;

/** The `aws:ResourceTag` condition that limits ModifyVolume to opted-in volumes, if the policy has an opt-in tag. */
export function modifyVolumeCondition(policy: Policy): Record<string, Record<string, string>> | undefined {
  const tag = policy.selection.optInTag;
  if (tag === null) return undefined;
  const key = `aws:ResourceTag/${tag.key}`;
  // Key present with any value: the Null operator (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null).
  return tag.value === undefined ? { Null: { [key]: 'false' } } : { StringEquals: { [key]: tag.value } };
}

/** Grants the scan what it calls: inventory, metrics, ModifyVolume on opted-in volumes, its table, topic and namespace. */
export function grantScanPermissions(target: GuardianFunction, scope: GuardianPermissionTargets): void {
  const role = target.role;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeVolumes', actions: READ_ONLY_ACTIONS, resources: ['*'] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadBurstMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
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
  grantCommon(target, scope);
  acknowledgeWildcards(target, scope, 'scan', condition !== undefined);
}

/** Grants the modification-event handler: describe, its table, topic and namespace (no ModifyVolume). */
export function grantEventPermissions(target: GuardianFunction, scope: GuardianPermissionTargets): void {
  target.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeVolumes', actions: READ_ONLY_ACTIONS, resources: ['*'] }));
  grantCommon(target, scope);
  acknowledgeWildcards(target, scope, 'event', false);
}

function grantCommon(target: GuardianFunction, scope: GuardianPermissionTargets): void {
  target.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PutGuardianMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': scope.metricsNamespace } },
    }),
  );
  scope.table.grantReadWriteData(target.role);
  scope.topic.grantPublish(target.role);
}

/** Each finding acknowledged on the role's DefaultPolicy, the narrowest construct holding the statement. */
function acknowledgeWildcards(target: GuardianFunction, scope: GuardianPermissionTargets, kind: 'scan' | 'event', modifyIsTagScoped: boolean): void {
  const policy = target.role.node.findChild('DefaultPolicy');
  const acks = Validations.of(policy);
  acks.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ec2:DescribeVolumes, ec2:DescribeVolumesModifications, cloudwatch:GetMetricData, X-Ray PutTraceSegments/PutTelemetryRecords and cloudwatch:PutMetricData support no resource-level permissions (AWS allows nothing narrower than *); PutMetricData is limited by the cloudwatch:namespace condition to the guardian namespace.',
  });
  acks.acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${tableLogicalId(scope.table)}.Arn>/index/*]`,
    reason: "The finance queries read the history table's own GSIs (by-month, open-modifications); the wildcard covers only indexes of this one table.",
  });
  acks.acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: "Added by the topic's grantPublish: publishing to a KMS-encrypted topic needs data keys; the statement is limited to the topic's own key.",
  });
  if (kind === 'scan') {
    acks.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:volume/*]',
      reason: modifyIsTagScoped
        ? "ec2:ModifyVolume is limited to volumes carrying the policy's opt-in tag by an aws:ResourceTag condition; volume ids are not known at deploy time."
        : 'The policy has no opt-in tag (selection.optInTag: null), so the guardian manages every matching volume of this account and region; volume ids are not known at deploy time.',
    });
  }
}

/** The table's CloudFormation logical id, as cdk-nag prints it in a finding (`<LogicalId.Arn>`). */
function tableLogicalId(table: GuardianPermissionTargets['table']): string {
  const cfn = table.node.defaultChild;
  return cfn instanceof CfnElement ? Stack.of(table).getLogicalId(cfn) : table.node.id;
}
