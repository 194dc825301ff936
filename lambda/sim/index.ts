/**
 * The simulation driver shared by the `simulate` CLI, `npm start` and the benchmarks: one volume on
 * the simulated fleet, a callback every guardian interval with what a run at that instant would
 * see, and the ground truth (exhaustions, demand, served, throttling) to score it against.
 */
import type { BucketSpec } from '../core/credit/credit-model';
import type { VolumeDescription, VolumeMetricSeries, VolumeType } from '../core/types';
import type { MetricGap } from './cloudwatch';
import { SimulatedFleet, type FleetOptions, type SimInstanceSpec } from './fleet';
import type { SimVolume, VolumeCounters } from './sim-volume';
import { opsBucketFor, steadyCeilingOps } from './volume-performance';
import type { WorkloadFactory } from './workloads';

export { SimulatedFleet } from './fleet';
export type { FleetOptions, SimInstanceSpec, SimVolumeSpec } from './fleet';
export type { MetricGap } from './cloudwatch';
export type { ModificationRule } from './modification-rules';
export { createRng, type Rng } from './rng';
export { parseTrace, readTraceFile, scaleTrace, type Trace, type TraceGap, type TraceRow } from './trace';
export { SCENARIOS, scenarioWorkload, traceWorkload, type DemandSegment, type Workload, type WorkloadFactory } from './workloads';

