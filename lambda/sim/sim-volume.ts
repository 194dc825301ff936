/**
 * One simulated EBS volume: its demand, its credit bucket or provisioned ceiling, its CloudWatch,
 * and its modifications. Advanced analytically over second-exact pieces of constant demand, split
 * only where demand, the minute, or the modification state changes.
 */
import { advanceBucket, type BucketAdvance } from '../core/credit/credit-model';
import type { VolumeModification, VolumeType } from '../core/types';
import type { SimulatedCloudWatch } from './cloudwatch';
import { opsBucketFor, rampCeilingOps, steadyCeilingOps, type OpsBucket, type PerformanceConfig } from './volume-performance';
import type { DemandSegment, Workload } from './workloads';

/** Cumulative counters since the volume was added. */
export interface VolumeCounters {
  demandOps: number;
  servedOps: number;
  throttledSeconds: number;
  /** Epoch seconds at which the bucket reached 0 (re-armed only once the balance recovered above 20%). */
  readonly exhaustionsEpochSeconds: number[];
}

/** A modification in flight, with the simulator's private schedule. */
export interface ActiveModification {
  record: VolumeModification;
  readonly target: PerformanceConfig;
  readonly modifyingEndsEpochSeconds: number;
  readonly optimizingEndsEpochSeconds: number;
  readonly willFail: boolean;
}

/** Balance that re-arms exhaustion counting (issue 2: "a later one counts only after the balance recovered above 20%"). */
const REARM_BALANCE_FRACTION = 0.2;
const MINUTE_SECONDS = 60;
const EPSILON_SECONDS = 1e-9;
/** Tolerance for comparing epoch times (a float near 1.7e9 resolves ~2.4e-7 s). */
const EPOCH_EPSILON_SECONDS = 1e-6;

/** A volume advanced by the fleet. Mutable by design: it is the simulated world. */
export class SimVolume {
  config: PerformanceConfig;
  credits: number;
  /** Seconds since `startEpochSeconds`: kept small so sub-microsecond pieces still advance the float. */
  private offsetSeconds = 0;
  readonly history: VolumeModification[] = [];
  active: ActiveModification | undefined;
  readonly counters: VolumeCounters = { demandOps: 0, servedOps: 0, throttledSeconds: 0, exhaustionsEpochSeconds: [] };
  private armed = true;
  private cachedFor: PerformanceConfig | undefined;
  private cachedBucket: OpsBucket | undefined;
  /** Set by the fleet while the instance's own EBS bucket is empty: ops/s this volume may get (sim-instance.ts). */
  instanceCapOpsPerSecond: number | undefined;
  private segment: DemandSegment;
  private segmentLeftSeconds: number;

  constructor(
    readonly volumeId: string,
    initial: PerformanceConfig,
    initialBalancePercent: number,
    readonly ioSizeKiB: number,
    private readonly startEpochSeconds: number,
    private readonly workload: Workload,
    readonly cloudWatch: SimulatedCloudWatch,
    /** Balance a volume starts with when it returns to a burstable type (unknown after a round trip: DESIGN.md §1). */
    private readonly returnBalancePercent: number,
  ) {
    this.config = initial;
    const bucket = opsBucketFor(initial, ioSizeKiB);
    this.credits = bucket === undefined ? 0 : (bucket.spec.bucketCredits * initialBalancePercent) / 100;
    this.segment = workload.nextSegment();
    this.segmentLeftSeconds = this.segment.durationSeconds;
  }

  /** The current bucket, cached per configuration: it is needed on every piece of every minute. */
  private bucket(): OpsBucket | undefined {
    if (this.cachedFor !== this.config) {
      this.cachedFor = this.config;
      this.cachedBucket = opsBucketFor(this.config, this.ioSizeKiB);
    }
    return this.cachedBucket;
  }

  /** The volume's own clock. */
  get tEpochSeconds(): number {
    return this.startEpochSeconds + this.offsetSeconds;
  }

  /** Current BurstBalance percent, or undefined when the type has no bucket. */
  balancePercent(): number | undefined {
    const bucket = this.bucket();
    return bucket === undefined || !bucket.spec.spendsCredits ? undefined : (100 * this.credits) / bucket.spec.bucketCredits;
  }

