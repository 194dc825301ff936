/**
 * Reconciliation, the first step of every scan and all the modifyVolume event handler does
 * (DESIGN.md §3): every open record (an intent whose answer was lost, a modification still
 * `modifying`/`optimizing`) is refreshed from DescribeVolumesModifications, volume by volume, so one
 * volume's state never blocks another's:
 * - AWS shows the record's modification (by its stored StartTime, or by target for a lost answer):
 *   the record takes AWS's state and StartTime; a lost answer also gets its history event;
 * - the volume no longer exists (DescribeVolumes with the `volume-id` filter): `volume-deleted`;
 * - an intent AWS still shows nothing for, on two reconciliations at least 10 min after it was
 *   written: `not-sent` (EC2 reads are eventually consistent, so one miss proves nothing); the next
 *   scan may act again.
 */
import { HistoryConflictError } from '../errors';
import type { ModificationPatch, ModificationRecord } from '../ports';
import { isModificationOf, REACHED_AWS } from './modification-match';
import { isRdsResourceKey } from '../rds-ports';
import { isoUtc } from '../iso-time';
import { mapWithConcurrency, messageOf } from './support';
import type { ScanDeps, ScanError } from './types';
import type { VolumeModification } from '../types';

export { recordRoundTrips } from './round-trips';

/** An intent is `not-sent` only when written at least this long ago (by the writer's clock)... */
export const ORPHAN_INTENT_SECONDS = 600;
/** ...and AWS showed no such modification on this many reconciliations. */
export const NOT_SENT_AFTER_MISSES = 2;

/** Ledger reads in flight at once while reconciling. */
const LEDGER_CONCURRENCY = 8;

/** Refreshes every open modification; returns how many were looked at. Never throws. */
export async function reconcileOpenModifications(deps: ScanDeps, now: number, errors: ScanError[]): Promise<number> {
  let open: ModificationRecord[];
  try {
    // RDS DB instances' records are reconciled by the RDS pass from DescribeDBInstances (rds-reconcile.ts).
    open = (await deps.history.listOpenModifications()).filter((r) => !r.dryRun && !isRdsResourceKey(r.volumeId));
  } catch (error) {
    errors.push({ stage: 'reconcile', message: messageOf(error) });
    return 0;
  }
  if (open.length === 0) return 0;
  const volumeIds = [...new Set(open.map((r) => r.volumeId))];
  let latest: Map<string, VolumeModification>;
  try {
    latest = await deps.modifier.describeModifications(volumeIds);
  } catch (error) {
    errors.push({ stage: 'reconcile', message: `DescribeVolumesModifications failed: ${messageOf(error)}` });
    return 0;
  }
  const ledgers = await readLedgers(deps, volumeIds, errors);
  const matched = (r: ModificationRecord): boolean => {
    const m = latest.get(r.volumeId);
    return m !== undefined && isModificationOf(r, m, othersOf(ledgers.get(r.volumeId) ?? [], r));
  };
  const existing = await existingVolumes(deps, [...new Set(open.filter((r) => ledgers.has(r.volumeId) && !matched(r)).map((r) => r.volumeId))], errors);
  for (const record of open) {
    const records = ledgers.get(record.volumeId);
    if (records === undefined) continue;
    const m = latest.get(record.volumeId);
    const exists = existing === undefined ? undefined : matched(record) || existing.has(record.volumeId);
    const patch = reconcilePatch(record, m, othersOf(records, record), exists, now);
    if (patch === undefined) continue;
    try {
      await deps.history.updateModification(record.volumeId, record.modificationId, record.status, patch);
      if (record.status === 'intent' && m !== undefined && patch.status !== undefined && REACHED_AWS.has(patch.status)) await recordLostAnswer(deps, record, m, now);
    } catch (error) {
      // A concurrent reconciliation (the event handler, another scan) moved it first: nothing is lost.
      if (error instanceof HistoryConflictError) continue;
      errors.push({ stage: 'reconcile', volumeId: record.volumeId, message: messageOf(error) });
    }
  }
  return open.length;
}

function othersOf(records: readonly ModificationRecord[], record: ModificationRecord): ModificationRecord[] {
  return records.filter((r) => r.modificationId !== record.modificationId);
}

