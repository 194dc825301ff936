/**
 * The scan use case's dependencies and report (DESIGN.md §3): the same `runScan` runs on AWS (the
 * Lambda, the `scan` CLI) and on the simulated fleet (`simulate --policy`, `npm start`).
 */
import type { BudgetState, Decision } from '../decision/types';
import type { PriceBook } from '../decision/price-book';
import type { Policy } from '../policy/schema';
import type { BurstMetricsReader, GuardianNotification, InstanceEbsBalanceReader, InstanceTypeReader, HistoryStore, Notifier, VolumeInventory, VolumeModifier } from '../ports';
import type { InstanceBucketForecast } from '../forecast/instance';
import type { Forecast, VolumeDescription } from '../types';
import type { ScanOrigin } from './origin';
import type { RdsScanPorts, RdsScanReport } from './rds-scan';

/** What one scan talks to, each a port (STYLE.md §1). */
export interface ScanDeps {
  readonly inventory: VolumeInventory;
  readonly metrics: BurstMetricsReader;
  readonly modifier: VolumeModifier;
  readonly notifier: Notifier;
  readonly history: HistoryStore;
  readonly policy: Policy;
  /** Unique per run (the Lambda request id, or a generated one). */
  readonly runId: string;
  /** Region for prices and console links; falls back to the origin's region, then the policy's. */
  readonly region?: string;
  /** The region's prices, each figure with its origin (Price List API or bundled); absent = bundled. */
  readonly prices?: PriceBook;
  /** Reads the instances' own EBS burst balances (AWS/EC2 EBSIOBalance%/EBSByteBalance%); absent = not read. */
  readonly instanceEbs?: InstanceEbsBalanceReader;
  /** The instances' types (DescribeInstances): only sizes with a bucket are read and forecast; absent = read for rescues only. */
  readonly instanceTypes?: InstanceTypeReader;
  /** Account and region this guardian watches: stamped on every record and notification it writes. */
  readonly origin?: ScanOrigin;
  /** The on-host probe's namespace, to read container-start latency with the same GetMetricData calls. */
  readonly probeNamespace?: string;
  /** Override of the dry-run flag (the CLI's `--execute` can only make it stricter or equal to the policy). */
  readonly dryRun?: boolean;
  /**
   * Milliseconds this run may still take (the Lambda's `context.getRemainingTimeInMillis`). Without
   * it the scan walks the whole fleet; with it, it stops in time and resumes there next run.
   */
  readonly remainingTimeMs?: () => number;
  /**
   * `full` reads every metric of every selected volume every scan, as before issue 12: kept only so
   * the benchmarks can measure the shipping read plan (read-plan.ts, cadence.ts) against it.
   * @default 'shipping'
   */
  readonly readPlan?: 'shipping' | 'full';
  /** Volumes per chunk (metrics → decide → notify → release). @default CHUNK_VOLUMES (2,000) */
  readonly chunkVolumes?: number;
  /** RDS DB instances on gp2 (policy `rds`): DescribeDBInstances, AWS/RDS metrics, ModifyDBInstance; absent = never listed. */
  readonly rds?: RdsScanPorts;
  /** Structured log sink (Powertools Logger in the Lambda, nothing in the simulator). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** What happened to one volume in one scan. */
export interface VolumeScanResult {
  readonly volume: VolumeDescription;
  readonly forecast: Forecast;
  readonly decision: Decision;
  /** `modified`: ModifyVolume accepted; `dry-run`: recorded what it would do; `failed`: see `error`. */
  readonly action: 'none' | 'modified' | 'dry-run' | 'failed';
  readonly notification?: GuardianNotification;
  readonly containerStartP90Ms?: number;
  readonly error?: string;
}

/** What happened to one instance with an EBS burst bucket in one scan. */
export interface InstanceScanResult {
  readonly instanceId: string;
  readonly forecast: InstanceBucketForecast;
  /** The selected volumes attached to it. */
  readonly volumeIds: readonly string[];
  readonly notification?: GuardianNotification;
}

/** A failure that did not stop the scan. */
export interface ScanError {
  readonly stage: 'reconcile' | 'inventory' | 'metrics' | 'decide' | 'act' | 'notify' | 'record';
  readonly volumeId?: string;
  readonly message: string;
  /**
   * `rds` for the RDS pass's errors (volumeId is then `rds:<identifier>` when one instance failed);
   * `instances` for the EC2 instances' types and EBS balances (issue 15 part 1): neither is the volumes' inventory.
   */
  readonly resource?: 'rds' | 'instances';
}

/** The result of one scan. */
export interface ScanReport {
  readonly runId: string;
  readonly nowEpochSeconds: number;
  readonly dryRun: boolean;
  readonly volumesScanned: number;
  readonly results: readonly VolumeScanResult[];
  readonly errors: readonly ScanError[];
  readonly metricsRequested: number;
  /** Open modifications whose state was refreshed before deciding. */
  readonly reconciled: number;
  /** Volumes listed but left for the next scan because time ran out (0 when the whole fleet was scanned). */
  readonly volumesDeferred?: number;
  /** Quiet volumes (full and flat at their last read) not due this scan under the adaptive cadence. */
  readonly volumesResting?: number;
  /**
   * The run's budget once the volumes were judged (modifications, volumes flipped, the volumes'
   * month-to-date spend + the cost their rescues commit; the DB instances' spend is left to the RDS
   * pass, which reads all their records): where it starts (rds-budget.ts). Absent when no volume was listed.
   */
  readonly budgetUsed?: BudgetState;
  /** The RDS pass (present when the scan has RDS ports and the policy enables `rds`); its numbers are in `counts` too. */
  readonly rds?: RdsScanReport;
  /** The instances whose own EBS bucket was forecast, and what was sent about them (issue 15). */
  readonly instances?: readonly InstanceScanResult[];
  readonly counts: {
    readonly alerts: number;
    readonly rescues: number;
    readonly reverts: number;
    readonly blocked: number;
    readonly notifications: number;
    readonly errors: number;
  };
}
