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
import { PROBE_DIMENSIONS, PROBE_METRICS } from '../lambda/shared/probe-metric-names';
import { GUARDIAN_METRICS, GUARDIAN_SERVICE_DIMENSION, GUARDIAN_SERVICE_NAME, GUARDIAN_STAGE_ERROR_METRICS, GUARDIAN_STAGES } from '../lambda/shared/guardian-metric-names';

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
    this.dashboard.addWidgets(...forecastRow(props.metricsNamespace));
    this.dashboard.addWidgets(...activityRow(props));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Successful scans', width: 12, left: [ownMetric(props.metricsNamespace, GUARDIAN_METRICS.scanSucceeded)] }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 12, alarms: [...props.alarms] }),
    );
  }
}

const period = Duration.seconds(PERIOD_SECONDS);

function search(expression: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression, label: '', usingMetrics: {}, period });
}

function ownMetric(namespace: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace, metricName, dimensionsMap: { [GUARDIAN_SERVICE_DIMENSION]: GUARDIAN_SERVICE_NAME }, statistic: 'Sum', period });
}

/** Balances of every burstable volume and the forecast of the managed ones. */
function forecastRow(namespace: string): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'BurstBalance (%) of burstable volumes',
      width: 12,
      // AWS/EBS carries no tags, so this lists every volume that publishes BurstBalance (gp2/st1/sc1).
      left: [search(searchExpression('AWS/EBS,VolumeId', 'BurstBalance', 'Minimum'))],
      leftYAxis: { min: 0, max: 100 },
    }),
    new cloudwatch.GraphWidget({
      title: 'Forecast seconds to empty (managed volumes)',
      width: 12,
      left: [search(searchExpression(`${namespace},${GUARDIAN_SERVICE_DIMENSION},VolumeId`, GUARDIAN_METRICS.secondsToEmpty, 'Minimum'))],
      leftYAxis: { min: 0 },
    }),
  ];
}

/** What the guardian did, what failed, and what the hosts felt. */
function activityRow(props: GuardianDashboardProps): cloudwatch.IWidget[] {
  const ns = props.metricsNamespace;
  return [
    new cloudwatch.GraphWidget({
      title: 'Modifications and alerts',
      width: 8,
      left: [ownMetric(ns, GUARDIAN_METRICS.modificationsRequested), ownMetric(ns, GUARDIAN_METRICS.alertsSent)],
    }),
    new cloudwatch.GraphWidget({
      title: 'Errors',
      width: 8,
      left: [
        props.scanFunction.metricErrors({ label: 'scan errors', period }),
        props.eventFunction.metricErrors({ label: 'event errors', period }),
        ownMetric(ns, GUARDIAN_METRICS.volumeErrors),
        ...GUARDIAN_STAGES.map((stage) => ownMetric(ns, GUARDIAN_STAGE_ERROR_METRICS[stage])),
        props.failureQueue.metricApproximateNumberOfMessagesVisible({ label: 'failure queue', period }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Container start p90 (ms), on-host probe',
      width: 8,
      left: [search(searchExpression(`${props.probeNamespace},${PROBE_DIMENSIONS.instanceId},${PROBE_DIMENSIONS.volumeId}`, PROBE_METRICS.containerStartLatencyP90, 'Maximum'))],
    }),
  ];
}
