/**
 * The modification ledger rules, pure. AWS limits how often one volume may be modified
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html: "you must wait
 * for that modification to reach the completed state ... up to four times within a rolling
 * 24-hour period"; older SDK pages: "wait at least six hours"):
 * - `four-per-24h` (current): a new modification only once the previous one is `completed`
 *   (a `failed` one may be retried), and at most 4 per volume in any rolling 24 hours;
 * - `six-hour-cooldown` (older pages and regions): at least 6 hours after the previous one started.
 * DescribeVolumesModifications returns only the latest modification, so the guardian counts its own
 * records, the `external` ones it recorded when it saw someone else's modification, and AWS's latest
 * when no record stands for it yet. Every modification counts, whoever made it. A modification
 * began at AWS's StartTime when the record knows it (`startOf`), not at the writer's clock.
 */
import { isoUtc } from '../iso-time';
import { startOf, type GuardianModificationKind, type ModificationRecord } from '../ports';
import type { VolumeModification } from '../types';

/** The modification rule the policy chooses. */
export type ModificationRule = 'four-per-24h' | 'six-hour-cooldown';

/** Rolling window of the four-per-24h rule, seconds. */
export const RATE_WINDOW_SECONDS = 86_400;
/** Modifications allowed per volume per rolling window. */
export const MODIFICATIONS_PER_WINDOW = 4;
/** Wait of the six-hour rule, seconds. */
export const COOLDOWN_SECONDS = 6 * 3_600;
/** After a `failed` modification the guardian waits this long before retrying, so a persistent failure is not hammered every scan. */
export const FAILED_RETRY_BACKOFF_SECONDS = 15 * 60;
/** A record and AWS's latest modification are the same request when they started this close together. */
const SAME_REQUEST_TOLERANCE_SECONDS = 300;

/** What the ledger is asked. */
export interface LedgerQuery {
  readonly rule: ModificationRule;
  /** This volume's guardian records (any order). */
  readonly records: readonly ModificationRecord[];
  /** AWS's latest modification of the volume, when it has one. */
  readonly latest?: VolumeModification;
  readonly now: number;
  /** A rescue must leave room for its revert; a revert needs only itself. */
  readonly purpose: GuardianModificationKind;
}

/** Why the ledger says no. */
export type LedgerBlock = 'in-progress' | 'rate-limit' | 'cooldown' | 'no-room-for-revert' | 'failed-retry-backoff' | 'refused-backoff';

/** The ledger's answer: allowed now, or blocked until `nextAllowedEpochSeconds` (undefined = when the running one completes). */
export type LedgerVerdict =
  | { readonly kind: 'allowed'; readonly reason: string; readonly usedInWindow: number; readonly retryOfFailed: boolean }
  | { readonly kind: 'blocked'; readonly block: LedgerBlock; readonly reason: string; readonly nextAllowedEpochSeconds: number | undefined };

/** Records that reached AWS and may count against the limit (`failed` counts: we cannot prove AWS did not count it). */
const COUNTED = new Set(['modifying', 'optimizing', 'completed', 'failed', 'intent']);
const OPEN = new Set(['intent', 'modifying', 'optimizing']);

/**
 * Can this volume be modified now? For a rescue under `four-per-24h`, the answer is yes only when,
 * after the rescue, one more modification (its revert) would still fit in the same rolling 24 h,
 * i.e. at most 2 of the 4 slots are used now: otherwise a rescued volume could be stuck on the
 * expensive type, or the revert would have to wait for an old modification to leave the window.
 * Under `six-hour-cooldown` the revert is always possible 6 h after the rescue (the policy's
 * minimum hold may then be stretched to 6 h), so only the cooldown applies.
 */
