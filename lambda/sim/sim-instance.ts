/**
 * A simulated EC2 instance's own EBS burst bucket (core/credit/instance-ebs.ts): an I/O bucket and a
 * byte bucket, each 30 minutes of (maximum − baseline), drained by what the attached volumes served
 * above the instance's baseline and refilled below it. Together the attached volumes get at most the
 * instance's maximum (IOPS and MB/s) and, while either bucket is empty, its baseline, shared in
 * proportion to what each asked for. Resolution is one minute: the fleet serves the volumes a minute, then the instance, and
 * the cap it sets holds for the next minute. CloudWatch sees `EBSIOBalance%` / `EBSByteBalance%` as
 * 5-minute Averages (basic monitoring), published `delaySeconds` after their period ends.
 */
import { advanceBucket, type BucketRates } from '../core/credit/credit-model';
import { instanceBucketRates, type InstanceEbsSpec } from '../core/credit/instance-ebs';
import type { InstanceEbsBalance } from '../core/ports';
import type { MetricPoint } from '../core/types';

/** Basic monitoring period of EC2 metrics, seconds. */
export const INSTANCE_PERIOD_SECONDS = 300;
/** An exhaustion counts again only once the bucket recovered above 20 % (as for volumes). */
const REARM_FRACTION = 0.2;
/** Bytes in the table's MB (the guide's MB/s are 1,000,000 bytes: 4,750 Mbps = 593.75 MB/s). */
export const BYTES_PER_MB = 1_000_000;

/** What the attached volumes did in one minute, and what they asked for. */
export interface MinuteUse {
  readonly servedOps: number;
  readonly servedBytes: number;
  /** Demanded ops per volume id (the cap is shared in proportion). */
  readonly demandOpsByVolume: ReadonlyMap<string, number>;
  readonly bytesPerOpByVolume: ReadonlyMap<string, number>;
}

interface Bucket {
  readonly rates: BucketRates;
  credits: number;
  armed: boolean;
  /** ∫ balance% dt over the current 5-minute period. */
  integral: number;
  readonly points: MetricPoint[];
}

/** One instance with a bucket. Mutable by design: it is the simulated world. */
export class SimInstance {
  private readonly io: Bucket;
  private readonly bytes: Bucket;
  private periodStart: number | undefined;
  /** Epoch seconds at which either bucket reached 0 (re-armed above 20 %). */
  readonly exhaustionsEpochSeconds: number[] = [];
  /** Seconds during which the instance held its volumes to its baseline. */
  cappedSeconds = 0;

  constructor(
    readonly instanceId: string,
    readonly spec: InstanceEbsSpec,
    initialBalancePercent: number,
    private readonly delaySeconds: number,
  ) {
    const rates = instanceBucketRates(spec);
    const bucket = (r: BucketRates): Bucket => ({ rates: r, credits: (r.bucketCredits * initialBalancePercent) / 100, armed: true, integral: 0, points: [] });
    this.io = bucket(rates.io);
    this.bytes = bucket(rates.bytes);
  }

  /** True balance percents now. */
  balances(): { io: number; bytes: number } {
    return { io: (100 * this.io.credits) / this.io.rates.bucketCredits, bytes: (100 * this.bytes.credits) / this.bytes.rates.bucketCredits };
  }

  /** Drains or refills both buckets with one minute's use; returns the per-volume ops/s cap for the next minute (undefined = none). */
  serveMinute(startEpochSeconds: number, seconds: number, use: MinuteUse): Map<string, number> | undefined {
    const ioRate = use.servedOps / seconds;
    const mbRate = use.servedBytes / BYTES_PER_MB / seconds;
    for (const [bucket, rate] of [[this.io, ioRate], [this.bytes, mbRate]] as const) this.advance(bucket, rate, startEpochSeconds, seconds);
    if ((startEpochSeconds + seconds) % INSTANCE_PERIOD_SECONDS === 0) this.flush();
    // The instance's ceiling: its maximum while credits remain, its baseline once a bucket is empty.
    const ceilingIops = this.io.credits > 0 ? this.spec.maximumIops : this.spec.baselineIops;
    const ceilingMBps = this.bytes.credits > 0 ? this.spec.maximumMBps : this.spec.baselineMBps;
    let demand = 0;
    let demandMBps = 0;
    for (const [volumeId, asked] of use.demandOpsByVolume) {
      demand += asked;
      demandMBps += (asked * (use.bytesPerOpByVolume.get(volumeId) ?? 16_384)) / BYTES_PER_MB;
    }
    if (demand <= ceilingIops && demandMBps <= ceilingMBps) return undefined;
    const caps = new Map<string, number>();
    for (const [volumeId, asked] of use.demandOpsByVolume) {
      const share = asked / demand;
      const bytesPerOp = use.bytesPerOpByVolume.get(volumeId) ?? 16_384;
      caps.set(volumeId, Math.min(ceilingIops * share, (ceilingMBps * BYTES_PER_MB * share) / bytesPerOp));
    }
    return caps;
  }

