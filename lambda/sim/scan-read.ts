/**
 * The Lambda's own read of one simulated volume (issue 12): the adaptive cadence (`readCadence`)
 * and the read plan with its forecast (`readChunkMetrics`), the same code `runScan` walks the fleet
 * with, against the simulated fleet's GetMetricData. A forecast-only loop (`simulate --json`,
 * `bench:forecast`) then forecasts from exactly what the scan that ships would have read, and
 * rests when that scan would have rested.
 */
import { readCadence } from '../core/scan/cadence';
import { readChunkMetrics } from '../core/scan/chunk-metrics';
import { PolicySchema, type Policy } from '../core/policy/schema';
import type { ScanDeps, ScanError } from '../core/scan/types';
import type { Forecast, VolumeDescription, VolumeMetricSeries } from '../core/types';
import type { SimulatedFleet } from './fleet';
import { MemoryHistoryStore } from './memory-history-store';
import { RecordingNotifier } from './recording-notifier';

/** What one scan learnt of the volume: nothing (a quiet volume not due), or its forecast from what it read. */
export type ScanRead =
  | { readonly kind: 'resting'; readonly metricsRequested: 0 }
  | { readonly kind: 'read'; readonly forecast: Forecast; readonly series: VolumeMetricSeries | undefined; readonly metricsRequested: number; readonly errors: readonly ScanError[] };

/** Options of `ScanReader`. */
export interface ScanReaderOptions {
  readonly fleet: SimulatedFleet;
  /** The policy whose schedule, selection and windows the scan reads under. */
  readonly policy: Policy;
  /** `full`: every metric every scan, the read before issue 12 (for comparison). @default 'shipping' */
  readonly readPlan?: 'shipping' | 'full';
}

/** Reads one volume per call as a scan at that instant would, keeping the cadence's state between calls. */
export class ScanReader {
  private readonly deps: ScanDeps;

  constructor(options: ScanReaderOptions) {
    const { fleet, policy } = options;
    this.deps = {
      inventory: fleet, metrics: fleet, modifier: fleet, notifier: new RecordingNotifier(), history: new MemoryHistoryStore(),
      policy, runId: 'sim-read', readPlan: options.readPlan ?? 'shipping',
    };
  }

  /**
   * The scan's read at `now`. `mustRead` is what makes the scan read a volume whatever its cadence
   * (a modification record, an open alert, a planned window: fleet-loop.ts).
   */
  async read(volume: VolumeDescription, now: number, mustRead: boolean): Promise<ScanRead> {
    const errors: ScanError[] = [];
    const cadence = await readCadence(this.deps, now, errors);
    const chunk = await readChunkMetrics({ deps: this.deps, policy: this.deps.policy, now, records: new Map(), errors, cadence, mustRead: () => mustRead }, [volume]);
    await cadence.save(new Set([volume.volumeId]), [volume.volumeId]);
    if (chunk.resting.has(volume.volumeId)) return { kind: 'resting', metricsRequested: 0 };
    const forecast = chunk.forecasts.get(volume.volumeId) ?? { kind: 'insufficient-data', reason: 'no forecast' };
    return { kind: 'read', forecast, series: chunk.series.get(volume.volumeId), metricsRequested: chunk.metricsRequested, errors };
  }
}

/**
 * The policy a forecast-only run reads under: `base` (or the defaults) scanning every
 * `intervalSeconds` and managing every burstable volume, since the loop exists to watch the one
 * volume it simulates.
 */
export function readingPolicy(intervalSeconds: number, base: Policy = PolicySchema.parse({ version: 1 })): Policy {
  const minutes = Math.max(1, Math.round(intervalSeconds / 60));
  return { ...base, schedule: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`, selection: { ...base.selection, volumeTypes: ['gp2', 'st1', 'sc1'], optInTag: null } };
}
