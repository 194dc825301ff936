/**
 * Types of finance's report (issue 7): what the guardian did to each volume over a period and what
 * it cost, computed by `buildFinanceReport` from the history store's events and modification ledger.
 * Pure data; money in USD, time in epoch seconds, durations in seconds.
 */
import type { ModificationKind, ModificationRecordStatus } from '../ports';
import type { VolumeType } from '../types';
import type { InstanceReport } from './instances';
import type { RdsReport } from './rds';
import type { RunningCost } from './running-cost';

/** A volume's billable configuration (what EBS charges for). */
export interface VolumeConfig {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/**
 * Monthly price of a configuration, USD per month (storage + provisioned IOPS + throughput), from
 * the bundled price list. Returns undefined when the region has no price for the type.
 */
export type MonthlyPriceFn = (config: VolumeConfig) => number | undefined;

/** The reported period `[sinceEpochSeconds, untilEpochSeconds)`. */
export interface ReportPeriod {
  readonly sinceEpochSeconds: number;
  readonly untilEpochSeconds: number;
}

/** Three costs of the same volume over the same interval. */
export interface CostComparison {
  /** What the volume cost with the guardian's flips (per-second billing, calendar months). */
  readonly actualUSD: number;
  /** What it would have cost staying on its original type (gp2 usually), unaided. */
  readonly unaidedUSD: number;
  /** What it would have cost moved to gp3 for good (see `gp3ForGood`). */
  readonly allGp3USD: number;
}

/** Costs of one UTC calendar month (`YYYY-MM`), clipped to the period. */
export interface MonthCost extends CostComparison {
  readonly month: string;
  /** Seconds of the month inside the period. */
  readonly secondsInPeriod: number;
}

/** Counts of the guardian's modifications, by what happened to them. */
export interface ModificationCounts {
  /** Applied (modifying/optimizing/completed) rescues. */
  readonly rescue: number;
  /** Applied reverts. */
  readonly revert: number;
  /** Requests AWS failed or rejected. */
  readonly failed: number;
  /** Dry-run requests: permission proven, nothing changed. */
  readonly dryRun: number;
  /** Intents never confirmed (a crash between intent and ModifyVolume, reconciled later). */
  readonly unconfirmed: number;
  /** Requests that never reached AWS (throttled, or no such modification at AWS): nothing changed, nothing billed. */
  readonly notSent: number;
  /** Requests whose volume was deleted before they were confirmed. */
  readonly volumeDeleted: number;
  /** Applied modifications someone else made (source `external`), seen in DescribeVolumesModifications. */
  readonly external: number;
}

/** Modifications grouped by kind and reason category (the reason's text before its first colon). */
export interface ReasonCount {
  readonly kind: ModificationKind;
  readonly reason: string;
  readonly count: number;
}

/** A rescue paired with the revert that undid it: does the credit balance survive the round trip? */
export interface RoundTrip {
  readonly rescueEpochSeconds: number;
  readonly revertEpochSeconds: number;
  readonly balanceBeforePercent?: number;
  readonly firstBalanceAfterPercent?: number;
}

/** One basis's share of the prevented throttling. */
export interface PreventedPart {
  /** Rescues that prevented some throttling. */
  readonly episodes: number;
  /** Seconds the volume would have spent held to its baseline. */
  readonly seconds: number;
  /** I/Os that would have been deferred: demand above the baseline, up to the burst ceiling (gp2; st1/sc1 add none). */
  readonly deferredIos: number;
}

/**
 * The throttling the guardian's rescues prevented (docs/report.md, "How prevented throttling is
 * estimated"): measured by the shadow replay where the scan recorded one, else the older estimate.
 */
export interface PreventedThrottling {
  /** `replay.episodes + estimate.episodes`. */
  readonly episodes: number;
  /** `replay.seconds + estimate.seconds`. */
  readonly seconds: number;
  /** `replay.deferredIos + estimate.deferredIos`. */
  readonly deferredIos: number;
  /** Where the figures come from: all `replay`, all `estimate`, `mixed`, or `none` (nothing prevented). */
  readonly basis: 'replay' | 'estimate' | 'mixed' | 'none';
  /**
   * Replayed: the demand observed while flipped, through the unaided bucket (the rescue's
   * `shadowThrottling`). `seconds` counts the deferred I/Os at the burst ceiling (demand in bursts,
   * as container starts); `secondsIfSteady` counts every second the bucket was empty under demand
   * above the baseline (demand steady within each minute): the range 1-minute data allows.
   */
  readonly replay: PreventedPart & { readonly secondsIfSteady: number };
  /** Estimated, for rescues recorded without a replay: the recorded forecast, at most an hour past each wall. */
  readonly estimate: PreventedPart;
}

/** An open recommendation, e.g. "stay on gp3: saves $X/month". */
export interface Recommendation {
  readonly kind: 'stay-on-gp3' | 'move-to-gp3' | 'recorded';
  readonly summary: string;
  /** Positive = saves money each month. */
  readonly monthlySavingsUSD?: number;
}

/** Everything about one volume in the period. */
export interface VolumeReport {
  readonly volumeId: string;
  readonly sizeGiB?: number;
  /** Type before the guardian touched it (gp2/st1/sc1). */
  readonly originalType?: VolumeType;
  /** Type at the end of the period. */
  readonly finalType?: VolumeType;
  readonly modifications: ModificationCounts;
  readonly reasons: readonly ReasonCount[];
  /** Seconds spent on each type inside the period. */
  readonly secondsByType: Readonly<Partial<Record<VolumeType, number>>>;
  /** Undefined when the size or a price is unknown (no modification record and no sized event). */
  readonly cost?: CostComparison;
  readonly months: readonly MonthCost[];
  /** The gp3 configuration used for the "gp3 for good" alternative. */
  readonly gp3ForGood?: VolumeConfig;
  readonly preventedThrottling: PreventedThrottling;
  readonly alertsSent: number;
  readonly roundTrips: readonly RoundTrip[];
  readonly recommendations: readonly Recommendation[];
}

/** One bucket of the "modifications over time" series. */
export interface ModificationBucket {
  /** `YYYY-MM-DD` (day buckets) or `YYYY-MM` (month buckets). */
  readonly label: string;
  readonly startEpochSeconds: number;
  readonly rescues: number;
  readonly reverts: number;
  readonly failed: number;
}

/** Fleet-wide totals. */
export interface ReportTotals {
  readonly volumes: number;
  readonly modifications: ModificationCounts;
  readonly reasons: readonly ReasonCount[];
  readonly secondsByType: Readonly<Partial<Record<VolumeType, number>>>;
  readonly cost: CostComparison;
  /** Volumes left out of the cost totals because their size or price was unknown. */
  readonly volumesWithoutCost: number;
  readonly preventedThrottling: PreventedThrottling;
  readonly alertsSent: number;
  /** Sum of the positive monthly savings of the open recommendations. */
  readonly recommendedMonthlySavingsUSD: number;
}

/** Finance's report over one period. */
export interface FinanceReport {
  readonly period: ReportPeriod;
  readonly generatedAtEpochSeconds: number;
  /** Where the prices come from, e.g. `bundled us-east-1`. */
  readonly priceSource: string;
  readonly volumes: readonly VolumeReport[];
  readonly months: readonly MonthCost[];
  readonly timeline: { readonly bucket: 'day' | 'month'; readonly buckets: readonly ModificationBucket[] };
  readonly totals: ReportTotals;
  /** RDS DB instances' storage changes and alerts (issue 15 part 2), when there were any. */
  readonly rds?: RdsReport;
  /** EC2 instances whose own EBS burst bucket was alerted on or refused a flip (issue 15 part 1), when there were any. */
  readonly instances?: InstanceReport;
  /** The guardian's own running cost in the period, when the history holds its usage (running-cost.ts). */
  readonly runningCost?: RunningCost;
}

/** Statuses meaning ModifyVolume was accepted: EBS bills the new configuration from the start. */
export const APPLIED_STATUSES: readonly ModificationRecordStatus[] = ['modifying', 'optimizing', 'completed'];