  private advance(bucket: Bucket, rate: number, startEpochSeconds: number, seconds: number): void {
    const before = bucket.credits;
    const step = advanceBucket(bucket.rates, before, rate, seconds);
    if (step.emptiedAfterSeconds !== undefined && before > 0 && bucket.armed) {
      this.exhaustionsEpochSeconds.push(startEpochSeconds + step.emptiedAfterSeconds);
      bucket.armed = false;
    }
    if (step.creditsAfter > REARM_FRACTION * bucket.rates.bucketCredits) bucket.armed = true;
    bucket.credits = step.creditsAfter;
    this.record(bucket, startEpochSeconds, seconds, (before + step.creditsAfter) / 2);
  }

  /** Accumulates the minute into its 5-minute period (trapezoid of the minute's start and end). */
  private record(bucket: Bucket, startEpochSeconds: number, seconds: number, meanCredits: number): void {
    const period = Math.floor(startEpochSeconds / INSTANCE_PERIOD_SECONDS) * INSTANCE_PERIOD_SECONDS;
    if (bucket === this.io && this.periodStart !== undefined && period !== this.periodStart) this.flush();
    if (bucket === this.io) this.periodStart ??= period;
    bucket.integral += ((100 * meanCredits) / bucket.rates.bucketCredits) * seconds;
  }

  private flush(): void {
    if (this.periodStart === undefined) return;
    for (const bucket of [this.io, this.bytes]) {
      bucket.points.push({ tEpochSeconds: this.periodStart, value: bucket.integral / INSTANCE_PERIOD_SECONDS });
      bucket.integral = 0;
    }
    this.periodStart = undefined;
  }

  /** What GetMetricData returns at `now` for periods starting in [since, now): published once their period ended `delaySeconds` ago. */
  balanceSeries(nowEpochSeconds: number, sinceEpochSeconds: number): InstanceEbsBalance {
    const visible = (p: MetricPoint) => p.tEpochSeconds >= sinceEpochSeconds && p.tEpochSeconds + INSTANCE_PERIOD_SECONDS + this.delaySeconds <= nowEpochSeconds;
    return { instanceId: this.instanceId, ioBalancePercent: this.io.points.filter(visible), byteBalancePercent: this.bytes.points.filter(visible) };
  }
}

/** The attached volumes' counters the fleet reads around one minute. */
export interface AttachedVolume {
  readonly volumeId: string;
  readonly ioSizeKiB: number;
  readonly counters: { readonly demandOps: number; readonly servedOps: number };
  instanceCapOpsPerSecond: number | undefined;
  advanceTo(epochSeconds: number): void;
}

/**
 * Advances an instance's volumes to `untilEpochSeconds` minute by minute, serving each minute's use
 * to the instance and applying the cap it sets to the next minute.
 */
export function advanceHost(instance: SimInstance, volumes: readonly AttachedVolume[], fromEpochSeconds: number, untilEpochSeconds: number): void {
  for (let t = fromEpochSeconds; t < untilEpochSeconds; ) {
    const next = Math.min(untilEpochSeconds, (Math.floor(t / 60) + 1) * 60);
    const before = volumes.map((v) => ({ demand: v.counters.demandOps, served: v.counters.servedOps }));
    if (volumes.some((v) => v.instanceCapOpsPerSecond !== undefined)) instance.cappedSeconds += next - t;
    for (const v of volumes) v.advanceTo(next);
    let servedOps = 0;
    let servedBytes = 0;
    const demandOpsByVolume = new Map<string, number>();
    const bytesPerOpByVolume = new Map<string, number>();
    volumes.forEach((v, i) => {
      const served = v.counters.servedOps - (before[i]?.served ?? 0);
      servedOps += served;
      servedBytes += served * v.ioSizeKiB * 1024;
      demandOpsByVolume.set(v.volumeId, (v.counters.demandOps - (before[i]?.demand ?? 0)) / (next - t));
      bytesPerOpByVolume.set(v.volumeId, v.ioSizeKiB * 1024);
    });
    const caps = instance.serveMinute(t, next - t, { servedOps, servedBytes, demandOpsByVolume, bytesPerOpByVolume });
    for (const v of volumes) v.instanceCapOpsPerSecond = caps?.get(v.volumeId);
    t = next;
  }
}
