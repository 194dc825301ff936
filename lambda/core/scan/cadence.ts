/**
 * Adaptive cadence (issue 12, lever 2): a gp2 bucket that was full and flat at its last read cannot
 * empty faster than 5.4M credits ÷ (3,000 − baseline) IOPS: 1,862 s at 1 GiB, 2,000 s at 100 GiB,
 * 3,600 s at 500 GiB (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html). Such a
 * quiet volume is read only as often as still leaves `guaranteedLeadSeconds` between the first read
 * that can see a worst-case drain (demand at the burst right after a read) and the empty bucket.
 * A refilling bucket gets the same bound from its own balance (a *slow* volume); every other volume
 * is busy and read every scan. The busy set (with each slow volume's cadence) is the only state: a few
 * small items, read once and written only where they changed. Without it every volume is read.
 */
import { bucketSpecFor, creditsFromBalancePercent, minSecondsToEmpty } from '../credit/credit-model';
import type { Policy } from '../policy/schema';
import { messageOf, scheduleIntervalSeconds } from './support';
import type { ScanDeps, ScanError } from './types';
import { isBurstableType, type Forecast, type VolumeDescription } from '../types';

/**
 * What the cadence keeps at first sight of the worst case, seconds (docs/scan-benchmark.md): the
 * page horizon plus one scan, so that even a drain at the full burst is first seen while a page
 * can still come `pageHorizonMinutes` ahead. A shorter lead (15 min, measured) lost 7 points of
 * page recall at 30 min on drains that start from a full bucket (docs/forecast-benchmark.md).
 */
export function guaranteedLeadSeconds(policy: Pick<Policy, 'alerting'>, intervalSeconds: number): number {
  return policy.alerting.pageHorizonMinutes * 60 + intervalSeconds;
}

/** EBS metrics reach CloudWatch about 2 minutes late (DESIGN.md §2). */
const PUBLICATION_DELAY_SECONDS = 120;

/** A quiet volume is read at least hourly, however large its bucket. */
const MAX_REST_SECONDS = 3600;

/** Which volumes this scan reads, and what it learns for the next. */
export interface Cadence {
  /** True when the volume is read this scan. */
  isDue(volume: Pick<VolumeDescription, 'volumeId' | 'type' | 'sizeGiB'>, mustRead: boolean): boolean;
  /** Records what the read showed: `quiet` (full and flat), or read every n scans (1 = busy). */
  observe(volumeId: string, state: 'quiet' | number): void;
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

/** Scans between two reads of a quiet volume of this type and size (1 = every scan), keeping `leadSeconds`. */
export function quietEveryScans(volume: Pick<VolumeDescription, 'type' | 'sizeGiB'>, intervalSeconds: number, leadSeconds: number): number {
  return boundEveryScans(volume, 100, intervalSeconds, leadSeconds);
}

/** Scans between two reads that still keep `leadSeconds` against the worst case from `balancePercent`. */
function boundEveryScans(volume: Pick<VolumeDescription, 'type' | 'sizeGiB'>, balancePercent: number, intervalSeconds: number, leadSeconds: number): number {
  if (!isBurstableType(volume.type) || !(volume.sizeGiB > 0)) return 1;
  const spec = bucketSpecFor(volume.type, volume.sizeGiB);
  if (!spec.spendsCredits) return 1;
  const credits = creditsFromBalancePercent(spec, Math.min(100, Math.max(0, balancePercent)));
  const rest = Math.min(MAX_REST_SECONDS, minSecondsToEmpty(spec, credits) - PUBLICATION_DELAY_SECONDS - leadSeconds);
  return Math.max(1, Math.floor(rest / intervalSeconds));
}

/**
 * Scans between two reads of a burstable volume that is not full and flat (1 = every scan). Only a
 * bucket that is refilling (or full) rests, as long as the physical bound from its lowest recent
 * balance keeps `leadSeconds` against the worst case: it cannot be draining unseen any faster. A
 * draining one is read every scan: resting drains far beyond the horizon was measured to cost an
 * early warning at 3 h when they sped up (docs/scan-benchmark.md).
 */
export function slowEveryScans(input: {
  readonly volume: Pick<VolumeDescription, 'type' | 'sizeGiB'>;
  readonly lowestBalancePercent: number;
  readonly forecast: Forecast;
  readonly intervalSeconds: number;
  readonly leadSeconds: number;
}): number {
  if (input.forecast.kind !== 'refilling' && input.forecast.kind !== 'full') return 1;
  return boundEveryScans(input.volume, input.lowestBalancePercent, input.intervalSeconds, input.leadSeconds);
}

/** Reads the busy set and returns this scan's cadence. */
export async function readCadence(deps: ScanDeps, now: number, errors: ScanError[]): Promise<Cadence> {
  const interval = scheduleIntervalSeconds(deps.policy.schedule);
  const lead = guaranteedLeadSeconds(deps.policy, interval);
  const scanIndex = Math.floor(now / interval);
  let busy: ReadonlySet<string> | undefined;
  let slow: ReadonlyMap<string, number> = new Map();
  try {
    const stored = await deps.history.getBusyVolumes?.();
    // Only a set the previous scan wrote is trusted: after a failed write or a missed scan it may
    // lack a volume that turned busy since, so every volume is read once and the set rebuilt.
    if (stored !== undefined && now - stored.writtenEpochSeconds <= 1.5 * interval && stored.writtenEpochSeconds < now) {
      busy = stored.volumeIds;
      slow = stored.everyScans ?? new Map();
    }
  } catch (error) {
    errors.push({ stage: 'record', message: `cadence state unreadable, reading every volume this scan: ${messageOf(error)}` });
  }
  const next = new Set<string>();
  const nextSlow = new Map<string, number>();
  const observed = new Set<string>();
  return {
    isDue: (volume, mustRead) => {
      if (mustRead || busy === undefined || busy.has(volume.volumeId)) return true;
      const every = slow.get(volume.volumeId) ?? quietEveryScans(volume, interval, lead);
      return slotOf(volume.volumeId, every) === scanIndex % every;
    },
    observe: (volumeId, state) => {
      observed.add(volumeId);
      if (state === 'quiet') return;
      if (state <= 1) next.add(volumeId);
      else nextSlow.set(volumeId, state);
    },
    save: async (visited, listed) => {
      if (deps.history.putBusyVolumes === undefined) return;
      // Not read this scan: a slow volume keeps its cadence, a busy one not reached stays busy.
      for (const id of listed) {
        if (observed.has(id)) continue;
        const every = slow.get(id);
        if (every !== undefined) nextSlow.set(id, every);
        else if (!visited.has(id) && (busy === undefined || busy.has(id))) next.add(id);
      }
      try {
        await deps.history.putBusyVolumes({ volumeIds: next, everyScans: nextSlow, writtenEpochSeconds: now });
      } catch (error) {
        errors.push({ stage: 'record', message: `cadence state not written, the next scan reads every volume: ${messageOf(error)}` });
      }
    },
  };
}
