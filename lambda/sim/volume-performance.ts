/**
 * What a simulated volume can serve, in operations per second: a credit bucket for gp2/st1/sc1, a
 * provisioned ceiling for gp3/io1/io2, and the ramp between them while a modification optimizes.
 */
import { bucketSpecFor, type BucketSpec } from '../core/credit/credit-model';
import { isBurstableType, type VolumeType } from '../core/types';

/** gp2 counts one I/O credit per I/O of up to 256 KiB (general-purpose.html); larger I/Os count as several. */
const GP2_CREDIT_IO_KIB = 256;
const KIB_PER_MIB = 1024;

/** The configuration that decides performance. */
export interface PerformanceConfig {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/** A bucket plus the factor converting operations to its credit unit. */
export interface OpsBucket {
  readonly spec: BucketSpec;
  /** Credits (gp2: I/O credits, st1/sc1: MiB) spent per operation. */
  readonly unitsPerOp: number;
}

/** Default I/O size for a type: small random I/O on SSD, 1 MiB sequential on HDD. */
export function defaultIoSizeKiB(type: VolumeType): number {
  return type === 'st1' || type === 'sc1' ? 1024 : 16;
}

/** The credit bucket of a burstable configuration, counted per operation of `ioSizeKiB`. */
export function opsBucketFor(config: PerformanceConfig, ioSizeKiB: number): OpsBucket | undefined {
  if (!isBurstableType(config.type)) return undefined;
  const spec = bucketSpecFor(config.type, config.sizeGiB);
  const unitsPerOp = config.type === 'gp2' ? Math.max(1, Math.ceil(ioSizeKiB / GP2_CREDIT_IO_KIB)) : ioSizeKiB / KIB_PER_MIB;
  return { spec, unitsPerOp };
}

/** IOPS EC2 reports for a configuration: provisioned IOPS, or gp2's baseline (3 per GiB, 100–16,000). */
export function reportedIops(config: PerformanceConfig): number | undefined {
  if (config.type === 'gp2') return opsBucketFor(config, GP2_CREDIT_IO_KIB)?.spec.baselinePerSecond;
  if (config.type === 'gp3') return config.iops ?? 3000;
  if (config.type === 'io1' || config.type === 'io2') return config.iops;
  return undefined;
}

/**
 * The steady ceiling of a provisioned configuration, ops/s (gp3 is also bound by throughput:
 * https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type).
 * For a burstable one, its baseline (what it can promise without credits).
 */
export function steadyCeilingOps(config: PerformanceConfig, ioSizeKiB: number): number {
  const bucket = opsBucketFor(config, ioSizeKiB);
  if (bucket !== undefined) return bucket.spec.baselinePerSecond / bucket.unitsPerOp;
  const iops = reportedIops(config) ?? 200;
  if (config.type !== 'gp3') return iops;
  const throughputOps = ((config.throughputMiBps ?? 125) * KIB_PER_MIB) / ioSizeKiB;
  return Math.min(iops, throughputOps);
}

/**
 * The ceiling while optimizing, `progress` in [0, 1]: moves linearly from source to target and is
 * never below the source (monitoring-volume-modifications.html: "performance is between the source
 * and target specifications, never below the source").
 */
export function rampCeilingOps(source: PerformanceConfig, target: PerformanceConfig, progress: number, ioSizeKiB: number): number {
  const from = steadyCeilingOps(source, ioSizeKiB);
  const to = steadyCeilingOps(target, ioSizeKiB);
  const p = Math.min(1, Math.max(0, progress));
  return Math.max(from, from + (to - from) * p);
}
