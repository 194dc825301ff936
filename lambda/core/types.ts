/**
 * Shared domain types of ebs-burst-guardian. Pure data: no AWS SDK, no clock, no environment.
 *
 * Time is always a number of **seconds since the Unix epoch** (`...EpochSeconds` / `now`) in the
 * core, so the simulator can start at any instant and run a week in a second.
 */

/** EBS volume types the guardian knows about (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html). */
export type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';

/** Volume types that spend burst credits and publish `BurstBalance`. */
export type BurstableVolumeType = 'gp2' | 'st1' | 'sc1';

/** Types the guardian can rescue a volume to. */
export type RescueTargetType = 'gp3' | 'io1' | 'io2';

/** Returns true for the types that run on a credit bucket. */
export function isBurstableType(type: VolumeType): type is BurstableVolumeType {
  return type === 'gp2' || type === 'st1' || type === 'sc1';
}

/** A volume as the inventory sees it (DescribeVolumes, or the simulated fleet). */
export interface VolumeDescription {
  readonly volumeId: string;
  readonly type: VolumeType;
  readonly sizeGiB: number;
  /** Provisioned (gp3/io1/io2) or baseline (gp2) IOPS as EC2 reports it. */
  readonly iops?: number;
  /** gp3 only: provisioned throughput. */
  readonly throughputMiBps?: number;
  /** `in-use`, `available`, … */
  readonly state: string;
  /** The instance it is attached to, when there is one (ECS-task and detached volumes have none). */
  readonly instanceId?: string;
  readonly availabilityZone?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One CloudWatch datapoint: `tEpochSeconds` is the start of its period. */
export interface MetricPoint {
  readonly tEpochSeconds: number;
  readonly value: number;
}

/**
 * The metric series the forecaster sees for one volume, as GetMetricData returns them: possibly
 * partial, possibly empty. A missing point is missing, never zero.
 */
export interface VolumeMetricSeries {
  readonly volumeId: string;
  /** Period of every series, seconds (60 for 1-minute EBS metrics). */
  readonly periodSeconds: number;
  /** `BurstBalance`, Average, percent 0–100. */
  readonly burstBalancePercent: readonly MetricPoint[];
  /** `VolumeReadOps`, Sum per period. */
  readonly readOps: readonly MetricPoint[];
  /** `VolumeWriteOps`, Sum per period. */
  readonly writeOps: readonly MetricPoint[];
  /** `VolumeReadBytes`, Sum per period (st1/sc1 drain on throughput). */
  readonly readBytes?: readonly MetricPoint[];
  /** `VolumeWriteBytes`, Sum per period. */
  readonly writeBytes?: readonly MetricPoint[];
  /** `VolumeIOPSExceededCheck` (0/1, Nitro), Maximum per period. */
  readonly iopsExceededCheck?: readonly MetricPoint[];
  /** The on-host probe's container-start latency p90, milliseconds, when the host runs the probe. */
  readonly containerStartP90Ms?: readonly MetricPoint[];
}

/** How a forecast was reached. */
export type ForecastBasis = 'model' | 'slope' | 'model+slope';

/** How long the current drain has held and how likely it is to hold until the bucket is empty. */
export interface DrainPersistence {
  /** Guardian intervals in a row at whose end the balance was lower than at their start. */
  readonly heldRuns: number;
  /** `heldRuns` × interval, seconds. */
  readonly drainSeconds: number;
  /** Completed drains seen in the lookback window. */
  readonly pastDrains: number;
  readonly longestPastDrainSeconds: number;
  /** 0–1: share of comparable past drains that lasted the time to empty more, with a prior (persistence.ts). */
  readonly survival: number;
}

/** The forecaster's answer for one volume: expected outcomes are values (STYLE.md §3). */
export type Forecast =
  | {
      readonly kind: 'draining';
      readonly balancePercent: number;
      /** Best estimate of the seconds until the bucket is empty, from `now`. */
      readonly secondsToEmpty: number;
      /** Physical lower bound: credits ÷ (burst − baseline), the fastest the bucket can empty. */
      readonly minSecondsToEmpty: number;
      readonly basis: ForecastBasis;
      /** 0–1: lowered by gaps, stale data and disagreement between the estimates. */
      readonly confidence: number;
      /** Observed demand, IOPS (or MiB/s for st1/sc1), over the window that drove the estimate. */
      readonly demandPerSecond: number;
      /** Whether the drain holds (issue 16): what decides between an early warning and a page. */
      readonly persistence?: DrainPersistence;
    }
  | { readonly kind: 'refilling'; readonly balancePercent: number; readonly secondsToFull: number }
  | { readonly kind: 'full'; readonly balancePercent: number }
  | {
      readonly kind: 'steady';
      readonly balancePercent: number;
    }
  | { readonly kind: 'empty'; readonly balancePercent: number; readonly demandPerSecond: number }
  | { readonly kind: 'not-burstable'; readonly reason: string }
  | { readonly kind: 'insufficient-data'; readonly reason: string };

/** Kinds of Forecast, for tables and reports. */
export type ForecastKind = Forecast['kind'];

/** ModifyVolume states (https://docs.aws.amazon.com/ebs/latest/userguide/monitoring-volume-modifications.html). */
export type ModificationState = 'modifying' | 'optimizing' | 'completed' | 'failed';

/** One volume modification, as DescribeVolumesModifications or the ledger records it. */
export interface VolumeModification {
  readonly volumeId: string;
  readonly state: ModificationState;
  readonly startEpochSeconds: number;
  readonly endEpochSeconds?: number;
  readonly originalType: VolumeType;
  readonly targetType: VolumeType;
  readonly originalIops?: number;
  readonly targetIops?: number;
  readonly originalThroughputMiBps?: number;
  readonly targetThroughputMiBps?: number;
  readonly originalSizeGiB: number;
  readonly targetSizeGiB: number;
  readonly statusMessage?: string;
}

/** What a ModifyVolume request asks for. */
export interface ModificationRequest {
  readonly volumeId: string;
  readonly targetType: VolumeType;
  /** Required for io1/io2; always passed explicitly for gp3 (docs disagree on defaults). */
  readonly iops?: number;
  /** gp3 only; always passed explicitly. */
  readonly throughputMiBps?: number;
}

/** Tuning knobs of the forecaster; every field has a default (`DEFAULT_FORECAST_OPTIONS`). */
export interface ForecastOptions {
  /** How often the guardian looks, seconds: alerts must fire one interval early (see `shouldAlert`). */
  readonly intervalSeconds?: number;
  /** How far back the series is read, seconds. */
  readonly lookbackSeconds?: number;
  /** A latest BurstBalance point whose period ended longer ago than this gives `insufficient-data`. */
  readonly staleAfterSeconds?: number;
  /** Trailing windows for the served-demand (model) estimate, seconds. */
  readonly demandWindowsSeconds?: readonly number[];
  /** Trailing windows for the BurstBalance slope estimate, seconds. */
  readonly slopeWindowsSeconds?: readonly number[];
  /** Consecutive latest datapoints that must show a drain before it counts (no single spike). */
  readonly minDrainPoints?: number;
}
