/**
 * The EBS burst-credit token bucket (gp2 I/O credits, st1/sc1 throughput credits), solved exactly
 * for intervals of constant demand. Pure: time and demand are arguments (DESIGN.md §2).
 *
 * gp2: https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
 * st1/sc1: https://docs.aws.amazon.com/ebs/latest/userguide/hdd-vols.html
 */
import type { BurstableVolumeType } from '../types';

/** The unit a bucket counts in: I/O operations (gp2) or MiB of throughput (st1/sc1). */
export type CreditUnit = 'iops' | 'MiBps';

/** Any token bucket's rates and size (a volume's, or an instance's EBS bucket: core/credit/instance-ebs.ts). */
export interface BucketRates {
  readonly unit: CreditUnit;
  /** Rate the bucket refills at and the served ceiling once it is empty. */
  readonly baselinePerSecond: number;
  /** Served ceiling while credits remain (equal to the baseline when it never bursts). */
  readonly burstPerSecond: number;
  /** Bucket capacity. */
  readonly bucketCredits: number;
  /** False when burst ≤ baseline: the bucket is never spent. */
  readonly spendsCredits: boolean;
}

/** A volume's credit bucket: rates are per second in `unit`, credits in operations or MiB. */
export interface BucketSpec extends BucketRates {
  readonly type: BurstableVolumeType;
  readonly sizeGiB: number;
}

/** gp2 bucket: 5.4 million I/O credits, enough for 30 minutes at 3,000 IOPS (general-purpose.html). */
export const GP2_BUCKET_CREDITS = 5_400_000;
/** gp2 burst ceiling for volumes under 1,000 GiB (general-purpose.html). */
export const GP2_BURST_IOPS = 3_000;
const GP2_MIN_BASELINE_IOPS = 100;
const GP2_MAX_BASELINE_IOPS = 16_000;
const GP2_IOPS_PER_GIB = 3;
const GP2_BURSTING_BELOW_GIB = 1_000;

/** MiB in one TiB: st1/sc1 buckets hold 1 TiB of credits per TiB of size (hdd-vols.html). */
const MIB_PER_TIB = 1_048_576;
const GIB_PER_TIB = 1_024;

/** Per-TiB rates and caps of the HDD types, MiB/s (hdd-vols.html, "Throughput credits and burst performance"). */
const HDD_RATES: Record<'st1' | 'sc1', { baselinePerTiB: number; baselineCap: number; burstPerTiB: number; burstCap: number }> = {
  st1: { baselinePerTiB: 40, baselineCap: 500, burstPerTiB: 250, burstCap: 500 },
  sc1: { baselinePerTiB: 12, baselineCap: 192, burstPerTiB: 80, burstCap: 250 },
};

/** The bucket of a gp2/st1/sc1 volume of `sizeGiB`. */
export function bucketSpecFor(type: BurstableVolumeType, sizeGiB: number): BucketSpec {
  if (!Number.isFinite(sizeGiB) || sizeGiB <= 0) throw new RangeError(`sizeGiB must be a positive number, got ${sizeGiB}`);
  if (type === 'gp2') {
    // baseline = 3 IOPS/GiB, floor 100, ceiling 16,000; only volumes < 1,000 GiB burst to 3,000.
    const baselinePerSecond = Math.min(GP2_MAX_BASELINE_IOPS, Math.max(GP2_MIN_BASELINE_IOPS, GP2_IOPS_PER_GIB * sizeGiB));
    const burstPerSecond = sizeGiB < GP2_BURSTING_BELOW_GIB ? Math.max(GP2_BURST_IOPS, baselinePerSecond) : baselinePerSecond;
    return { type, sizeGiB, unit: 'iops', baselinePerSecond, burstPerSecond, bucketCredits: GP2_BUCKET_CREDITS, spendsCredits: burstPerSecond > baselinePerSecond };
  }
  const rates = HDD_RATES[type];
  const sizeTiB = sizeGiB / GIB_PER_TIB;
  const baselinePerSecond = Math.min(rates.baselineCap, rates.baselinePerTiB * sizeTiB);
  const burstPerSecond = Math.min(rates.burstCap, rates.burstPerTiB * sizeTiB);
  return { type, sizeGiB, unit: 'MiBps', baselinePerSecond, burstPerSecond, bucketCredits: sizeTiB * MIB_PER_TIB, spendsCredits: burstPerSecond > baselinePerSecond };
}

/** Rate served for `demandPerSecond` with `credits` in the bucket: burst ceiling while credits last, baseline when empty. */
export function servedRate(spec: BucketRates, credits: number, demandPerSecond: number): number {
  const ceiling = credits > 0 ? spec.burstPerSecond : spec.baselinePerSecond;
  return Math.min(Math.max(0, demandPerSecond), ceiling);
}

