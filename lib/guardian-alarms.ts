/**
 * The guardian's alarms, each sending ALARM and OK to the alert topic: function errors, dead letters
 * waiting in the failure queue, and the heartbeat (no successful scan for 3 intervals).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GUARDIAN_METRICS, GUARDIAN_SERVICE_DIMENSION, GUARDIAN_SERVICE_NAME } from '../lambda/shared/guardian-metric-names';

/** Missed intervals before the heartbeat alarm fires (issue 5). */
export const HEARTBEAT_MISSED_INTERVALS = 3;

/** Props of `GuardianAlarms`. */
export interface GuardianAlarmsProps {
  readonly scanFunction: IFunction;
  readonly eventFunction: IFunction;
  readonly failureQueue: sqs.IQueue;
  readonly topic: sns.ITopic;
  readonly metricsNamespace: string;
  /** Heartbeat period: the scan interval rounded up to a minute (see `heartbeatPeriodSeconds`). */
  readonly heartbeatPeriodSeconds: number;
}

/** The alarms, wired to the topic. */
export class GuardianAlarms extends Construct {
  /** The scan function reported errors (a whole scan failed, or it timed out). */
  readonly scanErrors: cloudwatch.Alarm;
  /** The modification-event function reported errors. */
  readonly eventErrors: cloudwatch.Alarm;
  /** Something sits in the failure queue: an invoke that failed after retries, or an undeliverable alert. */
  readonly deadLetters: cloudwatch.Alarm;
  /** No successful scan for `HEARTBEAT_MISSED_INTERVALS` intervals (missing data counts as missed). */
  readonly heartbeat: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GuardianAlarmsProps) {
    super(scope, id);
    const fiveMinutes = Duration.minutes(5);
    this.scanErrors = this.anyAlarm(
      'ScanErrors',
      props.scanFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      'The scheduled scan failed as a whole (error or timeout). Volumes are not being watched until it recovers.',
    );
    this.eventErrors = this.anyAlarm(
      'EventErrors',
      props.eventFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      'The modifyVolume event handler failed; the next scan still reconciles modifications from EC2.',
    );
    this.deadLetters = this.anyAlarm(
      'DeadLetters',
      props.failureQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      'Messages wait in the failure queue: an invocation failed after its retries, or an alert e-mail was undeliverable. Read them, then purge.',
    );
    this.heartbeat = this.heartbeatMetric(props).createAlarm(this, 'Heartbeat', {
      alarmDescription: `No successful scan for ${HEARTBEAT_MISSED_INTERVALS} scan intervals: the guardian is not running (schedule disabled, permissions, crashes).`,
      threshold: 1,
      evaluationPeriods: HEARTBEAT_MISSED_INTERVALS,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // A scan that never ran publishes nothing: silence is the failure this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const action = new SnsAction(props.topic);
    for (const alarm of [this.scanErrors, this.eventErrors, this.deadLetters, this.heartbeat]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** An alarm on "at least one in a period"; silence is normal for these, so missing data is OK. */
  private anyAlarm(id: string, metric: cloudwatch.Metric, alarmDescription: string): cloudwatch.Alarm {
    return metric.createAlarm(this, id, {
      alarmDescription,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private heartbeatMetric(props: GuardianAlarmsProps): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: props.metricsNamespace,
      metricName: GUARDIAN_METRICS.scanSucceeded,
      dimensionsMap: { [GUARDIAN_SERVICE_DIMENSION]: GUARDIAN_SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.seconds(props.heartbeatPeriodSeconds),
    });
  }
}