async function readLedgers(deps: ScanDeps, volumeIds: readonly string[], errors: ScanError[]): Promise<Map<string, ModificationRecord[]>> {
  const ledgers = new Map<string, ModificationRecord[]>();
  await mapWithConcurrency(volumeIds, LEDGER_CONCURRENCY, async (volumeId) => {
    try {
      ledgers.set(volumeId, await deps.history.listModifications(volumeId));
    } catch (error) {
      errors.push({ stage: 'reconcile', volumeId, message: `history unreadable: ${messageOf(error)}` });
    }
  });
  return ledgers;
}

/** The ids among `volumeIds` that still exist, or undefined when DescribeVolumes failed (then nothing is closed for lack of proof). */
async function existingVolumes(deps: ScanDeps, volumeIds: readonly string[], errors: ScanError[]): Promise<Set<string> | undefined> {
  if (volumeIds.length === 0) return new Set();
  try {
    const inventory = deps.inventory;
    if (inventory.existingVolumeIds !== undefined) return await inventory.existingVolumeIds(volumeIds);
    return new Set((await inventory.listVolumes({ volumeIds })).map((v) => v.volumeId));
  } catch (error) {
    errors.push({ stage: 'reconcile', message: `DescribeVolumes failed, open intents stay open: ${messageOf(error)}` });
    return undefined;
  }
}

/** The scan that lost ModifyVolume's answer recorded no flip: the history must say it happened (or failed at AWS). */
async function recordLostAnswer(deps: ScanDeps, record: ModificationRecord, m: VolumeModification, now: number): Promise<void> {
  const failed = m.state === 'failed';
  await deps.history.appendEvent({
    volumeId: record.volumeId,
    tEpochSeconds: now,
    kind: failed ? 'failure' : record.kind === 'external' ? 'external-modification' : record.kind,
    runId: deps.runId,
    summary: `reconciled: the ${record.kind} to ${record.to.type} asked for at ${isoUtc(record.requestedEpochSeconds)} reached AWS (started ${isoUtc(m.startEpochSeconds)} by AWS's clock, now ${m.state}) though its answer was lost (${record.reason})`,
    details: { modificationId: record.modificationId, reconciled: true, awsStartEpochSeconds: m.startEpochSeconds, state: m.state, volumeType: record.from.type, sizeGiB: record.sizeGiB, to: record.to, from: record.from },
  });
}

/**
 * The update one open record needs given AWS's latest modification of its volume (`m`), the
 * volume's other records, and whether the volume still exists (undefined: unknown); or undefined.
 */
export function reconcilePatch(
  record: ModificationRecord,
  m: VolumeModification | undefined,
  others: readonly ModificationRecord[],
  exists: boolean | undefined,
  now: number,
): ModificationPatch | undefined {
  if (m !== undefined && isModificationOf(record, m, others)) {
    if (m.state === record.status && record.awsStartEpochSeconds === m.startEpochSeconds) return undefined;
    return {
      status: m.state,
      awsStartEpochSeconds: m.startEpochSeconds,
      ...(m.state === 'completed' || m.state === 'failed' ? { completedEpochSeconds: m.endEpochSeconds ?? now } : {}),
      ...(m.statusMessage === undefined ? {} : { statusMessage: m.statusMessage }),
    };
  }
  if (exists === false) return { status: 'volume-deleted', statusMessage: `the volume no longer exists (DescribeVolumes, ${isoUtc(now)}); the ${record.kind} was ${record.status}` };
  if (record.status === 'intent') {
    if (exists === undefined) return undefined;
    const misses = (record.reconcileMisses ?? 0) + 1;
    if (misses >= NOT_SENT_AFTER_MISSES && now - record.requestedEpochSeconds >= ORPHAN_INTENT_SECONDS) {
      return { status: 'not-sent', reconcileMisses: misses, statusMessage: `AWS shows no such modification on ${misses} reconciliations: ModifyVolume never reached it; the guardian may act again` };
    }
    return { reconcileMisses: misses };
  }
  // AWS starts a new modification only once the previous one completed
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html): a newer latest ends ours.
  if (m !== undefined && record.awsStartEpochSeconds !== undefined && m.startEpochSeconds > record.awsStartEpochSeconds) {
    return { status: 'completed', completedEpochSeconds: m.startEpochSeconds, statusMessage: `completed before the modification AWS started at ${isoUtc(m.startEpochSeconds)} (AWS starts one only after the previous completed)` };
  }
  return undefined;
}
