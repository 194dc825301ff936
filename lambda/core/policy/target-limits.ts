/**
 * AWS's provisioning limits of the rescue target types, shared by the policy checks and sizing.
 *
 * gp3: https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html (since Sep 2025: up to
 * 80,000 IOPS at 500 IOPS/GiB and 2,000 MiB/s at 0.25 MiB/s per IOPS; ModifyVolume's API reference
 * gives Throughput 125–2,000). Older SDK pages still say 16,000 IOPS / 1,000 MiB/s.
 * io1/io2: https://docs.aws.amazon.com/ebs/latest/userguide/provisioned-iops.html (io1 100–64,000 at
 * ≤ 50 IOPS/GiB; io2 Block Express 100–256,000 at ≤ 1,000 IOPS/GiB).
 */
import type { RescueTargetType } from '../types';

/** Limits of one provisioned type. */
export interface TargetLimits {
  readonly minIops: number;
  readonly maxIops: number;
  readonly maxIopsPerGiB: number;
  /** IOPS included in the price without provisioning (gp3: 3,000). */
  readonly includedIops: number;
  /** gp3 only; undefined for io1/io2 (throughput follows IOPS). */
  readonly throughput?: {
    readonly minMiBps: number;
    readonly maxMiBps: number;
    readonly maxMiBpsPerIops: number;
    readonly includedMiBps: number;
  };
}

/** AWS limits per rescue target type (sources in the file header). */
export const TARGET_LIMITS: Readonly<Record<RescueTargetType, TargetLimits>> = {
  gp3: {
    minIops: 3_000,
    maxIops: 80_000,
    maxIopsPerGiB: 500,
    includedIops: 3_000,
    throughput: { minMiBps: 125, maxMiBps: 2_000, maxMiBpsPerIops: 0.25, includedMiBps: 125 },
  },
  io1: { minIops: 100, maxIops: 64_000, maxIopsPerGiB: 50, includedIops: 0 },
  io2: { minIops: 100, maxIops: 256_000, maxIopsPerGiB: 1_000, includedIops: 0 },
};

/**
 * Highest IOPS a volume of `sizeGiB` may provision on `type`. gp3 always has its included 3,000
 * IOPS whatever the size; io1/io2 may come out below their 100 IOPS minimum (the volume is then too
 * small for that type).
 */
export function maxIopsFor(type: RescueTargetType, sizeGiB: number): number {
  const limits = TARGET_LIMITS[type];
  return Math.min(limits.maxIops, Math.max(limits.includedIops, Math.floor(limits.maxIopsPerGiB * sizeGiB)));
}

/** Highest gp3 throughput for `iops` provisioned IOPS, MiB/s (0.25 MiB/s per IOPS, capped at 2,000). */
export function maxThroughputFor(iops: number): number {
  const t = TARGET_LIMITS.gp3.throughput;
  if (t === undefined) return 0;
  return Math.min(t.maxMiBps, Math.max(t.minMiBps, Math.floor(iops * t.maxMiBpsPerIops)));
}
