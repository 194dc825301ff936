/**
 * Reconciliation, the first step of every scan (DESIGN.md §3): intents without results and
 * modifications still `modifying`/`optimizing` are refreshed from DescribeVolumesModifications, and
 * the first BurstBalance after a revert is recorded next to the balance before the rescue (the
 * round-trip question, DESIGN.md §1).
 */
import type { ModificationRecord, ModificationRecordStatus } from '../ports';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';
import type { VolumeDescription, VolumeMetricSeries, VolumeModification } from '../types';

/** An intent older than this with no matching modification at AWS never reached it (the call was not made or was refused). */
export const ORPHAN_INTENT_SECONDS = 600;

/** AWS's start time may precede our recorded request time by clock skew. */
const START_SKEW_SECONDS = 120;

/** Refreshes every open modification; returns how many were looked at. Never throws. */
export async function reconcileOpenModifications(deps: ScanDeps, now: number, errors: ScanError[]): Promise<number> {
  let open: ModificationRecord[];
  try {
    open = (await deps.history.listOpenModifications()).filter((r) => !r.dryRun);
  } catch (error) {
    errors.push({ stage: 'reconcile', message: messageOf(error) });
    return 0;
  }
  if (open.length === 0) return 0;
  let latest: Map<string, VolumeModification>;
  try {
    latest = await deps.modifier.describeModifications([...new Set(open.map((r) => r.volumeId))]);
  } catch (error) {
    errors.push({ stage: 'reconcile', message: `DescribeVolumesModifications failed: ${messageOf(error)}` });
    return 0;
  }
  for (const record of open) {
    const patch = reconcilePatch(record, latest.get(record.volumeId), now);
    if (patch === undefined) continue;
    try {
      await deps.history.updateModification(record.volumeId, record.modificationId, record.status, patch);
      if (record.status === 'intent' && REACHED_AWS.has(patch.status)) await recordLostAnswer(deps, record, now);
    } catch (error) {
      errors.push({ stage: 'reconcile', volumeId: record.volumeId, message: messageOf(error) });
    }
  }
  return open.length;
}

const REACHED_AWS = new Set<ModificationRecordStatus>(['modifying', 'optimizing', 'completed']);

/** The scan that lost ModifyVolume's answer recorded a failure: the history must also say the flip happened. */
async function recordLostAnswer(deps: ScanDeps, record: ModificationRecord, now: number): Promise<void> {
  await deps.history.appendEvent({
    volumeId: record.volumeId,
    tEpochSeconds: now,
    kind: record.kind,
    runId: deps.runId,
    summary: `reconciled: the ${record.kind} to ${record.to.type} requested at ${record.requestedEpochSeconds} reached AWS though its answer was lost (${record.reason})`,
    details: { modificationId: record.modificationId, reconciled: true, volumeType: record.from.type, sizeGiB: record.sizeGiB, to: record.to, from: record.from },
  });
}

/** The update one open record needs given AWS's latest modification of its volume, or undefined. */
export function reconcilePatch(
  record: ModificationRecord,
  latest: VolumeModification | undefined,
  now: number,
): { status: ModificationRecordStatus; completedEpochSeconds?: number; statusMessage?: string } | undefined {
  const matches = latest !== undefined && latest.startEpochSeconds >= record.requestedEpochSeconds - START_SKEW_SECONDS && latest.targetType === record.to.type;
  if (matches) {
    if (latest.state === record.status) return undefined;
    return {
      status: latest.state,
      ...(latest.state === 'completed' || latest.state === 'failed' ? { completedEpochSeconds: latest.endEpochSeconds ?? now } : {}),
      ...(latest.statusMessage === undefined ? {} : { statusMessage: latest.statusMessage }),
    };
  }
  if (record.status === 'intent' && now - record.requestedEpochSeconds >= ORPHAN_INTENT_SECONDS) {
    return { status: 'rejected', statusMessage: `no matching modification at AWS ${ORPHAN_INTENT_SECONDS} s after the intent: the request never reached it` };
  }
  return undefined;
}

/** Records the first BurstBalance seen after each completed revert that has none yet. Never throws. */
export async function recordRoundTrips(
  deps: ScanDeps,
  volumes: readonly VolumeDescription[],
  ledger: ReadonlyMap<string, readonly ModificationRecord[]>,
  series: ReadonlyMap<string, VolumeMetricSeries>,
  errors: ScanError[],
): Promise<void> {
  for (const volume of volumes) {
    const records = ledger.get(volume.volumeId) ?? [];
    for (const revert of records.filter((r) => r.kind === 'revert' && r.status === 'completed' && r.firstBurstBalanceAfterPercent === undefined)) {
      const since = revert.completedEpochSeconds ?? revert.requestedEpochSeconds;
      const first = (series.get(volume.volumeId)?.burstBalancePercent ?? [])
        .filter((p) => p.tEpochSeconds >= since && Number.isFinite(p.value))
        .sort((a, b) => a.tEpochSeconds - b.tEpochSeconds)[0];
      if (first === undefined) continue;
      const rescue = [...records].reverse().find((r) => r.kind === 'rescue' && r.requestedEpochSeconds < revert.requestedEpochSeconds && r.burstBalanceBeforePercent !== undefined);
      try {
        await deps.history.updateModification(volume.volumeId, revert.modificationId, 'completed', { firstBurstBalanceAfterPercent: first.value });
        await deps.history.appendEvent({
          volumeId: volume.volumeId,
          tEpochSeconds: first.tEpochSeconds,
          kind: 'round-trip',
          runId: deps.runId,
          summary: `BurstBalance ${first.value.toFixed(1)} % after the round trip${rescue === undefined ? '' : ` (was ${rescue.burstBalanceBeforePercent?.toFixed(1)} % before the rescue)`}`,
          details: { revertModificationId: revert.modificationId, firstBurstBalanceAfterPercent: first.value, ...(rescue === undefined ? {} : { burstBalanceBeforePercent: rescue.burstBalanceBeforePercent, rescueModificationId: rescue.modificationId }) },
        });
      } catch (error) {
        errors.push({ stage: 'record', volumeId: volume.volumeId, message: messageOf(error) });
      }
    }
  }
}
