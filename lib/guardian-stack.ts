/**
 * `GuardianStack`: one `BurstGuardian` in a stack, with the outputs operators and the CLI look up
 * (`burst-guardian report --stack` finds the table by the `HistoryTableName` output).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BurstGuardian, type BurstGuardianProps } from './burst-guardian';
import { POLICY_PARAMETER_OUTPUT_KEY } from '../lambda/shared/policy-parameter';
import { ProbeDistribution, type ProbeDistributionProps } from './probe-distribution';

/**
 * Output key the CLI searches for (`HISTORY_TABLE_OUTPUT_KEY` in lambda/cli/history-source.ts; not
 * imported because that module loads the AWS SDK; a test keeps the two equal).
 */
export const HISTORY_TABLE_OUTPUT_ID = 'HistoryTableName';

/** Props of `GuardianStack`: the stack's own plus the guardian's. */
export interface GuardianStackProps extends StackProps, BurstGuardianProps {
  /** The on-host probe's distribution (layer, install document, optional association), or false for none. @default {} */
  readonly probe?: ProbeDistributionProps | false;
}

/** The deployable stack holding the guardian. */
export class GuardianStack extends Stack {
  /** The guardian inside. */
  readonly guardian: BurstGuardian;
  /** The probe's distribution, unless `probe: false`. */
  readonly probe?: ProbeDistribution;

  constructor(scope: Construct, id: string, props: GuardianStackProps) {
    super(scope, id, props);
    this.guardian = new BurstGuardian(this, 'Guardian', props);
    new CfnOutput(this, HISTORY_TABLE_OUTPUT_ID, { value: this.guardian.table.tableName, description: 'DynamoDB history table (finance reports)' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.guardian.topic.topicArn, description: 'SNS topic of pages: subscribe on-call (PagerDuty, Opsgenie) here' });
    new CfnOutput(this, 'NoticeTopicArn', { value: this.guardian.noticeTopic.topicArn, description: 'SNS topic of early warnings and notices: subscribe email or Slack here, not a pager' });
    new CfnOutput(this, 'ScanFunctionName', { value: this.guardian.scanFunction.function.functionName, description: 'Scheduled scan Lambda' });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.guardian.failureQueue.queueUrl, description: 'Failed invocations and undeliverable alerts' });
    if (props.probe !== false) {
      const probe = new ProbeDistribution(this, 'Probe', { probeNamespace: props.probeNamespace, ...props.probe });
      this.probe = probe;
      new CfnOutput(this, 'ProbeLayerVersionArnX8664', { value: probe.layers.x86_64.layerVersionArn, description: 'Probe with its Node runtime for x86_64 hosts (layer version)' });
      new CfnOutput(this, 'ProbeLayerVersionArnArm64', { value: probe.layers.aarch64.layerVersionArn, description: 'Probe with its Node runtime for aarch64 hosts (layer version)' });
      new CfnOutput(this, 'ProbeInstallDocumentName', { value: probe.installDocument.ref, description: 'SSM document installing the probe' });
      new CfnOutput(this, 'ProbeInstancePolicyArn', { value: probe.instancePolicy.managedPolicyArn, description: "Attach to the instances' role" });
    }
    if (this.guardian.policyParameter !== undefined) {
      new CfnOutput(this, POLICY_PARAMETER_OUTPUT_KEY, { value: this.guardian.policyParameter.parameter.parameterName, description: 'SSM parameter holding the policy (burst-guardian policy push)' });
    }
    new CfnOutput(this, 'DashboardName', { value: this.guardian.dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard' });
  }
}