  /** Current demand, ops/s. */
  demandOpsPerSecond(): number {
    return this.segment.readOpsPerSecond + this.segment.writeOpsPerSecond;
  }

  /** Advances the volume to `untilEpochSeconds`. */
  advanceTo(untilEpochSeconds: number): void {
    const untilOffset = untilEpochSeconds - this.startEpochSeconds;
    const minutePhase = ((this.startEpochSeconds % MINUTE_SECONDS) + MINUTE_SECONDS) % MINUTE_SECONDS;
    while (untilOffset - this.offsetSeconds > EPSILON_SECONDS) {
      if (this.segmentLeftSeconds <= EPSILON_SECONDS) {
        this.segment = this.workload.nextSegment();
        this.segmentLeftSeconds = this.segment.durationSeconds;
        continue;
      }
      this.applyTransitions();
      const minuteIndex = Math.floor((this.offsetSeconds + minutePhase + EPSILON_SECONDS) / MINUTE_SECONDS);
      const nextMinute = (minuteIndex + 1) * MINUTE_SECONDS - minutePhase;
      const nextTransition = this.nextTransitionEpochSeconds() - this.startEpochSeconds;
      const end = Math.min(untilOffset, this.offsetSeconds + this.segmentLeftSeconds, nextMinute, nextTransition);
      const minuteEpochSeconds = this.startEpochSeconds - minutePhase + minuteIndex * MINUTE_SECONDS;
      const seconds = this.step(Math.max(end - this.offsetSeconds, 0), minuteEpochSeconds);
      this.offsetSeconds += seconds;
      this.segmentLeftSeconds -= seconds;
    }
    this.applyTransitions();
  }

  /** Serves one piece of constant demand and ceiling; returns the seconds actually advanced (≤ `seconds`). */
  private step(seconds: number, minuteEpochSeconds: number): number {
    const wanted = this.demandOpsPerSecond();
    // The instance's empty bucket caps what reaches the volume: the volume's own bucket sees only that.
    const cap = this.instanceCapOpsPerSecond;
    const demand = cap === undefined ? wanted : Math.min(wanted, cap);
    const floor = this.floorCeilingOps();
    const bucket = this.bucket();
    let served: number;
    let throttled: number;
    let balanceIntegral: number | undefined;
    let dt = seconds;
    if (bucket === undefined) {
      served = Math.min(demand, floor ?? 0) * dt;
      throttled = demand > (floor ?? 0) ? dt : 0;
    } else {
      let advance = advanceBucket(bucket.spec, this.credits, demand * bucket.unitsPerOp, dt);
      const emptiedAt = advance.emptiedAfterSeconds;
      if (floor !== undefined && emptiedAt !== undefined && emptiedAt > EPSILON_SECONDS && emptiedAt < dt) {
        // Split where the bucket empties so its served rate is constant over the piece.
        dt = emptiedAt;
        advance = advanceBucket(bucket.spec, this.credits, demand * bucket.unitsPerOp, dt);
      }
      const bucketOps = advance.servedUnits / bucket.unitsPerOp;
      const floorOps = floor === undefined ? 0 : Math.min(demand, floor) * dt;
      served = Math.max(bucketOps, floorOps);
      throttled = floorOps > bucketOps ? (floorOps < demand * dt - EPSILON_SECONDS ? dt : 0) : advance.throttledSeconds;
      // gp2 ≥ 1,000 GiB never spends credits and, on Nitro, publishes no BurstBalance (DESIGN.md §2).
      balanceIntegral = bucket.spec.spendsCredits ? this.balanceIntegral(bucket, advance, dt) : undefined;
      this.trackExhaustion(bucket, advance);
      this.credits = advance.creditsAfter;
    }
    if (wanted > demand) throttled = dt;
    this.record(minuteEpochSeconds, dt, wanted, served, throttled, balanceIntegral);
    return dt;
  }

  /** An extra ceiling on top of the bucket: the provisioned rate, or the ramp while optimizing. */
  private floorCeilingOps(): number | undefined {
    const active = this.active;
    if (active !== undefined && active.record.state === 'optimizing') {
      const span = active.optimizingEndsEpochSeconds - active.modifyingEndsEpochSeconds;
      const progress = span > 0 ? (this.tEpochSeconds - active.modifyingEndsEpochSeconds) / span : 1;
      return rampCeilingOps(this.config, active.target, progress, this.ioSizeKiB);
    }
    return this.bucket() === undefined ? steadyCeilingOps(this.config, this.ioSizeKiB) : undefined;
  }

