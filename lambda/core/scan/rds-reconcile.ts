/**
 * Closing the guardian's open RDS storage changes from what DescribeDBInstances shows (issue 15
 * part 2): RDS has no per-change history like DescribeVolumesModifications, so the instance's
 * `StorageType`, `PendingModifiedValues.StorageType` and `DBInstanceStatus` are the truth:
 * - storage type is the target and the status `storage-optimization`: `optimizing`;
 * - storage type is the target and the status anything else: `completed`;
 * - the target is pending, or the status is `modifying`: `modifying`;
 * - an intent with no trace at RDS, written at least `ORPHAN_INTENT_SECONDS` ago: `not-sent`;
 * - the instance is gone from the listing: `volume-deleted` (the record's status for a vanished resource).
 */
import { HistoryConflictError } from '../errors';
import type { ModificationPatch, ModificationRecord } from '../ports';
import { isRdsResourceKey, type RdsInstance } from '../rds-ports';
import { ORPHAN_INTENT_SECONDS } from './reconcile';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** The patch that brings an open RDS record up to what RDS shows, or undefined when nothing changed. */
export function rdsReconcilePatch(record: ModificationRecord, instance: RdsInstance | undefined, now: number): ModificationPatch | undefined {
  if (instance === undefined) return { status: 'volume-deleted', statusMessage: 'DB instance no longer listed by DescribeDBInstances', completedEpochSeconds: now };
  const target = record.to.type;
  if (instance.storageType === target) {
    if (instance.status === 'storage-optimization') return record.status === 'optimizing' ? undefined : { status: 'optimizing' };
    return { status: 'completed', completedEpochSeconds: now };
  }
  if (instance.pendingStorageType === target || instance.status === 'modifying') return record.status === 'modifying' ? undefined : { status: 'modifying' };
  if (record.status === 'intent' && now - record.requestedEpochSeconds >= ORPHAN_INTENT_SECONDS) {
    return { status: 'not-sent', statusMessage: `RDS shows no change to ${target}: the request never reached it` };
  }
  return undefined;
}

/** Reconciles every open RDS record against the listing; returns how many were looked at. Never throws. */
export async function reconcileRdsRecords(deps: Pick<ScanDeps, 'history'>, instances: readonly RdsInstance[], now: number, errors: ScanError[]): Promise<number> {
  let open: ModificationRecord[];
  try {
    open = (await deps.history.listOpenModifications()).filter((r) => !r.dryRun && isRdsResourceKey(r.volumeId));
  } catch (error) {
    errors.push({ stage: 'reconcile', message: `RDS records not reconciled: ${messageOf(error)}` });
    return 0;
  }
  const byIdentifier = new Map(instances.map((i) => [i.identifier, i]));
  for (const record of open) {
    const identifier = record.resource?.identifier ?? record.volumeId.slice('rds:'.length);
    const patch = rdsReconcilePatch(record, byIdentifier.get(identifier), now);
    if (patch === undefined) continue;
    try {
      await deps.history.updateModification(record.volumeId, record.modificationId, record.status, patch);
    } catch (error) {
      if (error instanceof HistoryConflictError) continue;
      errors.push({ stage: 'reconcile', volumeId: record.volumeId, message: messageOf(error) });
    }
  }
  return open.length;
}
