/**
 * Adaptive cadence (issue 12, lever 2): a gp2 bucket that was full and flat at its last read cannot
 * empty faster than 5.4M credits ÷ (3,000 − baseline) IOPS: 1,862 s at 1 GiB, 2,000 s at 100 GiB
 * (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html). Such quiet volumes are read
 * every `quietEveryScans` scans (about 15 minutes) instead of every scan; every other volume is busy
 * and read every scan. The busy set is the only state: a few small items, read once and written only
 * where it changed. Without it (unreadable, or a store that cannot keep it) every volume is read.
 */
import { messageOf, scheduleIntervalSeconds } from './support';
import type { ScanDeps, ScanError } from './types';

/** Quiet volumes are read about this often, seconds (worst-case lead time: docs/scan-benchmark.md). */
export const QUIET_READ_INTERVAL_SECONDS = 900;

/** Which volumes this scan reads, and what it learns for the next. */
export interface Cadence {
  /** True when the volume is read this scan. */
  isDue(volumeId: string, mustRead: boolean): boolean;
  /** Records what the read showed: quiet (full and flat) or busy. */
  observe(volumeId: string, quiet: boolean): void;
  /** Writes the busy set for the next scan; volumes not visited keep their state. Never throws. */
  save(visited: ReadonlySet<string>): Promise<void>;
}

/** FNV-1a of the id: spreads quiet volumes evenly over the scans of a cycle. */
export function slotOf(volumeId: string, slots: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < volumeId.length; i++) h = Math.imul(h ^ volumeId.charCodeAt(i), 0x01000193) >>> 0;
  return h % slots;
}

/** Scans between two reads of a quiet volume at the policy's schedule (1 = every scan). */
export function quietEveryScans(schedule: string): number {
  return Math.max(1, Math.floor(QUIET_READ_INTERVAL_SECONDS / scheduleIntervalSeconds(schedule)));
}

/** Reads the busy set and returns this scan's cadence. */
export async function readCadence(deps: ScanDeps, now: number, errors: ScanError[]): Promise<Cadence> {
  const every = quietEveryScans(deps.policy.schedule);
  const scanIndex = Math.floor(now / scheduleIntervalSeconds(deps.policy.schedule));
  const interval = scheduleIntervalSeconds(deps.policy.schedule);
  let busy: ReadonlySet<string> | undefined;
  try {
    const stored = every > 1 ? await deps.history.getBusyVolumes?.() : undefined;
    // Only a set the previous scan wrote is trusted: after a failed write or a missed scan it may
    // lack a volume that turned busy since, so every volume is read once and the set rebuilt.
    if (stored !== undefined && now - stored.writtenEpochSeconds <= 1.5 * interval && stored.writtenEpochSeconds < now) busy = stored.volumeIds;
  } catch (error) {
    errors.push({ stage: 'record', message: `cadence state unreadable, reading every volume this scan: ${messageOf(error)}` });
  }
  const next = new Set<string>();
  const quiet = new Set<string>();
  return {
    isDue: (volumeId, mustRead) => mustRead || busy === undefined || busy.has(volumeId) || slotOf(volumeId, every) === scanIndex % every,
    observe: (volumeId, isQuiet) => void (isQuiet ? quiet : next).add(volumeId),
    save: async (visited) => {
      if (deps.history.putBusyVolumes === undefined || every <= 1) return;
      for (const id of busy ?? []) if (!visited.has(id) && !quiet.has(id)) next.add(id);
      try {
        await deps.history.putBusyVolumes({ volumeIds: next, writtenEpochSeconds: now });
      } catch (error) {
        errors.push({ stage: 'record', message: `cadence state not written, the next scan reads every volume: ${messageOf(error)}` });
      }
    },
  };
}
