/**
 * How CloudWatch evaluates a metric alarm, for tests that show a synthesized alarm firing: the last
 * `EvaluationPeriods` periods, `DatapointsToAlarm` of them breaching, and missing periods treated as
 * `TreatMissingData` says (breaching: bad; notBreaching: good; missing/ignore: left out, and with no
 * datapoint at all the alarm has INSUFFICIENT_DATA).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
 */

/** The properties of an `AWS::CloudWatch::Alarm` the evaluation reads. */
export interface AlarmConfiguration {
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly TreatMissingData?: string;
}

/** The state an alarm reaches given one aggregated value (or none) per period, oldest first. */
export function evaluateAlarm(alarm: AlarmConfiguration, periods: readonly (number | undefined)[]): 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' {
  // Periods before the first given one count as missing.
  const recent = periods.slice(-alarm.EvaluationPeriods);
  const window = [...new Array<undefined>(alarm.EvaluationPeriods - recent.length).fill(undefined), ...recent];
  const treat = alarm.TreatMissingData ?? 'missing';
  const verdicts: boolean[] = [];
  for (let i = 0; i < alarm.EvaluationPeriods; i++) {
    const value = window[i];
    if (value !== undefined) verdicts.push(breaches(alarm, value));
    else if (treat === 'breaching') verdicts.push(true);
    else if (treat === 'notBreaching') verdicts.push(false);
  }
  if (verdicts.length === 0) return 'INSUFFICIENT_DATA';
  return verdicts.filter(Boolean).length >= (alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods) ? 'ALARM' : 'OK';
}

function breaches(alarm: AlarmConfiguration, value: number): boolean {
  switch (alarm.ComparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.Threshold;
    case 'GreaterThanThreshold':
      return value > alarm.Threshold;
    case 'LessThanThreshold':
      return value < alarm.Threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.Threshold;
    default:
      throw new Error(`unknown ComparisonOperator ${alarm.ComparisonOperator}`);
  }
}
