/**
 * Finance's "throttling prevented" measured, not guessed (issue 14): for every volume living on the
 * guardian's rescue, the scan replays the I/O read since the flip through the unaided bucket
 * (decision/shadow-throttling.ts) and records the tally on the rescue's own ledger record: at most
 * one UpdateItem per flipped volume per scan, and far fewer (`SHADOW_WRITE_CADENCE`).
 */
import { activeRescue } from '../decision/decide';
import { shadowThrottlingWorthWriting, tallyShadowThrottling, type ShadowWriteCadence } from '../decision/shadow-throttling';
import { HistoryConflictError } from '../errors';
import type { ModificationRecord } from '../ports';
import { isBurstableType, type VolumeDescription, type VolumeMetricSeries } from '../types';
import { FLIPPED_LOOKBACK_SECONDS } from './chunk-metrics';
import { mapWithConcurrency, messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** Tally writes in flight at once. */
const TALLY_CONCURRENCY = 8;

/**
 * How often a growing tally is written (issue 14: keep DynamoDB cheap). While the unaided bucket
 * would be throttling, every 30 min of data (a report may lag that much); while it only refills,
 * every 6 h; once full and idle, never. In between each scan replays the datapoints since the stored
 * tally again, which stay in the flipped volume's 24 h metrics window (`FLIPPED_LOOKBACK_SECONDS`).
 */
export const SHADOW_WRITE_CADENCE: ShadowWriteCadence = { throttlingEverySeconds: 1_800, bucketEverySeconds: FLIPPED_LOOKBACK_SECONDS / 4 };

/**
 * Records the shadow replay's throttling on each flipped volume's rescue record. Volumes in
 * `reverting` are about to leave the rescue: whatever their tally gained is written now. Never throws.
 */
export async function recordShadowThrottling(
  deps: ScanDeps,
  volumes: readonly VolumeDescription[],
  ledger: ReadonlyMap<string, readonly ModificationRecord[]>,
  series: ReadonlyMap<string, VolumeMetricSeries>,
  context: { readonly now: number; readonly reverting: ReadonlySet<string> },
  errors: ScanError[],
): Promise<void> {
  const writes = volumes.flatMap((volume) => {
    const rescue = activeRescue({ volume, records: ledger.get(volume.volumeId) ?? [] });
    // Without the balance at the flip the unaided bucket's start is unknown: the report keeps its estimate.
    if (rescue === undefined || !isBurstableType(rescue.from.type) || rescue.burstBalanceBeforePercent === undefined) return [];
    const next = tallyShadowThrottling({
      originalType: rescue.from.type, sizeGiB: rescue.sizeGiB, series: series.get(volume.volumeId), sinceEpochSeconds: rescue.requestedEpochSeconds,
      startBalancePercent: rescue.burstBalanceBeforePercent, previous: rescue.shadowThrottling, now: context.now,
    });
    const final = context.reverting.has(volume.volumeId);
    return next === undefined || !shadowThrottlingWorthWriting(rescue.shadowThrottling, next, SHADOW_WRITE_CADENCE, final) ? [] : [{ rescue, next }];
  });
  await mapWithConcurrency(writes, TALLY_CONCURRENCY, async ({ rescue, next }) => {
    try {
      await deps.history.updateModification(rescue.volumeId, rescue.modificationId, rescue.status, { shadowThrottling: next });
    } catch (error) {
      // Another writer moved the record or its tally first: the stored tally stays whole, and the
      // next scan counts on from it. Nothing is lost or counted twice.
      if (error instanceof HistoryConflictError) return;
      errors.push({ stage: 'record', volumeId: rescue.volumeId, message: `shadow throttling not recorded (counted next scan): ${messageOf(error)}` });
    }
  });
}
