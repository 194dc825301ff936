/**
 * Adaptive cadence (issue 12, lever 2): a gp2 bucket that was full and flat at its last read cannot
 * empty faster than 5.4M credits ÷ (3,000 − baseline) IOPS: 1,862 s at 1 GiB, 2,000 s at 100 GiB,
 * 3,600 s at 500 GiB (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html). Such a
 * quiet volume is read only as often as still leaves `GUARANTEED_LEAD_SECONDS` between the first read
 * that can see a worst-case drain (demand at the burst right after a read) and the empty bucket;
 * every other volume is busy and read every scan. The busy set is the only state: a few small items,
 * read once and written only where they changed. Without it every volume is read.
 */
import { bucketSpecFor, minSecondsToEmpty } from '../credit/credit-model';
import { messageOf, scheduleIntervalSeconds } from './support';
import type { ScanDeps, ScanError } from './types';
import { isBurstableType, type VolumeDescription } from '../types';

/** What the cadence keeps at first sight of the worst case, seconds (docs/scan-benchmark.md). */
export const GUARANTEED_LEAD_SECONDS = 900;

/** EBS metrics reach CloudWatch about 2 minutes late (DESIGN.md §2). */
const PUBLICATION_DELAY_SECONDS = 120;

/** A quiet volume is read at least hourly, however large its bucket. */
const MAX_REST_SECONDS = 3600;

/** Which volumes this scan reads, and what it learns for the next. */
export interface Cadence {
  /** True when the volume is read this scan. */
  isDue(volume: Pick<VolumeDescription, 'volumeId' | 'type' | 'sizeGiB'>, mustRead: boolean): boolean;
  /** Records what the read showed: quiet (full and flat) or busy. */
  observe(volumeId: string, quiet: boolean): void;
  /**
   * Writes the busy set for the next scan. Volumes listed but not visited (time ran out) keep their
   * state, or are busy when this scan had none to trust: a volume never classified is not quiet.
   * (A volume new to the inventory starts with a full bucket, general-purpose.html.) Never throws.
   */
  save(visited: ReadonlySet<string>, listed: readonly string[]): Promise<void>;
}

/** FNV-1a of the id: spreads quiet volumes evenly over the scans of a cycle. */
export function slotOf(volumeId: string, slots: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < volumeId.length; i++) h = Math.imul(h ^ volumeId.charCodeAt(i), 0x01000193) >>> 0;
  return h % slots;
}

/** Scans between two reads of a quiet volume of this type and size (1 = every scan). */
export function quietEveryScans(volume: Pick<VolumeDescription, 'type' | 'sizeGiB'>, intervalSeconds: number): number {
  if (!isBurstableType(volume.type) || !(volume.sizeGiB > 0)) return 1;
  const spec = bucketSpecFor(volume.type, volume.sizeGiB);
  if (!spec.spendsCredits) return 1;
  const rest = Math.min(MAX_REST_SECONDS, minSecondsToEmpty(spec, spec.bucketCredits) - PUBLICATION_DELAY_SECONDS - GUARANTEED_LEAD_SECONDS);
  return Math.max(1, Math.floor(rest / intervalSeconds));
}

/** Reads the busy set and returns this scan's cadence. */
export async function readCadence(deps: ScanDeps, now: number, errors: ScanError[]): Promise<Cadence> {
  const interval = scheduleIntervalSeconds(deps.policy.schedule);
  const scanIndex = Math.floor(now / interval);
  let busy: ReadonlySet<string> | undefined;
  try {
    const stored = await deps.history.getBusyVolumes?.();
    // Only a set the previous scan wrote is trusted: after a failed write or a missed scan it may
    // lack a volume that turned busy since, so every volume is read once and the set rebuilt.
    if (stored !== undefined && now - stored.writtenEpochSeconds <= 1.5 * interval && stored.writtenEpochSeconds < now) busy = stored.volumeIds;
  } catch (error) {
    errors.push({ stage: 'record', message: `cadence state unreadable, reading every volume this scan: ${messageOf(error)}` });
  }
  const next = new Set<string>();
  const quiet = new Set<string>();
  return {
    isDue: (volume, mustRead) => {
      if (mustRead || busy === undefined || busy.has(volume.volumeId)) return true;
      const every = quietEveryScans(volume, interval);
      return slotOf(volume.volumeId, every) === scanIndex % every;
    },
    observe: (volumeId, isQuiet) => void (isQuiet ? quiet : next).add(volumeId),
    save: async (visited, listed) => {
      if (deps.history.putBusyVolumes === undefined) return;
      for (const id of listed) if (!visited.has(id) && (busy === undefined || busy.has(id))) next.add(id);
      try {
        await deps.history.putBusyVolumes({ volumeIds: next, writtenEpochSeconds: now });
      } catch (error) {
        errors.push({ stage: 'record', message: `cadence state not written, the next scan reads every volume: ${messageOf(error)}` });
      }
    },
  };
}
