/**
 * The hub (management or delegated-administrator account): the organization's central alert topic
 * and history table, the dashboard, and the StackSet that deploys the spoke (the guardian) to every
 * account of the target OUs in every target region, service-managed with auto-deployment, so an
 * account joining an OU gets a guardian without anyone running anything
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html).
 * Spokes write to the hub; the hub never assumes a role into a spoke (docs/deploy.md says why).
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fileAssetResourceNames, StackSetTemplate } from 'cdk-stacksets';
import type { Construct } from 'constructs';
import { HUB_TABLE_SPOKE_ACTIONS } from '../lambda/shared/hub-history';
import type { BurstGuardianProps } from './burst-guardian';
import { GuardianSpokeStack } from './guardian-spoke-stack';
import { GuardianTopic } from './guardian-topic';
import { createHistoryTable } from './history-table';
import { assetBucketName } from './guardian-asset-buckets-stack';
import type { OrgDeployment } from './org-context';

/** The hub table's fixed name: its resource policy must name its own ARN, which CloudFormation cannot reference while creating it. */
export const HUB_TABLE_NAME = 'ebs-burst-guardian-org-history';

/** The StackSet's name. */
export const STACK_SET_NAME = 'ebs-burst-guardian';

/** The central topic's fixed name and its key's alias (spoke templates name them). */
export const HUB_TOPIC_NAME = 'ebs-burst-guardian-org-alerts';
export const HUB_TOPIC_KEY_ALIAS = 'alias/ebs-burst-guardian-org-alerts';

/** Props of `GuardianHubStack`. */
export interface GuardianHubStackProps extends StackProps {
  readonly org: OrgDeployment;
  /** What every spoke's guardian is built with. */
  readonly guardian: BurstGuardianProps;
  readonly assetBucketPrefix: string;
}

/** The hub stack. */
export class GuardianHubStack extends Stack {
  readonly table: dynamodb.Table;
  readonly topic: GuardianTopic;
  readonly spoke: GuardianSpokeStack;
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: GuardianHubStackProps) {
    super(scope, id, props);
    const org = props.org;
    this.topic = new GuardianTopic(this, 'OrgAlerts', {
      displayName: 'EBS burst guardian (organization)',
      keyDescription: 'ebs-burst-guardian organization topic',
      topicName: HUB_TOPIC_NAME,
      keyAlias: HUB_TOPIC_KEY_ALIAS,
    });
    allowOrgPublish(this.topic, org.organizationId);
    this.table = this.createTable(org.organizationId);
    const assetBuckets = org.regions.map((region) => s3.Bucket.fromBucketName(this, `Assets-${region}`, assetBucketName(props.assetBucketPrefix, region)));
    this.spoke = new GuardianSpokeStack(this, 'Spoke', {
      ...props.guardian,
      hub: { account: org.hubAccount, region: org.hubRegion, tableName: HUB_TABLE_NAME, topicName: HUB_TOPIC_NAME, topicKeyAlias: HUB_TOPIC_KEY_ALIAS },
      assetBuckets,
      assetBucketPrefix: props.assetBucketPrefix,
    });
    this.stackSet = new cloudformation.CfnStackSet(this, 'GuardianStackSet', {
      stackSetName: STACK_SET_NAME,
      description: 'ebs-burst-guardian in every account of the target OUs and every target region',
      permissionModel: 'SERVICE_MANAGED',
      // Accounts joining a target OU get a spoke; leaving one removes it (its history table is retained).
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: org.callAs,
      capabilities: ['CAPABILITY_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { regionConcurrencyType: 'PARALLEL', maxConcurrentPercentage: 25, failureTolerancePercentage: 10 },
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: [...org.organizationalUnits] }, regions: [...org.regions] }],
      templateUrl: StackSetTemplate.fromStackSetStack(this.spoke).templateUrl,
    });
    // The code must be in the regional buckets before any instance is created.
    for (const name of fileAssetResourceNames) {
      const deployment = this.node.tryFindChild(name);
      if (deployment !== undefined) this.stackSet.node.addDependency(deployment);
    }
    acknowledgeAssetCopy(this, org.regions.map((region) => assetBucketName(props.assetBucketPrefix, region)));
    this.createDashboard();
    new CfnOutput(this, 'OrgHistoryTableName', { value: this.table.tableName, description: 'Central history table (finance reports)' });
    new CfnOutput(this, 'OrgAlertTopicArn', { value: this.topic.topic.topicArn, description: 'Central SNS topic: subscribe the organization on-call here' });
    new CfnOutput(this, 'StackSetName', { value: STACK_SET_NAME, description: 'The spokes (aws cloudformation list-stack-instances --stack-set-name …)' });
  }

  /** The central table: the guardian's layout, spokes' keys prefixed with their account (lambda/shared/hub-history.ts). */
  private createTable(organizationId: string): dynamodb.Table {
    const tableArn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: HUB_TABLE_NAME });
    return createHistoryTable(this, 'OrgHistoryTable', {
      tableName: HUB_TABLE_NAME,
      removalPolicy: RemovalPolicy.RETAIN,
      resourcePolicy: new iam.PolicyDocument({ statements: [spokeWritesStatement(tableArn, organizationId)] }),
    });
  }

  private createDashboard(): void {
    const dashboard = new cloudwatch.Dashboard(this, 'OrgDashboard', { dashboardName: `${this.stackName}-organization` });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '# ebs-burst-guardian: organization\nRecords written by the spokes to the central table and alerts published to the central topic. Per-account guardian health is on each spoke\'s own dashboard and alarms.',
        width: 24,
        height: 2,
      }),
      new cloudwatch.GraphWidget({ title: 'Spoke records written (central table)', left: [this.table.metricConsumedWriteCapacityUnits()], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Alerts published (central topic)', left: [this.topic.topic.metricNumberOfMessagesPublished()], width: 12 }),
    );
  }
}

