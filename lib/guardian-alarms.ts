/**
 * The guardian's alarms, each sending ALARM and OK to the alert topic: function errors, dead letters
 * waiting in the failure queue, the heartbeat (no scan that could watch for 3 intervals), scans that
 * keep running out of time (volumes deferred 3 runs in a row), and one per
 * stage (inventory, metrics, history, modify, notify, reconcile) when that stage failed in 2 runs in
 * a row (notify: in 1). The topic must let CloudWatch publish (lib/guardian-topic.ts does).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  GUARDIAN_METRICS,
  GUARDIAN_SERVICE_DIMENSION,
  GUARDIAN_SERVICE_NAME,
  GUARDIAN_STAGE_ERROR_METRICS,
  GUARDIAN_STAGES,
  type GuardianStage,
} from '../lambda/shared/guardian-metric-names';

/**
 * Scans in a row that ran out of time and deferred volumes before `VolumesDeferred` alarms: one
 * deferring scan is the resume working; three mean the fleet no longer fits one run, so every volume
 * is looked at less often than the schedule says and the forecast's lead shrinks.
 */
export const DEFERRED_SCANS_IN_A_ROW = 3;

/** Missed intervals before the heartbeat alarm fires (issue 5). */
export const HEARTBEAT_MISSED_INTERVALS = 3;

/**
 * Consecutive runs with errors in a stage before its alarm fires. A throttled metrics batch, a
 * history write or a reconciliation is retried by the next scan, so one bad run pages nobody and
 * the same failure twice in a row is not going away by itself. A failed Publish is different: the
 * next scan may have nothing to say (the decision moved on) and the message is lost, so the first
 * one pages.
 */
export const STAGE_ERROR_RUNS: Readonly<Record<GuardianStage, number>> = { inventory: 2, metrics: 2, history: 2, modify: 2, notify: 1, reconcile: 2 };

/** What each stage alarm tells on-call (docs/deploy.md §6 says what to do). */
const STAGE_ALARM_DESCRIPTIONS: Readonly<Record<GuardianStage, string>> = {
  inventory: 'DescribeVolumes failed: the scan listed no volume, so nothing is watched (ec2:DescribeVolumes permission, throttling, EC2 outage).',
  metrics: 'GetMetricData failed for some volumes in consecutive scans: they get no forecast and no rescue (cloudwatch:GetMetricData permission, throttling).',
  history: 'The history table could not be read or written in consecutive runs: volumes without a ledger are not acted on, records may be missing (DynamoDB permission, throttling, table state).',
  modify: 'ModifyVolume or DescribeVolumesModifications failed in consecutive scans: rescues or reverts did not happen (ec2:ModifyVolume permission or tag condition, modification limits).',
  notify: 'SNS Publish failed: an alert did not reach on-call and may not be re-sent (sns:Publish or KMS permission, topic deleted, SNS outage). This alarm reaches you through CloudWatch, not the guardian: read the scan log for the lost alerts.',
  reconcile: 'Open modifications could not be refreshed from EC2 in consecutive runs: intents stay open and hold their volume (ec2:DescribeVolumesModifications, history table).',
};

/** Props of `GuardianAlarms`. */
export interface GuardianAlarmsProps {
  readonly scanFunction: IFunction;
  readonly eventFunction: IFunction;
  readonly failureQueue: sqs.IQueue;
  readonly topic: sns.ITopic;
  readonly metricsNamespace: string;
  /** One scan interval rounded up to a minute (see `heartbeatPeriodSeconds`): the heartbeat's and the stage alarms' period. */
  readonly heartbeatPeriodSeconds: number;
  /** Alarm on `PolicyLoadErrors` (the stored policy is invalid or unreadable). @default false */
  readonly watchPolicyLoads?: boolean;
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
  /** One per stage: errors in `STAGE_ERROR_RUNS[stage]` scan intervals in a row. */
  readonly stageErrors: Readonly<Record<GuardianStage, cloudwatch.Alarm>>;
  /** Scans ran out of time and deferred volumes `DEFERRED_SCANS_IN_A_ROW` times in a row. */
  readonly volumesDeferred: cloudwatch.Alarm;
  /** A run could not use the policy in Parameter Store and ran on the last good one (when `watchPolicyLoads`). */
  readonly policyLoadErrors?: cloudwatch.Alarm;

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
    this.volumesDeferred = this.ownMetric(props, GUARDIAN_METRICS.volumesDeferred).createAlarm(this, 'VolumesDeferred', {
      alarmDescription:
        `Scans ran out of time ${DEFERRED_SCANS_IN_A_ROW} times in a row and left volumes for the next run: the fleet no longer fits one scan, so volumes are read less often than the schedule. Raise the scan's memory or timeout, or narrow the policy's selection.`,
      threshold: 1,
      evaluationPeriods: DEFERRED_SCANS_IN_A_ROW,
      datapointsToAlarm: DEFERRED_SCANS_IN_A_ROW,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No datum = no scan ran; the heartbeat alarm covers that.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.stageErrors = Object.fromEntries(GUARDIAN_STAGES.map((stage) => [stage, this.stageAlarm(props, stage)])) as Record<GuardianStage, cloudwatch.Alarm>;
    if (props.watchPolicyLoads === true) {
      this.policyLoadErrors = this.ownMetric(props, GUARDIAN_METRICS.policyLoadErrors).createAlarm(this, 'PolicyLoadErrors', {
        alarmDescription:
          'The policy in Parameter Store is invalid or unreadable: the guardian runs on the last good policy. The scan log names file, line and field; fix it with burst-guardian policy push.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // Emitted only when a run falls back: silence means the stored policy is in use.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const action = new SnsAction(props.topic);
    for (const alarm of this.all()) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** Every alarm of the guardian (for the dashboard). */
  all(): cloudwatch.Alarm[] {
    return [
      this.scanErrors,
      this.eventErrors,
      this.deadLetters,
      this.heartbeat,
      this.volumesDeferred,
      ...GUARDIAN_STAGES.map((stage) => this.stageErrors[stage]),
      ...(this.policyLoadErrors === undefined ? [] : [this.policyLoadErrors]),
    ];
  }

  /** Errors of one stage in `STAGE_ERROR_RUNS[stage]` consecutive intervals; no datum means no errors. */
  private stageAlarm(props: GuardianAlarmsProps, stage: GuardianStage): cloudwatch.Alarm {
    return this.ownMetric(props, GUARDIAN_STAGE_ERROR_METRICS[stage]).createAlarm(this, `${capitalize(stage)}Errors`, {
      alarmDescription: STAGE_ALARM_DESCRIPTIONS[stage],
      threshold: 1,
      evaluationPeriods: STAGE_ERROR_RUNS[stage],
      datapointsToAlarm: STAGE_ERROR_RUNS[stage],
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // The metric is published only when non-zero (GUARDIAN_STAGE_ERROR_METRICS): silence is a clean run.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
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
    return this.ownMetric(props, GUARDIAN_METRICS.scanSucceeded);
  }

  /** A metric the handlers emit (same namespace, name and `service` dimension), summed per scan interval. */
  private ownMetric(props: GuardianAlarmsProps, metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: props.metricsNamespace,
      metricName,
      dimensionsMap: { [GUARDIAN_SERVICE_DIMENSION]: GUARDIAN_SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.seconds(props.heartbeatPeriodSeconds),
    });
  }
}

function capitalize(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}
