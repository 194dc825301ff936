/**
 * The instance's own EBS burst bucket. Smaller EC2 sizes have a baseline and a maximum EBS
 * bandwidth/IOPS; they "can support maximum performance for 30 minutes at least once every 24 hours,
 * after which they revert to their baseline performance" (Amazon EC2 User Guide, "Amazon
 * EBS–optimized instances", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ebs-optimized.html).
 * CloudWatch publishes what is left as `EBSIOBalance%` and `EBSByteBalance%` (AWS/EC2, per InstanceId,
 * 5-minute basic monitoring). When either is empty every attached volume is held to the instance's
 * baseline, gp3 and io1 alike.
 *
 * Model (ours, from that sentence): a full bucket holds 30 minutes of (maximum − baseline); it drains
 * at (min(demand, maximum) − baseline) and, by analogy with gp2, refills at (baseline − demand).
 * AWS documents neither the bucket size nor the refill rate; only the 30-minute burst.
 *
 * Figures: `verified` rows were read in the guide's table as stored in awsdocs/amazon-ec2-user-guide
 * (doc_source/ebs-optimized.md, commit e840de01, the last version of that repository: baseline and
 * maximum bandwidth, MB/s at 128 KiB I/O, IOPS at 16 KiB I/O; the "*" rows burst). They supersede the
 * older EBSOptimized.md figures (m5.large 437.5 MB/s maximum there, 593.75 here). m7g is not in that
 * version: its rows copy c7g's (same Graviton3 generation) and are `verified: false` until checked.
 * A size whose baseline equals its maximum never bursts (`burstable: false`); those rows are here only
 * as the "non-burstable" fix an alert proposes.
 */
import type { BucketRates } from './credit-model';

/** One instance size's EBS performance: baseline and maximum, IOPS (16 KiB I/O) and MB/s (128 KiB I/O). */
export interface InstanceEbsSpec {
  readonly instanceType: string;
  readonly baselineIops: number;
  readonly maximumIops: number;
  readonly baselineMBps: number;
  readonly maximumMBps: number;
  /** False when baseline = maximum: the size sustains its maximum indefinitely and has no bucket. */
  readonly burstable: boolean;
  readonly verified: boolean;
}

/** Seconds a full instance bucket sustains maximum performance (the EC2 User Guide's "30 minutes"). */
export const INSTANCE_BURST_SECONDS = 30 * 60;

/** Where the figures come from, for alerts and docs. */
export const INSTANCE_EBS_SOURCE = 'Amazon EC2 User Guide, EBS-optimized instances table (awsdocs/amazon-ec2-user-guide doc_source/ebs-optimized.md, commit e840de01)';

type Row = readonly [type: string, baselineIops: number, maximumIops: number, baselineMBps: number, maximumMBps: number];

/** Gen-5 families (m5, c5, r5): three burstable sizes, then 4xlarge at 593.75 MB/s sustained. */
const FIFTH: readonly Row[] = [
  ['m5.large', 3_600, 18_750, 81.25, 593.75], ['m5.xlarge', 6_000, 18_750, 143.75, 593.75], ['m5.2xlarge', 12_000, 18_750, 287.5, 593.75], ['m5.4xlarge', 18_750, 18_750, 593.75, 593.75],
  ['c5.large', 4_000, 20_000, 81.25, 593.75], ['c5.xlarge', 6_000, 20_000, 143.75, 593.75], ['c5.2xlarge', 10_000, 20_000, 287.5, 593.75], ['c5.4xlarge', 20_000, 20_000, 593.75, 593.75],
  ['r5.large', 3_600, 18_750, 81.25, 593.75], ['r5.xlarge', 6_000, 18_750, 143.75, 593.75], ['r5.2xlarge', 12_000, 18_750, 287.5, 593.75], ['r5.4xlarge', 18_750, 18_750, 593.75, 593.75],
  ['t3.nano', 250, 11_800, 5.375, 260.625], ['t3.micro', 500, 11_800, 10.875, 260.625], ['t3.small', 1_000, 11_800, 21.75, 260.625], ['t3.medium', 2_000, 11_800, 43.375, 260.625],
  ['t3.large', 4_000, 15_700, 86.875, 347.5], ['t3.xlarge', 4_000, 15_700, 86.875, 347.5], ['t3.2xlarge', 4_000, 15_700, 86.875, 347.5],
];

