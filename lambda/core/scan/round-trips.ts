/**
 * The round-trip record (DESIGN.md §1): the first BurstBalance seen after a revert, next to the
 * balance before the rescue, so the history answers whether credits survive a type round trip.
 */
import type { ModificationRecord } from '../ports';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';
import type { VolumeDescription, VolumeMetricSeries } from '../types';

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