/** The simulated volume. */
export interface SimulationVolume {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
  /** @default 100 */
  readonly initialBalancePercent?: number;
  /** I/O size of the workload's operations. @default 16 KiB for SSD types, 1 MiB for st1/sc1 */
  readonly ioSizeKiB?: number;
  readonly volumeId?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** What `onInterval` receives: the instant of a guardian run and what it would see. */
export interface IntervalContext {
  readonly nowEpochSeconds: number;
  /** Seconds since the simulation start. */
  readonly tSeconds: number;
  /** The delayed, possibly gappy 1-minute series over the lookback window. */
  readonly series: VolumeMetricSeries;
  readonly volume: VolumeDescription;
  /** The fleet itself (implements the ports), so a guardian loop can act on it. */
  readonly fleet: SimulatedFleet;
}

/** Options of `runSimulation`. */
export interface SimulationOptions {
  readonly volume: SimulationVolume;
  /** More volumes on the same fleet with the same workload (a guardian loop sees them all; the ground truth below is `volume`'s). */
  readonly extraVolumes?: readonly SimulationVolume[];
  readonly workload: WorkloadFactory;
  readonly startEpochSeconds: number;
  readonly durationSeconds: number;
  /** Seconds between guardian runs. @default 300 */
  readonly intervalSeconds?: number;
  /** @default 120 */
  readonly metricDelaySeconds?: number;
  readonly seed: number;
  readonly gaps?: readonly MetricGap[];
  readonly dropProbability?: number;
  /** How far back the series handed to `onInterval` reach. @default 21600 (6 h) */
  readonly seriesLookbackSeconds?: number;
  /** Modification behaviour of the fleet (rule, durations, failures, return balance). */
  readonly fleet?: Omit<FleetOptions, 'startEpochSeconds' | 'seed' | 'metricDelaySeconds' | 'gaps' | 'dropProbability'>;
  readonly onInterval?: (context: IntervalContext) => void | Promise<void>;
  /** Attach every volume to this instance; a size with its own EBS bucket is modelled (sim-instance.ts). */
  readonly instance?: SimInstanceSpec;
}

/** Ground truth of the instance's own EBS bucket, when the volumes sat on one. */
export interface SimulatedInstanceResult {
  readonly instanceId: string;
  readonly instanceType: string;
  /** Seconds since start at which its bucket reached 0 (a later one only after recovering above 20 %). */
  readonly exhaustionsSeconds: readonly number[];
  /** Seconds during which it held its volumes to its baseline. */
  readonly cappedSeconds: number;
}

/** Ground truth over one interval (ending at a guardian run). */
export interface IntervalStats {
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Mean demanded ops/s over the interval. */
  readonly meanDemandPerSecond: number;
  /** Mean served ops/s. */
  readonly meanServedPerSecond: number;
  /** Baseline ops/s of the volume at the interval's end (its provisioned rate once not burstable). */
  readonly baselinePerSecond: number;
  /** True when the mean demand was at or below the baseline (the bucket could not be draining on average). */
  readonly demandAtOrBelowBaseline: boolean;
  readonly throttledSeconds: number;
  /** True BurstBalance at the interval's end; undefined when the volume has no bucket then. */
  readonly balancePercentAtEnd: number | undefined;
  readonly type: VolumeType;
}

/** What `runSimulation` returns. */
export interface SimulationResult {
  readonly volumeId: string;
  /** The volume as first described (type, size, IOPS). */
  readonly volume: VolumeDescription;
  /** The initial credit bucket (undefined for gp3/io1/io2). */
  readonly spec: BucketSpec | undefined;
  /** Seconds since start at which the bucket reached 0 (a later one only after recovering above 20%). */
  readonly exhaustionsSeconds: readonly number[];
  readonly intervals: readonly IntervalStats[];
  readonly throttledSeconds: number;
  readonly demandOps: number;
  readonly servedOps: number;
  readonly startEpochSeconds: number;
  readonly durationSeconds: number;
  readonly intervalSeconds: number;
  /** The fleet at the end, for further inspection (modification history, final series). */
  readonly fleet: SimulatedFleet;
  readonly instance?: SimulatedInstanceResult;
}

/** Runs one volume for `durationSeconds`, calling `onInterval` at every guardian run. */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const intervalSeconds = options.intervalSeconds ?? 300;
  if (!(intervalSeconds > 0) || !(options.durationSeconds >= 0)) throw new RangeError('intervalSeconds must be > 0 and durationSeconds ≥ 0');
  const fleet = new SimulatedFleet({
    ...options.fleet, startEpochSeconds: options.startEpochSeconds, seed: options.seed, metricDelaySeconds: options.metricDelaySeconds ?? 120,
    gaps: options.gaps ?? [], dropProbability: options.dropProbability ?? 0,
  });
  const { volume: v } = options;
  if (options.instance !== undefined) fleet.addInstance(options.instance);
  const attached = options.instance === undefined ? {} : { instanceId: options.instance.instanceId };
  const volumeId = fleet.addVolume({ ...v, ...attached, workload: options.workload });
  for (const extra of options.extraVolumes ?? []) fleet.addVolume({ ...extra, ...attached, workload: options.workload });
  const sim = fleet.volume(volumeId);
  const initial = fleet.describeVolume(volumeId);
  const lookback = options.seriesLookbackSeconds ?? 21_600;
  const intervals: IntervalStats[] = [];
  const end = options.startEpochSeconds + options.durationSeconds;
  for (let t = options.startEpochSeconds; t < end - 1e-9; ) {
    const next = Math.min(end, t + intervalSeconds);
    const before = { ...sim.counters };
    fleet.advanceTo(next);
    intervals.push(measureInterval(sim, before, t - options.startEpochSeconds, next - options.startEpochSeconds));
    if (options.onInterval !== undefined && next - t >= intervalSeconds - 1e-9) {
      await options.onInterval({
        nowEpochSeconds: next, tSeconds: next - options.startEpochSeconds, series: fleet.metricSeries(volumeId, next - lookback),
        volume: fleet.describeVolume(volumeId), fleet,
      });
    }
    t = next;
  }
  return {
    volumeId, volume: initial, spec: opsBucketFor(initial, sim.ioSizeKiB)?.spec,
    exhaustionsSeconds: sim.counters.exhaustionsEpochSeconds.map((e) => e - options.startEpochSeconds),
    intervals, throttledSeconds: sim.counters.throttledSeconds, demandOps: sim.counters.demandOps, servedOps: sim.counters.servedOps,
    startEpochSeconds: options.startEpochSeconds, durationSeconds: options.durationSeconds, intervalSeconds, fleet,
    ...(options.instance === undefined ? {} : { instance: instanceResult(fleet, options.instance, options.startEpochSeconds) }),
  };
}

function instanceResult(fleet: SimulatedFleet, spec: SimInstanceSpec, startEpochSeconds: number): SimulatedInstanceResult {
  const host = fleet.instance(spec.instanceId);
  return {
    instanceId: spec.instanceId, instanceType: spec.instanceType,
    exhaustionsSeconds: (host?.exhaustionsEpochSeconds ?? []).map((e) => e - startEpochSeconds), cappedSeconds: host?.cappedSeconds ?? 0,
  };
}

/** Ground truth of one interval from the counters before and after it. */
function measureInterval(sim: SimVolume, before: VolumeCounters, startSeconds: number, endSeconds: number): IntervalStats {
  const seconds = endSeconds - startSeconds;
  const baselinePerSecond = steadyCeilingOps(sim.config, sim.ioSizeKiB);
  const meanDemandPerSecond = (sim.counters.demandOps - before.demandOps) / seconds;
  return {
    startSeconds, endSeconds, meanDemandPerSecond, meanServedPerSecond: (sim.counters.servedOps - before.servedOps) / seconds,
    baselinePerSecond, demandAtOrBelowBaseline: meanDemandPerSecond <= baselinePerSecond,
    throttledSeconds: sim.counters.throttledSeconds - before.throttledSeconds, balancePercentAtEnd: sim.balancePercent(), type: sim.type,
  };
}