/** m6i/c6i/r6i share one row set: four burstable sizes up to 4xlarge, then 8xlarge at 1,250 MB/s sustained. */
function sixthGeneration(family: string, baselineLargeMBps: number): Row[] {
  return [
    [`${family}.large`, 3_600, 40_000, baselineLargeMBps, 1_250],
    [`${family}.xlarge`, 6_000, 40_000, 156.25, 1_250],
    [`${family}.2xlarge`, 12_000, 40_000, 312.5, 1_250],
    [`${family}.4xlarge`, 20_000, 40_000, 625, 1_250],
    [`${family}.8xlarge`, 40_000, 40_000, 1_250, 1_250],
  ];
}

const VERIFIED: readonly Row[] = [...FIFTH, ...sixthGeneration('m6i', 81.25), ...sixthGeneration('c6i', 81.25), ...sixthGeneration('r6i', 81.25)];
/** c7g's rows under the m7g name (c7g.large: 630 Mbps baseline = 78.75 MB/s). */
const UNVERIFIED: readonly Row[] = sixthGeneration('m7g', 78.75);

/** The sizes we know, by instance type. */
export const INSTANCE_EBS_TABLE: ReadonlyMap<string, InstanceEbsSpec> = new Map(
  [...VERIFIED.map((r) => [r, true] as const), ...UNVERIFIED.map((r) => [r, false] as const)].map(([[instanceType, baselineIops, maximumIops, baselineMBps, maximumMBps], verified]) => [
    instanceType,
    { instanceType, baselineIops, maximumIops, baselineMBps, maximumMBps, burstable: maximumIops > baselineIops || maximumMBps > baselineMBps, verified },
  ]),
);

/** The spec of a size that has an instance bucket, or undefined (unknown, or sustains its maximum). */
export function burstableInstanceSpec(instanceType: string | undefined): InstanceEbsSpec | undefined {
  const spec = instanceType === undefined ? undefined : INSTANCE_EBS_TABLE.get(instanceType);
  return spec?.burstable === true ? spec : undefined;
}

/** The other sizes of the family, smallest first (`m5.large` → m5.large … m5.4xlarge). */
export function familySizes(instanceType: string): InstanceEbsSpec[] {
  const family = instanceType.split('.')[0];
  return [...INSTANCE_EBS_TABLE.values()].filter((s) => s.instanceType.split('.')[0] === family).sort((a, b) => a.baselineIops - b.baselineIops || a.baselineMBps - b.baselineMBps);
}

/** The instance bucket's capacity: IOPS-seconds and MB of burst above the baseline. */
export interface InstanceBucket {
  readonly ioCredits: number;
  readonly byteCreditsMB: number;
}

/** A full bucket: 30 minutes of (maximum − baseline), for I/O and for bytes. */
export function instanceBucketOf(spec: InstanceEbsSpec): InstanceBucket {
  return { ioCredits: (spec.maximumIops - spec.baselineIops) * INSTANCE_BURST_SECONDS, byteCreditsMB: (spec.maximumMBps - spec.baselineMBps) * INSTANCE_BURST_SECONDS };
}

/** The two buckets as the forecaster and the token-bucket model read them: I/O (IOPS) and bytes (MB/s). */
export function instanceBucketRates(spec: InstanceEbsSpec): { readonly io: BucketRates; readonly bytes: BucketRates } {
  const bucket = instanceBucketOf(spec);
  return {
    io: { unit: 'iops', baselinePerSecond: spec.baselineIops, burstPerSecond: spec.maximumIops, bucketCredits: bucket.ioCredits, spendsCredits: spec.maximumIops > spec.baselineIops },
    bytes: { unit: 'MiBps', baselinePerSecond: spec.baselineMBps, burstPerSecond: spec.maximumMBps, bucketCredits: bucket.byteCreditsMB, spendsCredits: spec.maximumMBps > spec.baselineMBps },
  };
}

/** Seconds until the I/O bucket is empty at `demandIops` from `balancePercent` (Infinity at or below the baseline). */
export function instanceIoSecondsToEmpty(spec: InstanceEbsSpec, balancePercent: number, demandIops: number): number {
  const drain = Math.min(demandIops, spec.maximumIops) - spec.baselineIops;
  if (drain <= 0) return Number.POSITIVE_INFINITY;
  return ((Math.max(0, Math.min(100, balancePercent)) / 100) * instanceBucketOf(spec).ioCredits) / drain;
}
