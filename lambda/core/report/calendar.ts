/**
 * UTC calendar arithmetic for finance: EBS bills per GB-month where a month is the calendar month's
 * seconds (https://aws.amazon.com/ebs/pricing/: "2,000 GB for 12 hours (43,200 seconds) in a 30-day
 * month" = 2,000 × 43,200 / (86,400 × 30) GB-months). `Date.UTC` is arithmetic, not a clock read.
 */

/** Seconds in a day. */
export const SECONDS_PER_DAY = 86_400;

/** Year and month (1–12) of an instant, UTC. */
function yearMonthOf(epochSeconds: number): { year: number; month: number } {
  const date = new Date(epochSeconds * 1000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 };
}

/** Start of the UTC month `month` (1–12, may overflow into the next year) of `year`, epoch seconds. */
export function monthStartEpochSeconds(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1) / 1000;
}

/** Start of the UTC calendar month holding `epochSeconds`. */
export function monthStartOf(epochSeconds: number): number {
  const { year, month } = yearMonthOf(epochSeconds);
  return monthStartEpochSeconds(year, month);
}

/** `YYYY-MM` of an instant, UTC. */
export function monthLabelOf(epochSeconds: number): string {
  const { year, month } = yearMonthOf(epochSeconds);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of an instant, UTC. */
export function dayLabelOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

/** One calendar month clipped to an interval. */
export interface MonthSlice {
  readonly month: string;
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
  /** Seconds of the whole calendar month (the denominator of a GB-month). */
  readonly secondsInMonth: number;
}

/** Splits `[start, end)` at UTC month boundaries; empty when `end <= start`. */
export function splitByMonth(startEpochSeconds: number, endEpochSeconds: number): MonthSlice[] {
  const slices: MonthSlice[] = [];
  let { year, month } = yearMonthOf(startEpochSeconds);
  let cursor = startEpochSeconds;
  while (cursor < endEpochSeconds) {
    const monthStart = monthStartEpochSeconds(year, month);
    const nextStart = monthStartEpochSeconds(year, month + 1);
    const sliceEnd = Math.min(nextStart, endEpochSeconds);
    slices.push({
      month: monthLabelOf(monthStart),
      startEpochSeconds: cursor,
      endEpochSeconds: sliceEnd,
      secondsInMonth: nextStart - monthStart,
    });
    cursor = sliceEnd;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return slices;
}

/** The `YYYY-MM` labels a period touches, in order (what `HistoryStore.listMonth` is asked for). */
export function monthsOfPeriod(sinceEpochSeconds: number, untilEpochSeconds: number): string[] {
  return splitByMonth(sinceEpochSeconds, untilEpochSeconds).map((slice) => slice.month);
}

/** Splits `[start, end)` into UTC days, returning each day's start (for daily buckets). */
export function dayStarts(startEpochSeconds: number, endEpochSeconds: number): number[] {
  const first = Math.floor(startEpochSeconds / SECONDS_PER_DAY) * SECONDS_PER_DAY;
  const starts: number[] = [];
  for (let t = first; t < endEpochSeconds; t += SECONDS_PER_DAY) starts.push(t);
  return starts;
}

/** Parses `YYYY-MM`, `YYYY-MM-DD` or a full ISO-8601 instant (UTC unless an offset is given). */
export function parseReportDate(text: string): number | undefined {
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) {
    const m = Number(month[2]);
    return m >= 1 && m <= 12 ? monthStartEpochSeconds(Number(month[1]), m) : undefined;
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(text);
  if (!day && !iso) return undefined;
  const withZone = day ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: reject dates that do not round-trip.
  if (day && new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
  return ms / 1000;
}
