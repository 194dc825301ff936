/**
 * EventBridge schedule expressions (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
 * the interval of a `rate(...)`, read the same way by the scan and the CDK app's heartbeat alarm.
 */

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { minute: 60, hour: 3_600, day: 86_400 };

/** The parts of a `rate(N unit)` expression, or undefined for anything else. */
export function parseRate(expression: string): { readonly value: number; readonly unit: string } | undefined {
  const match = RATE.exec(expression);
  return match === null ? undefined : { value: Number(match[1]), unit: match[2] ?? '' };
}

/** Seconds between two runs of a `rate(...)` expression; undefined for cron and anything else. */
export function rateIntervalSeconds(expression: string): number | undefined {
  const rate = parseRate(expression);
  return rate === undefined ? undefined : rate.value * (UNIT_SECONDS[rate.unit.replace(/s$/, '')] ?? 0);
}

/**
 * The longest `rate(...)` the deployed guardian can watch: its heartbeat alarm fires after 3 missed
 * scans, and CloudWatch allows Period × EvaluationPeriods ≤ 7 days for periods of an hour or more
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export const MAX_RATE_INTERVAL_SECONDS = 604_800 / 3;

/**
 * Why EventBridge (or the heartbeat alarm) would refuse this schedule, or undefined when it is fine.
 * EventBridge wants a positive value, the singular unit for 1 and the plural otherwise, and cron with
 * six fields (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
 * The policy schema, `policy validate` and `cdk synth` all ask this one function.
 */
export function scheduleProblem(expression: string): string | undefined {
  const rate = parseRate(expression);
  if (rate !== undefined) {
    const { value, unit } = rate;
    if (value <= 0) return `the rate must be positive, got '${expression}'`;
    const singular = !unit.endsWith('s');
    if ((value === 1) !== singular) return `EventBridge wants '${value === 1 ? unit.replace(/s$/, '') : `${unit}s`}' for ${value}, got '${expression}'`;
    const seconds = rateIntervalSeconds(expression) ?? 0;
    if (seconds > MAX_RATE_INTERVAL_SECONDS) {
      return `'${expression}' is longer than ${MAX_RATE_INTERVAL_SECONDS / 3600} hours: the heartbeat alarm (3 missed scans) cannot span more than CloudWatch's 7 days`;
    }
    return undefined;
  }
  if (/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expression)) return undefined;
  return `'${expression}' is neither rate(N minute(s)|hour(s)|day(s)) nor cron(6 fields)`;
}
