/**
 * Does a set of planned critical windows fit the modification ledger? Each window costs two
 * modifications per volume: the flip `leadMinutes` before it starts and the revert when it ends.
 * `policy validate` refuses a plan the ledger could not carry, naming the schedule's line, rather
 * than letting the guardian discover it at 02:00 with etcd on gp2 (ledger.ts for AWS's rules:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html).
 *
 * The check replays every occurrence over a fixed 35-day calendar (five weeks, so weekly and
 * monthly crons show their worst day), with the ledger's own arithmetic: a flip needs at most 2
 * modifications in the previous 24 h (its revert must still fit, as for a rescue), a revert at most
 * 3; under `six-hour-cooldown` consecutive modifications must be ≥ 6 h apart. `policy validate`
 * cannot know which volumes each schedule will match, so schedules whose matches could overlap are
 * counted together, as if one volume matched them all.
 */
import { cronOccurrences, type Cron } from '../policy/cron';
import { COOLDOWN_SECONDS, MODIFICATIONS_PER_WINDOW, RATE_WINDOW_SECONDS, type ModificationRule } from './ledger';

/** One schedule as the fit check needs it. */
export interface PlannedWindow {
  readonly name: string;
  readonly cron: Cron;
  readonly durationMinutes: number;
  readonly leadMinutes: number;
  readonly match: { readonly tags?: Readonly<Record<string, readonly string[]>>; readonly volumeIds?: readonly string[] };
}

/** A schedule that does not fit, with the field to point at. */
export interface ScheduleConflict {
  readonly index: number;
  readonly field: 'cron' | 'durationMinutes';
  readonly message: string;
}

/** Monday 2026-01-05T00:00:00Z: the replay's fixed calendar (any start would do; a fixed one keeps messages stable). */
const CALENDAR_START = 1_767_571_200;
const CALENDAR_SECONDS = 35 * 86_400;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface Modification {
  readonly t: number;
  readonly kind: 'flip' | 'revert';
  readonly index: number;
}

/** Every way the schedules break the ledger (empty = they fit). */
export function scheduleConflicts(windows: readonly PlannedWindow[], rule: ModificationRule): ScheduleConflict[] {
  const conflicts: ScheduleConflict[] = [];
  const plans = windows.map((w, index) => modificationsOf(w, index));
  for (const [index, w] of windows.entries()) {
    const own = plans[index] ?? [];
    const overlap = own.find((m, i) => m.kind === 'flip' && i > 0 && (own[i - 1]?.t ?? 0) > m.t);
    if (overlap !== undefined) {
      conflicts.push({ index, field: 'durationMinutes', message: `schedule '${w.name}': a window (with its ${w.leadMinutes} min lead) starts before the previous one has ended` });
    }
  }
  if (conflicts.length > 0) return conflicts;
  for (const [index, w] of windows.entries()) {
    const together = windows.flatMap((other, j) => (j === index || mayOverlap(w, other) ? (plans[j] ?? []) : [])).sort((a, b) => a.t - b.t || (a.kind === 'revert' ? -1 : 1));
    const problem = rule === 'four-per-24h' ? rateProblem(together, index) : cooldownProblem(together, index);
    if (problem !== undefined) conflicts.push({ index, field: 'cron', message: `schedule '${w.name}': ${problem}` });
  }
  return conflicts;
}

function modificationsOf(w: PlannedWindow, index: number): Modification[] {
  const lead = w.leadMinutes * 60;
  // Occurrences starting up to one window before the calendar still revert inside it.
  const starts = cronOccurrences(w.cron, CALENDAR_START - (w.durationMinutes + w.leadMinutes) * 60, CALENDAR_START + CALENDAR_SECONDS);
  return starts.flatMap((s) => [{ t: s - lead, kind: 'flip' as const, index }, { t: s + w.durationMinutes * 60, kind: 'revert' as const, index }]);
}

/** The ledger's rule at each of this schedule's modifications: a flip leaves room for its revert. */
function rateProblem(all: readonly Modification[], index: number): string | undefined {
  for (const [i, m] of all.entries()) {
    if (m.index !== index || m.t < CALENDAR_START) continue;
    // Modifications already made when this one is asked for: earlier in the sorted plan, within 24 h.
    const before = all.slice(0, i).filter((o) => o.t > m.t - RATE_WINDOW_SECONDS).length;
    const allowed = m.kind === 'flip' ? MODIFICATIONS_PER_WINDOW - 2 : MODIFICATIONS_PER_WINDOW - 1;
    if (before > allowed) {
      const what = m.kind === 'flip' ? `the flip at ${when(m.t)} would find ${before} modifications in the previous 24 h, and a flip needs at most ${allowed} so its revert still fits` : `the revert at ${when(m.t)} would be modification ${before + 1} in 24 h`;
      return `${what} (AWS allows ${MODIFICATIONS_PER_WINDOW} per volume per rolling 24 h; each window costs a flip and a revert)`;
    }
  }
  return undefined;
}

function cooldownProblem(all: readonly Modification[], index: number): string | undefined {
  for (const [i, m] of all.entries()) {
    const previous = all[i - 1];
    if (m.index !== index || previous === undefined || m.t < CALENDAR_START) continue;
    if (m.t - previous.t < COOLDOWN_SECONDS) {
      return `the ${m.kind} at ${when(m.t)} comes ${Math.round((m.t - previous.t) / 60)} min after the ${previous.kind} at ${when(previous.t)}; the six-hour-cooldown rule needs 360 min between modifications`;
    }
  }
  return undefined;
}

/** Could one volume match both schedules? Only provably disjoint matches are counted apart. */
function mayOverlap(a: PlannedWindow, b: PlannedWindow): boolean {
  if (a.match.volumeIds !== undefined && b.match.volumeIds !== undefined && !a.match.volumeIds.some((id) => b.match.volumeIds?.includes(id))) return false;
  for (const [key, values] of Object.entries(a.match.tags ?? {})) {
    const other = b.match.tags?.[key];
    if (values.length > 0 && other !== undefined && other.length > 0 && !values.some((v) => other.includes(v))) return false;
  }
  return true;
}

function when(t: number): string {
  const d = new Date(t * 1000);
  return `${DAYS[d.getUTCDay()] ?? ''} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}
