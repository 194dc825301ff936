/**
 * Five-field cron expressions in UTC (`minute hour day-of-month month day-of-week`), the form of
 * crontab(5): `*`, numbers, lists `a,b`, ranges `a-b` and steps `*\/n`, `a-b/n`. Day of week 0–7
 * (0 and 7 are Sunday). As in crontab(5), when both day fields are restricted a day matches if
 * either does. Pure: times are epoch seconds passed in.
 */

/** A parsed cron: the allowed values of each field. */
export interface Cron {
  readonly text: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Parses a five-field UTC cron; a problem is returned as a message, never thrown. */
export function parseCron(text: string): { readonly cron: Cron } | { readonly error: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) return { error: `cron needs 5 fields (minute hour day-of-month month day-of-week, UTC), got ${parts.length}: '${text}'` };
  const sets: Set<number>[] = [];
  for (const [i, field] of FIELDS.entries()) {
    const parsed = parseField(parts[i] ?? '', field.min, field.max);
    if (typeof parsed === 'string') return { error: `cron ${field.name} '${parts[i]}': ${parsed}` };
    sets.push(parsed);
  }
  const [minutes, hours, daysOfMonth, months, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const daysOfWeek = new Set([...dow].map((d) => d % 7));
  return { cron: { text, minutes, hours, daysOfMonth, months, daysOfWeek, domRestricted: parts[2] !== '*', dowRestricted: parts[4] !== '*' } };
}

function parseField(text: string, min: number, max: number): Set<number> | string {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (m === null) return `'${item}' is not *, N, A-B or a step /N`;
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] === undefined ? 1 : Number(m[4]);
    if (from < min || to > max || from > to) return `${item} is outside ${min}–${max}`;
    if (step < 1) return 'a step must be at least 1';
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** True when the minute starting at `epochSeconds` (UTC) matches. */
export function cronMatches(cron: Cron, epochSeconds: number): boolean {
  const d = new Date(Math.floor(epochSeconds / 60) * 60_000);
  if (!cron.minutes.has(d.getUTCMinutes()) || !cron.hours.has(d.getUTCHours()) || !cron.months.has(d.getUTCMonth() + 1)) return false;
  const dom = cron.daysOfMonth.has(d.getUTCDate());
  const dow = cron.daysOfWeek.has(d.getUTCDay());
  if (cron.domRestricted && cron.dowRestricted) return dom || dow;
  return dom && dow;
}

/** Start times (epoch seconds, whole minutes) of the cron in [fromEpochSeconds, untilEpochSeconds). */
export function cronOccurrences(cron: Cron, fromEpochSeconds: number, untilEpochSeconds: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(fromEpochSeconds / 60) * 60; t < untilEpochSeconds; t += 60) if (cronMatches(cron, t)) out.push(t);
  return out;
}
