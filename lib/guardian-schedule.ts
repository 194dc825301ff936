/**
 * The scan schedule: checks an EventBridge schedule expression the way EventBridge will, and works out
 * the interval the heartbeat alarm needs. Pure (no CDK import) so it is unit-testable on its own.
 */
import { GuardianPropsError } from '../lambda/core/errors';
import { rateIntervalSeconds, scheduleProblem } from '../lambda/core/scan/schedule';

/** A checked schedule: `rate(...)` knows its interval; `cron(...)` needs one from the caller. */
export interface ScanSchedule {
  readonly expression: string;
  /** Seconds between two scans: from `rate(...)`, or given for `cron(...)`. */
  readonly intervalSeconds: number;
}


/**
 * Parses a schedule expression; throws `GuardianPropsError` showing the bad value. The rules are the
 * policy schema's (`scheduleProblem`), so `policy validate` and `cdk synth` agree.
 */
export function parseScanSchedule(expression: string, cronIntervalSeconds?: number): ScanSchedule {
  const problem = scheduleProblem(expression);
  if (problem !== undefined) throw new GuardianPropsError(`schedule: ${problem}`);
  const rateSeconds = rateIntervalSeconds(expression);
  if (rateSeconds !== undefined) return { expression, intervalSeconds: rateSeconds };
  if (cronIntervalSeconds === undefined || !Number.isInteger(cronIntervalSeconds) || cronIntervalSeconds < 60) {
    throw new GuardianPropsError(
      `schedule '${expression}' is a cron expression: pass scanIntervalSeconds (whole seconds ≥ 60, got ${String(cronIntervalSeconds)}) so the heartbeat alarm knows how often a scan is due`,
    );
  }
  return { expression, intervalSeconds: cronIntervalSeconds };
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
