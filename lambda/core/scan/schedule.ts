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
