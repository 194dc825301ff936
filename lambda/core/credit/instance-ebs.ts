/**
 * The instance's own EBS burst bucket. Smaller EC2 sizes have a baseline and a maximum EBS
 * bandwidth/IOPS; they "can support maximum performance for 30 minutes at least once every 24
 * hours" (Amazon EC2 User Guide, "Amazon EBS–optimized instances",
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-optimized.html). CloudWatch publishes what is
 * left as `EBSIOBalance%` and `EBSByteBalance%` (AWS/EC2, per InstanceId, 5-minute basic monitoring).
 * When either is empty every attached volume is held to the instance's baseline, gp3 and io1 alike.
 *
 * Model (ours, from that sentence): a full bucket holds 30 minutes of (maximum − baseline); it drains
 * at (min(demand, maximum) − baseline) and, by analogy with gp2, refills at (baseline − demand).
 * AWS does not document the refill rate; only the 30-minute burst is documented.
 *
 * Figures: `verified` rows were checked against the table of the EC2 User Guide as stored in
 * awsdocs/amazon-ec2-user-guide (doc_source/EBSOptimized.md, commit 449e047c, the "*" sizes and the
 * baseline table). Rows with `verified: false` (m6i, c6i, r6i, m7g) are the current guide's figures
 * as we remember them, NOT checked here: re-check before relying on them.
 */

/** One instance size's EBS performance: baseline and maximum, IOPS (16 KiB I/O) and MB/s (128 KiB I/O). */
export interface InstanceEbsSpec {
  readonly instanceType: string;
  readonly baselineIops: number;
  readonly maximumIops: number;
  readonly baselineMBps: number;
  readonly maximumMBps: number;
  readonly verified: boolean;
}

/** Seconds a full instance bucket sustains maximum performance (the EC2 User Guide's "30 minutes"). */
export const INSTANCE_BURST_SECONDS = 30 * 60;

type Row = readonly [type: string, baselineIops: number, maximumIops: number, baselineMBps: number, maximumMBps: number];

const VERIFIED: readonly Row[] = [
  ['m5.large', 3_600, 18_750, 60, 437.5], ['m5.xlarge', 6_000, 18_750, 106.25, 437.5], ['m5.2xlarge', 12_000, 18_750, 212.5, 437.5],
  ['c5.large', 4_000, 20_000, 65.625, 437.5], ['c5.xlarge', 6_000, 20_000, 100, 437.5], ['c5.2xlarge', 10_000, 20_000, 218.75, 437.5],
  ['r5.large', 3_600, 18_750, 60, 437.5], ['r5.xlarge', 6_000, 18_750, 106.25, 437.5], ['r5.2xlarge', 12_000, 18_750, 212.5, 437.5],
  ['t3.nano', 250, 11_800, 4, 192], ['t3.micro', 500, 11_800, 8, 192], ['t3.small', 1_000, 11_800, 16, 192], ['t3.medium', 2_000, 11_800, 32, 192],
  ['t3.large', 4_000, 15_700, 64, 256], ['t3.xlarge', 4_000, 15_700, 64, 256], ['t3.2xlarge', 4_000, 15_700, 64, 256],
];

const UNVERIFIED: readonly Row[] = ['m6i', 'c6i', 'r6i', 'm7g'].flatMap((family): Row[] => {
  const baseline = family === 'm7g' ? 78.75 : 81.25;
  return [
    [`${family}.large`, 3_600, 40_000, baseline, 1_250],
    [`${family}.xlarge`, 6_000, 40_000, 156.25, 1_250],
    [`${family}.2xlarge`, 12_000, 40_000, 312.5, 1_250],
    [`${family}.4xlarge`, 20_000, 40_000, 625, 1_250],
  ];
});

/** The burstable sizes we know, by instance type. */
export const INSTANCE_EBS_TABLE: ReadonlyMap<string, InstanceEbsSpec> = new Map(
  [...VERIFIED.map((r) => [r, true] as const), ...UNVERIFIED.map((r) => [r, false] as const)].map(([[instanceType, baselineIops, maximumIops, baselineMBps, maximumMBps], verified]) => [
    instanceType,
    { instanceType, baselineIops, maximumIops, baselineMBps, maximumMBps, verified },
  ]),
);

/** The instance bucket's capacity: IOPS-seconds and MB of burst above the baseline. */
export interface InstanceBucket {
  readonly ioCredits: number;
  readonly byteCreditsMB: number;
}

/** A full bucket: 30 minutes of (maximum − baseline), for I/O and for bytes. */
export function instanceBucketOf(spec: InstanceEbsSpec): InstanceBucket {
  return { ioCredits: (spec.maximumIops - spec.baselineIops) * INSTANCE_BURST_SECONDS, byteCreditsMB: (spec.maximumMBps - spec.baselineMBps) * INSTANCE_BURST_SECONDS };
}

/** Seconds until the I/O bucket is empty at `demandIops` from `balancePercent` (Infinity at or below the baseline). */
export function instanceIoSecondsToEmpty(spec: InstanceEbsSpec, balancePercent: number, demandIops: number): number {
  const drain = Math.min(demandIops, spec.maximumIops) - spec.baselineIops;
  if (drain <= 0) return Number.POSITIVE_INFINITY;
  return ((Math.max(0, Math.min(100, balancePercent)) / 100) * instanceBucketOf(spec).ioCredits) / drain;
}