export function checkLedger(query: LedgerQuery): LedgerVerdict {
  const { now } = query;
  const starts = requestStarts(query);
  const inProgress = inProgressReason(query);
  if (inProgress !== undefined) return { kind: 'blocked', block: 'in-progress', reason: inProgress, nextAllowedEpochSeconds: undefined };
  const refused = refusedUntil(query);
  if (refused !== undefined) {
    return { kind: 'blocked', block: 'refused-backoff', reason: `EC2 refused the last ModifyVolume (${refused.why}); not asking again before the back-off ends`, nextAllowedEpochSeconds: refused.until };
  }
  const lastFailed = latestFailure(query);
  if (lastFailed !== undefined && now < lastFailed + FAILED_RETRY_BACKOFF_SECONDS) {
    return { kind: 'blocked', block: 'failed-retry-backoff', reason: 'the last modification failed; retrying after a back-off', nextAllowedEpochSeconds: lastFailed + FAILED_RETRY_BACKOFF_SECONDS };
  }
  const retryOfFailed = lastFailed !== undefined;
  if (query.rule === 'six-hour-cooldown') {
    const last = starts.length > 0 ? Math.max(...starts) : undefined;
    if (last !== undefined && now < last + COOLDOWN_SECONDS) {
      return { kind: 'blocked', block: 'cooldown', reason: 'six-hour cooldown since the previous modification', nextAllowedEpochSeconds: last + COOLDOWN_SECONDS };
    }
    return { kind: 'allowed', reason: 'cooldown elapsed', usedInWindow: starts.filter((s) => s > now - COOLDOWN_SECONDS).length, retryOfFailed };
  }
  const inWindow = starts.filter((s) => s > now - RATE_WINDOW_SECONDS).sort((a, b) => a - b);
  const needed = query.purpose === 'rescue' ? 2 : 1;
  const allowedUsed = MODIFICATIONS_PER_WINDOW - needed;
  if (inWindow.length > allowedUsed) {
    // The window must shed (used − allowedUsed) starts: the next allowed time is when the last of those leaves it.
    const leaving = inWindow[inWindow.length - allowedUsed - 1] ?? now;
    const block: LedgerBlock = inWindow.length >= MODIFICATIONS_PER_WINDOW ? 'rate-limit' : 'no-room-for-revert';
    const reason = block === 'rate-limit'
      ? `${inWindow.length} modifications in the last 24 h (AWS allows ${MODIFICATIONS_PER_WINDOW})`
      : `${inWindow.length} modifications in the last 24 h: a rescue now would leave no slot for its revert`;
    return { kind: 'blocked', block, reason, nextAllowedEpochSeconds: leaving + RATE_WINDOW_SECONDS };
  }
  return { kind: 'allowed', reason: `${inWindow.length} of ${MODIFICATIONS_PER_WINDOW} modifications used in the last 24 h`, usedInWindow: inWindow.length, retryOfFailed };
}

/** Start times of every modification that counts: the guardian's, plus AWS's latest when no record matches it. */
function requestStarts(query: LedgerQuery): number[] {
  const starts = query.records.filter((r) => COUNTED.has(r.status) && !r.dryRun).map(startOf);
  const latest = query.latest;
  if (latest !== undefined && !starts.some((s) => Math.abs(s - latest.startEpochSeconds) <= SAME_REQUEST_TOLERANCE_SECONDS)) {
    starts.push(latest.startEpochSeconds);
  }
  return starts;
}

/** A modification still running: AWS says modifying/optimizing, or a record is open and AWS has not seen anything newer. */
function inProgressReason(query: LedgerQuery): string | undefined {
  const latest = query.latest;
  if (latest !== undefined && (latest.state === 'modifying' || latest.state === 'optimizing')) {
    return `a modification is ${latest.state} (started ${isoUtc(latest.startEpochSeconds)})`;
  }
  const open = query.records.filter((r) => OPEN.has(r.status) && !r.dryRun);
  const unresolved = open.find(
    (r) => latest === undefined || latest.startEpochSeconds < startOf(r) - SAME_REQUEST_TOLERANCE_SECONDS,
  );
  return unresolved === undefined ? undefined : `the guardian's ${unresolved.kind} ${unresolved.modificationId} is still ${unresolved.status}`;
}

/** Start of the latest modification when it failed (AWS's latest state or the newest record). */
function latestFailure(query: LedgerQuery): number | undefined {
  const newest = [...query.records].filter((r) => !r.dryRun && COUNTED.has(r.status)).sort((a, b) => startOf(b) - startOf(a))[0];
  const latest = query.latest;
  if (latest !== undefined && (newest === undefined || latest.startEpochSeconds >= startOf(newest) - SAME_REQUEST_TOLERANCE_SECONDS)) {
    return latest.state === 'failed' ? (latest.endEpochSeconds ?? latest.startEpochSeconds) : undefined;
  }
  return newest?.status === 'failed' ? (newest.completedEpochSeconds ?? startOf(newest)) : undefined;
}

/**
 * The back-off after EC2 refused the guardian's newest request (`rejected` with a retry time):
 * asking again every scan would only collect the same refusal (issue 11).
 */
function refusedUntil(query: LedgerQuery): { until: number; why: string } | undefined {
  const newest = [...query.records].filter((r) => !r.dryRun && r.status !== 'not-sent').sort((a, b) => startOf(b) - startOf(a))[0];
  if (newest?.status !== 'rejected' || newest.retryAfterEpochSeconds === undefined || newest.retryAfterEpochSeconds <= query.now) return undefined;
  return { until: newest.retryAfterEpochSeconds, why: newest.statusMessage ?? 'refused' };
}
