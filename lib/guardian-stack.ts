/**
 * `GuardianStack`: one `BurstGuardian` in a stack, with the outputs operators and the CLI look up
 * (`burst-guardian report --stack` finds the table by the `HistoryTableName` output).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BurstGuardian, type BurstGuardianProps } from './burst-guardian';

/**
 * Output key the CLI searches for (`HISTORY_TABLE_OUTPUT_KEY` in lambda/report/history-source.ts; not
 * imported because that module loads the AWS SDK; a test keeps the two equal).
 */
export const HISTORY_TABLE_OUTPUT_ID = 'HistoryTableName';

/** Props of `GuardianStack`: the stack's own plus the guardian's. */
export interface GuardianStackProps extends StackProps, BurstGuardianProps {}

/** The deployable stack holding the guardian. */
export class GuardianStack extends Stack {
  /** The guardian inside. */
  readonly guardian: BurstGuardian;

  constructor(scope: Construct, id: string, props: GuardianStackProps) {
    super(scope, id, props);
    this.guardian = new BurstGuardian(this, 'Guardian', props);
    new CfnOutput(this, HISTORY_TABLE_OUTPUT_ID, { value: this.guardian.table.tableName, description: 'DynamoDB history table (finance reports)' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.guardian.topic.topicArn, description: 'SNS topic: subscribe on-call here' });
    new CfnOutput(this, 'ScanFunctionName', { value: this.guardian.scanFunction.function.functionName, description: 'Scheduled scan Lambda' });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.guardian.failureQueue.queueUrl, description: 'Failed invocations and undeliverable alerts' });
    new CfnOutput(this, 'DashboardName', { value: this.guardian.dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard' });
  }
}
