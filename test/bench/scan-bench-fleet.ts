/**
 * The fleet `bench:scan` runs on (issue 12's fleet mix), as a function of the volume index and the
 * time: what DescribeVolumes lists and what CloudWatch would publish for each metric minute.
 * Per 100 volumes: 70 gp2 full and idle + 10 gp3 never flipped (80 % idle), 12 gp2 diurnal,
 * 5 gp2 draining, 2 flipped (gp3 now, a live rescue in the ledger), 1 gp2 throttled (empty).
 * One idle volume in 23 is detached: EBS publishes nothing for it
 * (https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html: "only when attached").
 */
import type { VolumeType } from '../../lambda/core/types';

/** What a volume does. */
export type VolumeClass = 'idle' | 'gp3' | 'diurnal' | 'draining' | 'flipped' | 'throttled';

/** One volume of the benchmark fleet. */
export interface FleetVolume {
  readonly index: number;
  readonly volumeId: string;
  readonly behaviour: VolumeClass;
  readonly type: VolumeType;
  readonly sizeGiB: number;
  readonly attached: boolean;
}

/** The class of the volume at `index` (the mix repeats every 100 volumes). */
export function classOf(index: number): VolumeClass {
  const k = index % 100;
  if (k < 2) return 'flipped';
  if (k < 12) return 'gp3';
  if (k < 13) return 'throttled';
  if (k < 18) return 'draining';
  if (k < 30) return 'diurnal';
  return 'idle';
}

/** Volume ids sort like their index (the scan walks them in id order). */
export function volumeIdOf(index: number): string {
  return `vol-${index.toString(16).padStart(17, '0')}`;
}

/** The volume at `index`. */
export function fleetVolume(index: number): FleetVolume {
  const behaviour = classOf(index);
  const gp3 = behaviour === 'gp3' || behaviour === 'flipped';
  return {
    index,
    volumeId: volumeIdOf(index),
    behaviour,
    type: gp3 ? 'gp3' : 'gp2',
    sizeGiB: 50 + (index % 10) * 50,
    attached: !(behaviour === 'idle' && index % 23 === 0),
  };
}

const BUCKET_CREDITS = 5_400_000;

function baselineIops(sizeGiB: number): number {
  return Math.min(16_000, Math.max(100, 3 * sizeGiB));
}

/** Seconds since 00:00 UTC. */
function secondOfDay(t: number): number {
  return ((t % 86_400) + 86_400) % 86_400;
}

/**
 * BurstBalance (percent) and demand (IOPS) at minute `t`: each class follows the bucket's physics
 * (DESIGN.md §2: drain at demand − baseline while above it, refill below it).
 */
export function stateAt(v: FleetVolume, t: number): { balancePercent?: number; iops: number; throttled: boolean } {
  const baseline = baselineIops(v.sizeGiB);
  switch (v.behaviour) {
    case 'idle':
      return { balancePercent: 100, iops: Math.min(20, baseline / 2), throttled: false };
    case 'gp3':
      return { iops: 50, throttled: false };
    case 'flipped':
      return { iops: 500, throttled: false };
    case 'throttled':
      return { balancePercent: 0, iops: baseline, throttled: true };
    case 'draining': {
      // 0.2 %/min: 180 credits/s above the baseline; a sawtooth from 95 % to 15 % every 400 min, phased by index.
      const minutes = (Math.floor(t / 60) + v.index * 37) % 400;
      return { balancePercent: 95 - minutes * 0.2, iops: baseline + (0.002 * BUCKET_CREDITS) / 60, throttled: false };
    }
    case 'diurnal':
      return diurnal(baseline, secondOfDay(t) / 3600);
  }
}

/** Busy 10:00–18:00 UTC (drains 0.1 %/min to 52 %), refills at 0.2 %/min until full, quiet otherwise. */
function diurnal(baseline: number, hour: number): { balancePercent: number; iops: number; throttled: boolean } {
  const drainPerMinute = 0.1;
  const refillPerMinute = 0.2;
  if (hour >= 10 && hour < 18) return { balancePercent: 100 - (hour - 10) * 60 * drainPerMinute, iops: baseline + (drainPerMinute / 100) * BUCKET_CREDITS / 60, throttled: false };
  const low = 100 - 8 * 60 * drainPerMinute;
  const sinceBusy = ((hour - 18 + 24) % 24) * 60;
  const balance = Math.min(100, low + sinceBusy * refillPerMinute);
  return { balancePercent: balance, iops: balance < 100 ? Math.max(0, baseline - (refillPerMinute / 100) * BUCKET_CREDITS / 60) : baseline / 3, throttled: false };
}

/** The value CloudWatch publishes for `metricName` (statistic as the reader asks) at minute `t`, or undefined for no datapoint. */
export function metricValue(v: FleetVolume, metricName: string, t: number): number | undefined {
  if (!v.attached) return undefined;
  const s = stateAt(v, t);
  switch (metricName) {
    case 'BurstBalance':
      return s.balancePercent;
    case 'VolumeReadOps':
    case 'VolumeWriteOps':
      return (s.iops / 2) * 60;
    case 'VolumeReadBytes':
    case 'VolumeWriteBytes':
      return (s.iops / 2) * 60 * 16_384;
    case 'VolumeIOPSExceededCheck':
      return v.type === 'gp2' ? (s.throttled ? 1 : 0) : undefined;
    default:
      // The probe's ContainerStartLatencyP90 and anything else: not published by this fleet.
      return undefined;
  }
}
