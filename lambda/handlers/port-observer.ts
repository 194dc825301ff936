/**
 * Counts, for one run, what the scan asked of its ports and what failed: the evidence
 * `assessScanWatch` judges (does `ScanSucceeded` go out?). Counting at the ports, not in the
 * report, means every path that lists, reads metrics, reads the history or publishes is counted,
 * including paths added to the scan later.
 */
import type { BurstMetricsReader, MetricsRequest, VolumeMetricsOutcome } from '../core/ports';
import type { ScanDeps } from '../core/scan/types';
import type { ScanWatchInput, StageTally } from '../core/scan/watch';

/** The ports of one scan (`AwsPorts` in wiring.ts; spelled out here so the two files do not import each other). */
type AwsPorts = Pick<ScanDeps, 'inventory' | 'metrics' | 'modifier' | 'notifier' | 'history'>;

interface MutableTally {
  attempted: number;
  failed: number;
}

/** History methods that read (a failure there means the scan could not see the ledger). */
const HISTORY_READS: ReadonlySet<PropertyKey> = new Set(['listModifications', 'getNotificationState', 'listOpenModifications', 'readLedger', 'getBusyVolumes', 'getScanCursor']);

/** Wraps a run's ports and keeps the tallies. Build one per run. */
export class PortObserver {
  private readonly inventory: MutableTally = { attempted: 0, failed: 0 };
  private readonly metrics: MutableTally = { attempted: 0, failed: 0 };
  private readonly historyReads: MutableTally = { attempted: 0, failed: 0 };
  private readonly notifications: MutableTally = { attempted: 0, failed: 0 };

  /** The same ports, counting as they go; behaviour and errors are unchanged. */
  observe(ports: AwsPorts): AwsPorts {
    return {
      ...ports,
      inventory: counted(ports.inventory, new Set(['listVolumes']), this.inventory),
      metrics: countedMetrics(ports.metrics, this.metrics),
      history: counted(ports.history, HISTORY_READS, this.historyReads),
      notifier: counted(ports.notifier, new Set(['notify']), this.notifications),
    };
  }

  /** What the run attempted so far. */
  tallies(): ScanWatchInput {
    return {
      inventoryListed: this.inventory.attempted > 0 && this.inventory.failed === 0,
      metrics: snapshot(this.metrics),
      historyReads: snapshot(this.historyReads),
      notifications: snapshot(this.notifications),
    };
  }
}

function snapshot(tally: MutableTally): StageTally {
  return { attempted: tally.attempted, failed: tally.failed };
}

/**
 * A proxy counting calls of `methods` (a rejection is a failure); other members pass through bound
 * to the target, so adapters with private fields keep working and new port methods need no change.
 */
function counted<T extends object>(target: T, methods: ReadonlySet<PropertyKey>, tally: MutableTally): T {
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!methods.has(key)) return method.bind(obj);
      return async (...args: unknown[]): Promise<unknown> => {
        tally.attempted++;
        try {
          return await method.apply(obj, args);
        } catch (error) {
          tally.failed++;
          throw error;
        }
      };
    },
  });
}

/** Counts volumes, not calls: a denied batch fails every volume in it, a whole failed read fails all not yet handed over. */
function countedMetrics(reader: BurstMetricsReader, tally: MutableTally): BurstMetricsReader {
  const readMetrics: BurstMetricsReader['readMetrics'] = async (request) => {
    tally.attempted += request.volumes.length;
    try {
      const result = await reader.readMetrics(request);
      const answered = new Set([...result.series.keys(), ...result.errors.keys()]);
      tally.failed += result.errors.size + request.volumes.filter((v) => !answered.has(v.volumeId)).length;
      return result;
    } catch (error) {
      tally.failed += request.volumes.length;
      throw error;
    }
  };
  const stream = reader.streamMetrics?.bind(reader);
  if (stream === undefined) return { readMetrics };
  const streamMetrics = async (request: MetricsRequest, onVolume: (outcome: VolumeMetricsOutcome) => void): Promise<{ metricsRequested: number }> => {
    tally.attempted += request.volumes.length;
    const handed = new Set<string>();
    const unanswered = (): number => request.volumes.filter((v) => !handed.has(v.volumeId)).length;
    try {
      const result = await stream(request, (outcome) => {
        handed.add(outcome.kind === 'series' ? outcome.series.volumeId : outcome.volumeId);
        if (outcome.kind === 'error') tally.failed++;
        onVolume(outcome);
      });
      tally.failed += unanswered();
      return result;
    } catch (error) {
      tally.failed += unanswered();
      throw error;
    }
  };
  return { readMetrics, streamMetrics };
}
