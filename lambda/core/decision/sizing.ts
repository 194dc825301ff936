/**
 * Sizes a rescue target: explicit IOPS/throughput from the policy, or `auto` from observed demand
 * with headroom; never below what the volume had before (gp2: its burst ceiling, 3,000 IOPS under
 * 1,000 GiB, or its baseline when higher); always within the target type's AWS limits
 * (policy-target-limits.ts). When the target cannot beat the source (io1 on 20 GiB = 1,000 IOPS,
 * below gp2's 3,000 burst), the policy's fallback target is sized instead, and the result says so.
 */
import { bucketSpecFor } from '../credit/credit-model';
import type { PolicyFallbackTarget, PolicyTarget } from '../policy/schema';
import { TARGET_LIMITS, maxIopsFor, maxThroughputFor } from '../policy/target-limits';
import type { BurstableVolumeType, RescueTargetType } from '../types';

/** What sizing needs to know about the volume and its demand. */
export interface SizingInput {
  readonly sourceType: BurstableVolumeType;
  readonly sizeGiB: number;
  readonly target: PolicyTarget;
  /** Observed demand, IOPS (e.g. the forecaster's demandPerSecond, or a high percentile of ops); absent = unknown. */
  readonly observedIops?: number;
  /** Observed throughput demand, MiB/s; absent = unknown. */
  readonly observedThroughputMiBps?: number;
}

/** A target AWS accepts for this volume. */
export interface SizedTarget {
  readonly type: RescueTargetType;
  readonly iops: number;
  /** gp3 only. */
  readonly throughputMiBps?: number;
}

/** Sizing outcome: a target (maybe the fallback), or neither target beats the source. */
export type SizingResult =
  | {
      readonly kind: 'sized';
      readonly target: SizedTarget;
      /** Set when the policy's target could not beat the source and the fallback was sized instead. */
      readonly fallbackFrom?: { readonly type: RescueTargetType; readonly maxIops: number };
      /** IOPS / throughput the volume had before: the floor. */
      readonly floorIops: number;
      readonly floorThroughputMiBps: number;
      readonly reasons: readonly string[];
    }
  | {
      readonly kind: 'cannot-beat-source';
      readonly floorIops: number;
      readonly attempts: readonly { readonly type: RescueTargetType; readonly maxIops: number }[];
      readonly reason: string;
    };

/**
 * gp2 throughput ceiling: 128 MiB/s up to 170 GiB, 250 MiB/s above (general-purpose.html, "gp2
 * volumes ... throughput"); st1/sc1: their burst throughput (hdd-vols.html).
 */
function floorsOf(sourceType: BurstableVolumeType, sizeGiB: number): { iops: number; throughputMiBps: number } {
  const spec = bucketSpecFor(sourceType, sizeGiB);
  if (sourceType === 'gp2') return { iops: spec.burstPerSecond, throughputMiBps: sizeGiB <= 170 ? 128 : 250 };
  return { iops: 0, throughputMiBps: spec.burstPerSecond };
}

/** Sizes the policy's rescue target for a volume, falling back when the target cannot beat the source. */
export function sizeRescueTarget(input: SizingInput): SizingResult {
  const floor = floorsOf(input.sourceType, input.sizeGiB);
  const first = sizeOne(input.target, input, floor);
  if (first.kind === 'ok') return { kind: 'sized', target: first.target, floorIops: floor.iops, floorThroughputMiBps: floor.throughputMiBps, reasons: first.reasons };
  const fallback = sizeOne(input.target.fallback, input, floor);
  const attempts = [{ type: input.target.type, maxIops: first.maxIops }];
  if (fallback.kind === 'ok') {
    return {
      kind: 'sized',
      target: fallback.target,
      fallbackFrom: attempts[0],
      floorIops: floor.iops,
      floorThroughputMiBps: floor.throughputMiBps,
      reasons: [`${input.target.type} on ${input.sizeGiB} GiB allows at most ${first.maxIops} IOPS, not more than the ${floor.iops} it had: using the fallback ${fallback.target.type}`, ...fallback.reasons],
    };
  }
  attempts.push({ type: input.target.fallback.type, maxIops: fallback.maxIops });
  return {
    kind: 'cannot-beat-source',
    floorIops: floor.iops,
    attempts,
    reason: `neither ${attempts.map((a) => `${a.type} (max ${a.maxIops} IOPS)`).join(' nor ')} beats the ${floor.iops} IOPS the volume had on ${input.sourceType}`,
  };
}

type OneSizing = { kind: 'ok'; target: SizedTarget; reasons: string[] } | { kind: 'cannot-beat'; maxIops: number };

/** Sizes one target type; `cannot-beat` when its ceiling on this size is at or below the source's. */
function sizeOne(target: PolicyFallbackTarget & { headroomPercent?: number }, input: SizingInput, floor: { iops: number; throughputMiBps: number }): OneSizing {
  const limits = TARGET_LIMITS[target.type];
  const maxIops = maxIopsFor(target.type, input.sizeGiB);
  // A target that cannot exceed what the volume already bursts to would make the wall worse, not better.
  // (Matching the burst ceiling counts as beating it: the target sustains it without credits.)
  if (maxIops < Math.max(floor.iops, limits.minIops)) return { kind: 'cannot-beat', maxIops };
  const headroom = 1 + (target.headroomPercent ?? input.target.headroomPercent) / 100;
  const reasons: string[] = [];
  let iops: number;
  if (target.iops === 'auto') {
    const wanted = input.observedIops === undefined ? 0 : Math.ceil(input.observedIops * headroom);
    iops = Math.max(floor.iops, wanted, limits.minIops);
    reasons.push(input.observedIops === undefined ? `demand unknown: ${iops} IOPS (the floor)` : `demand ${Math.round(input.observedIops)} IOPS + ${Math.round((headroom - 1) * 100)}% headroom → ${wanted}`);
  } else {
    iops = Math.max(target.iops, floor.iops, limits.minIops);
    if (iops > target.iops) reasons.push(`explicit ${target.iops} IOPS raised to ${iops}, what the volume had before`);
  }
  let throughputMiBps: number | undefined;
  if (limits.throughput !== undefined) {
    const t = limits.throughput;
    const wantedT = target.throughputMiBps === 'auto'
      ? Math.max(t.minMiBps, floor.throughputMiBps, input.observedThroughputMiBps === undefined ? 0 : Math.ceil(input.observedThroughputMiBps * headroom))
      : Math.max(target.throughputMiBps, t.minMiBps);
    // gp3 throughput needs 4 IOPS per MiB/s (0.25 MiB/s per IOPS): raise IOPS for it when the size allows.
    iops = Math.max(iops, Math.ceil(Math.min(wantedT, t.maxMiBps) / t.maxMiBpsPerIops));
    if (iops > maxIops) reasons.push(`capped at ${maxIops} IOPS, the ${target.type} limit for ${input.sizeGiB} GiB`);
    iops = Math.min(iops, maxIops);
    throughputMiBps = Math.min(wantedT, maxThroughputFor(iops));
    if (throughputMiBps < wantedT) reasons.push(`throughput capped at ${throughputMiBps} MiB/s (0.25 MiB/s per IOPS, at most ${t.maxMiBps})`);
  } else if (iops > maxIops) {
    reasons.push(`capped at ${maxIops} IOPS, the ${target.type} limit for ${input.sizeGiB} GiB`);
    iops = maxIops;
  }
  return { kind: 'ok', target: throughputMiBps === undefined ? { type: target.type, iops } : { type: target.type, iops, throughputMiBps }, reasons };
}