  private balanceIntegral(bucket: OpsBucket, advance: BucketAdvance, dt: number): number {
    const c0 = this.credits;
    const c1 = advance.creditsAfter;
    let creditSeconds: number;
    if (advance.emptiedAfterSeconds !== undefined) creditSeconds = (c0 * Math.min(advance.emptiedAfterSeconds, dt)) / 2;
    else if (advance.filledAfterSeconds !== undefined) creditSeconds = ((c0 + c1) / 2) * advance.filledAfterSeconds + c1 * (dt - advance.filledAfterSeconds);
    else creditSeconds = ((c0 + c1) / 2) * dt;
    return (100 * creditSeconds) / bucket.spec.bucketCredits;
  }

  private trackExhaustion(bucket: OpsBucket, advance: BucketAdvance): void {
    if (advance.emptiedAfterSeconds !== undefined && this.credits > 0 && this.armed) {
      this.counters.exhaustionsEpochSeconds.push(this.tEpochSeconds + advance.emptiedAfterSeconds);
      this.armed = false;
    }
    if (advance.creditsAfter > REARM_BALANCE_FRACTION * bucket.spec.bucketCredits) this.armed = true;
  }

  private record(minuteEpochSeconds: number, dt: number, demand: number, servedOps: number, throttledSeconds: number, balancePercentSeconds: number | undefined): void {
    this.counters.demandOps += demand * dt;
    this.counters.servedOps += servedOps;
    this.counters.throttledSeconds += throttledSeconds;
    const readShare = demand > 0 ? this.segment.readOpsPerSecond / demand : 0;
    const bytesPerOp = this.ioSizeKiB * 1024;
    this.cloudWatch.record(minuteEpochSeconds, {
      seconds: dt,
      balancePercentSeconds,
      readOps: servedOps * readShare,
      writeOps: servedOps * (1 - readShare),
      readBytes: servedOps * readShare * bytesPerOp,
      writeBytes: servedOps * (1 - readShare) * bytesPerOp,
      throttledSeconds,
    });
  }

  private nextTransitionEpochSeconds(): number {
    const active = this.active;
    if (active === undefined) return Number.POSITIVE_INFINITY;
    if (active.record.state === 'modifying') return active.modifyingEndsEpochSeconds;
    // The ramp moves in one-minute steps; the minute split already bounds each piece.
    return active.optimizingEndsEpochSeconds;
  }

  /** Moves an active modification through modifying → optimizing → completed | failed. */
  private applyTransitions(): void {
    const active = this.active;
    if (active === undefined) return;
    const t = this.tEpochSeconds;
    if (active.record.state === 'modifying' && t >= active.modifyingEndsEpochSeconds - EPOCH_EPSILON_SECONDS) {
      if (active.willFail) {
        this.finish(active, 'failed', 'the modification failed (simulated)');
        return;
      }
      this.replaceRecord(active, { ...active.record, state: 'optimizing' });
    }
    if (active.record.state === 'optimizing' && t >= active.optimizingEndsEpochSeconds - EPOCH_EPSILON_SECONDS) {
      const wasBurstable = this.bucket() !== undefined;
      this.config = active.target;
      const bucket = this.bucket();
      if (bucket !== undefined && !wasBurstable) this.credits = (bucket.spec.bucketCredits * this.returnBalancePercent) / 100;
      this.finish(active, 'completed', undefined);
    }
  }

  private finish(active: ActiveModification, state: 'completed' | 'failed', statusMessage: string | undefined): void {
    this.replaceRecord(active, { ...active.record, state, endEpochSeconds: this.tEpochSeconds, ...(statusMessage === undefined ? {} : { statusMessage }) });
    this.active = undefined;
  }

  private replaceRecord(active: ActiveModification, record: VolumeModification): void {
    active.record = record;
    this.history[this.history.length - 1] = record;
  }

  /** The volume's type now (changes only when a modification completes). */
  get type(): VolumeType {
    return this.config.type;
  }
}
