/**
 * The scan schedule: checks an EventBridge schedule expression the way EventBridge will, and works out
 * the interval the heartbeat alarm needs. Pure (no CDK import) so it is unit-testable on its own.
 */
import { GuardianPropsError } from '../lambda/core/errors';
import { parseRate, rateIntervalSeconds } from '../lambda/core/scan/schedule';

/** A checked schedule: `rate(...)` knows its interval; `cron(...)` needs one from the caller. */
export interface ScanSchedule {
  readonly expression: string;
  /** Seconds between two scans: from `rate(...)`, or given for `cron(...)`. */
  readonly intervalSeconds: number;
}


/**
 * Parses a schedule expression; throws `GuardianPropsError` showing the bad value. EventBridge wants
 * the singular unit for 1 and the plural otherwise, and a positive value
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
 */
export function parseScanSchedule(expression: string, cronIntervalSeconds?: number): ScanSchedule {
  const rate = parseRate(expression);
  if (rate !== undefined) {
    const { value, unit } = rate;
    const singular = !unit.endsWith('s');
    if (value <= 0) throw new GuardianPropsError(`schedule '${expression}': the rate must be positive`);
    if ((value === 1) !== singular) {
      throw new GuardianPropsError(`schedule '${expression}': EventBridge wants '${value === 1 ? unit.replace(/s$/, '') : `${unit}s`}' for ${value}`);
    }
    return { expression, intervalSeconds: rateIntervalSeconds(expression) ?? 0 };
  }
  if (/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expression)) {
    if (cronIntervalSeconds === undefined || !Number.isInteger(cronIntervalSeconds) || cronIntervalSeconds < 60) {
      throw new GuardianPropsError(
        `schedule '${expression}' is a cron expression: pass scanIntervalSeconds (whole seconds ≥ 60, got ${String(cronIntervalSeconds)}) so the heartbeat alarm knows how often a scan is due`,
      );
    }
    return { expression, intervalSeconds: cronIntervalSeconds };
  }
  throw new GuardianPropsError(`schedule '${expression}' is neither rate(N minutes|hours|days) nor cron(6 fields)`);
}

/**
 * The heartbeat alarm's period: the scan interval rounded up to a whole minute. CloudWatch allows
 * Period × EvaluationPeriods ≤ 1 day for periods under an hour and ≤ 7 days otherwise
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export function heartbeatPeriodSeconds(schedule: ScanSchedule, evaluationPeriods: number): number {
  const periodSeconds = Math.ceil(schedule.intervalSeconds / 60) * 60;
  const limitSeconds = periodSeconds < 3600 ? 86_400 : 604_800;
  if (periodSeconds * evaluationPeriods > limitSeconds) {
    throw new GuardianPropsError(
      `schedule '${schedule.expression}': ${evaluationPeriods} intervals of ${periodSeconds} s exceed CloudWatch's ${limitSeconds} s alarm window`,
    );
  }
  return periodSeconds;
}