/** BurstBalance percent for a credit amount (BurstBalance = credits ÷ bucket, general-purpose.html). */
export function balancePercentOf(spec: BucketRates, credits: number): number {
  return (100 * credits) / spec.bucketCredits;
}

/** Credits for a BurstBalance percent, clamped to the bucket. */
export function creditsFromBalancePercent(spec: BucketRates, balancePercent: number): number {
  return Math.min(spec.bucketCredits, Math.max(0, (balancePercent / 100) * spec.bucketCredits));
}

/** The outcome of holding a constant demand for an interval. */
export interface BucketAdvance {
  readonly creditsAfter: number;
  /** Operations (or MiB) actually served over the interval. */
  readonly servedUnits: number;
  /** Seconds in which demand exceeded the served rate. */
  readonly throttledSeconds: number;
  /** Seconds into the interval at which the bucket reached 0, when it did (0 if it was already empty and draining). */
  readonly emptiedAfterSeconds: number | undefined;
  /** Seconds into the interval at which the bucket became full, when it did. */
  readonly filledAfterSeconds: number | undefined;
}

/**
 * Advances the bucket over `seconds` of constant `demandPerSecond`, exactly: credits drain at
 * min(D, burst) − baseline while above zero, then the volume is held to the baseline; below the
 * baseline they refill at baseline − D up to the bucket (general-purpose.html, "I/O credits and burst performance").
 */
export function advanceBucket(spec: BucketRates, credits: number, demandPerSecond: number, seconds: number): BucketAdvance {
  const demand = Math.max(0, demandPerSecond);
  const start = Math.min(spec.bucketCredits, Math.max(0, credits));
  const burstServed = Math.min(demand, spec.burstPerSecond);
  const drainPerSecond = burstServed - spec.baselinePerSecond;
  if (seconds <= 0) return { creditsAfter: start, servedUnits: 0, throttledSeconds: 0, emptiedAfterSeconds: undefined, filledAfterSeconds: undefined };
  if (drainPerSecond > 0) {
    // Compare credits, not times, so an interval that ends exactly as the bucket empties reports it.
    const emptied = start <= drainPerSecond * seconds;
    const burstSeconds = emptied ? start / drainPerSecond : seconds;
    const baselineSeconds = seconds - burstSeconds;
    const throttledSeconds = (demand > burstServed ? burstSeconds : 0) + baselineSeconds;
    return {
      creditsAfter: emptied ? 0 : start - drainPerSecond * seconds,
      servedUnits: burstServed * burstSeconds + spec.baselinePerSecond * baselineSeconds,
      throttledSeconds,
      emptiedAfterSeconds: emptied ? burstSeconds : undefined,
      filledAfterSeconds: undefined,
    };
  }
  // At or below the baseline (or a volume that never bursts): serve what fits, refill up to the bucket.
  const refillPerSecond = -drainPerSecond;
  const room = spec.bucketCredits - start;
  const fillSeconds = refillPerSecond > 0 ? room / refillPerSecond : Number.POSITIVE_INFINITY;
  const filled = fillSeconds <= seconds && room > 0;
  return {
    creditsAfter: filled ? spec.bucketCredits : Math.min(spec.bucketCredits, start + refillPerSecond * seconds),
    servedUnits: burstServed * seconds,
    throttledSeconds: demand > burstServed ? seconds : 0,
    emptiedAfterSeconds: undefined,
    filledAfterSeconds: filled ? fillSeconds : undefined,
  };
}

/** Seconds until the bucket is empty at a constant demand; `Infinity` when it never empties. */
export function secondsToEmpty(spec: BucketRates, credits: number, demandPerSecond: number): number {
  const drainPerSecond = Math.min(Math.max(0, demandPerSecond), spec.burstPerSecond) - spec.baselinePerSecond;
  if (drainPerSecond <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, credits) / drainPerSecond;
}

/** Seconds until the bucket is full at a constant demand; 0 when full, `Infinity` when it never fills. */
export function secondsToFull(spec: BucketRates, credits: number, demandPerSecond: number): number {
  const room = spec.bucketCredits - Math.max(0, credits);
  if (room <= 0) return 0;
  const refillPerSecond = spec.baselinePerSecond - Math.max(0, demandPerSecond);
  if (refillPerSecond <= 0) return Number.POSITIVE_INFINITY;
  return room / refillPerSecond;
}

/** The fastest the bucket can empty: credits ÷ (burst − baseline); `Infinity` when it never spends. */
export function minSecondsToEmpty(spec: BucketRates, credits: number): number {
  return secondsToEmpty(spec, credits, spec.burstPerSecond);
}