/**
 * The resource side of the spokes' grant: any principal of the organization, and only items whose
 * partition key starts with the caller's own account id. `${aws:PrincipalAccount}` is a policy
 * variable (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */
export function spokeWritesStatement(tableArn: string, organizationId: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SpokesWriteOwnRecords',
    principals: [new iam.AnyPrincipal()],
    actions: [...HUB_TABLE_SPOKE_ACTIONS],
    resources: [tableArn],
    conditions: {
      StringEquals: { 'aws:PrincipalOrgID': organizationId },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['${aws:PrincipalAccount}#*'] },
    },
  });
}

/** Publish (and the key's data keys) for principals of the organization only. */
function allowOrgPublish(topic: GuardianTopic, organizationId: string): void {
  const orgOnly = { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
  topic.topic.addToResourcePolicy(
    new iam.PolicyStatement({ sid: 'OrgSpokesPublish', principals: [new iam.AnyPrincipal()], actions: ['sns:Publish'], resources: [topic.topic.topicArn], conditions: orgOnly }),
  );
  topic.key.addToResourcePolicy(
    new iam.PolicyStatement({ sid: 'OrgSpokesEncrypt', principals: [new iam.AnyPrincipal()], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'], conditions: orgOnly }),
  );
}

/**
 * cdk-nag acknowledgements for the construct cdk-stacksets adds to copy the spokes' code into the
 * regional buckets: CDK's own BucketDeployment custom resource (a singleton function run only at
 * deploy time), whose runtime, role and grants CDK fixes.
 */
export function acknowledgeAssetCopy(hub: Stack, assetBucketNames: readonly string[]): void {
  // Each wildcard finding has its own id (the action or resource it is about).
  const wildcards = [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${hub.account}-${hub.region}/*`,
    ...assetBucketNames.map((name) => `Resource::arn:<AWS::Partition>:s3:::${name}/*`),
  ];
  for (const child of hub.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    const reason = 'CDK\'s BucketDeployment custom resource (added by cdk-stacksets to copy the spoke code into the regional asset buckets): runs only during deployment, its runtime, managed logging policy and S3 grants (Get/List on the staging bucket, Put/Delete on the asset buckets) are fixed by CDK.';
    Validations.of(child).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason },
      ...wildcards.map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason })),
      { id: 'AwsSolutions-L1', reason },
      { id: 'Serverless-LambdaDLQ', reason: 'Invoked synchronously by CloudFormation as a custom resource: a failure fails the deployment, there is nothing to redrive.' },
      { id: 'Serverless-LambdaLatestVersion', reason },
      { id: 'Serverless-LambdaTracing', reason: 'A deploy-time copy job; CloudFormation events show its outcome.' },
    );
  }
  Validations.of(hub).acknowledge({
    id: 'warning-annotation',
    reason: 'BucketDeployment cannot add a bucket policy to the imported regional asset buckets; none is needed: its role is in the hub account that owns them.',
  });
}
