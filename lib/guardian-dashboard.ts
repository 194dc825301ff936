/**
 * The guardian's CloudWatch dashboard. Per-volume graphs use metrics SEARCH expressions, so a volume
 * that appears after the deploy shows up without redeploying
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROBE_METRICS } from '../lambda/probe/metric-names';
import { GUARDIAN_METRICS, GUARDIAN_SERVICE_DIMENSION, GUARDIAN_SERVICE_NAME } from './guardian-metric-names';

/** Props of `GuardianDashboard`. */
export interface GuardianDashboardProps {
  readonly scanFunction: IFunction;
  readonly eventFunction: IFunction;
  readonly failureQueue: sqs.IQueue;
  readonly metricsNamespace: string;
  readonly probeNamespace: string;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PERIOD_SECONDS = 300;

/** A SEARCH expression graphed as one line per matching metric. */
export function searchExpression(schema: string, metricName: string, statistic: string): string {
  return `SEARCH('{${schema}} MetricName="${metricName}"', '${statistic}', ${PERIOD_SECONDS})`;
}

/** The dashboard: balances, forecasts, actions, errors and the probe's container-start latency. */
export class GuardianDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GuardianDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const search = (label: string, expression: string): cloudwatch.MathExpression =>
      new cloudwatch.MathExpression({ expression, label, usingMetrics: {}, period: Duration.seconds(PERIOD_SECONDS) });
    const ns = props.metricsNamespace;
    const own = (metricName: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: ns,
        metricName,
        dimensionsMap: { [GUARDIAN_SERVICE_DIMENSION]: GUARDIAN_SERVICE_NAME },
        statistic: 'Sum',
        period: Duration.seconds(PERIOD_SECONDS),
      });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'BurstBalance (%) of burstable volumes',
        width: 12,
        // AWS/EBS carries no tags, so this lists every volume that publishes BurstBalance (gp2/st1/sc1).
        left: [search('', searchExpression('AWS/EBS,VolumeId', 'BurstBalance', 'Minimum'))],
        leftYAxis: { min: 0, max: 100 },
      }),
      new cloudwatch.GraphWidget({
        title: 'Forecast seconds to empty (managed volumes)',
        width: 12,
        left: [search('', searchExpression(`${ns},${GUARDIAN_SERVICE_DIMENSION},VolumeId`, GUARDIAN_METRICS.secondsToEmpty, 'Minimum'))],
        leftYAxis: { min: 0 },
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Modifications and alerts',
        width: 8,
        left: [own(GUARDIAN_METRICS.modificationsRequested), own(GUARDIAN_METRICS.alertsSent)],
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
        width: 8,
        left: [
          props.scanFunction.metricErrors({ label: 'scan errors', period: Duration.seconds(PERIOD_SECONDS) }),
          props.eventFunction.metricErrors({ label: 'event errors', period: Duration.seconds(PERIOD_SECONDS) }),
          own(GUARDIAN_METRICS.volumeErrors),
          props.failureQueue.metricApproximateNumberOfMessagesVisible({ label: 'failure queue', period: Duration.seconds(PERIOD_SECONDS) }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Container start p90 (ms), on-host probe',
        width: 8,
        left: [search('', searchExpression(`${props.probeNamespace},InstanceId,VolumeId`, PROBE_METRICS.containerStartLatencyP90, 'Maximum'))],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Successful scans', width: 12, left: [own(GUARDIAN_METRICS.scanSucceeded)] }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 12, alarms: [...props.alarms] }),
    );
  }
}
