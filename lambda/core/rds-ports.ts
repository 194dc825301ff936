/**
 * RDS DB instances on gp2 storage (issue 15 part 2): the domain values and the ports the RDS pass of
 * a scan needs. `lambda/aws/rds-*.ts` implements them with `@aws-sdk/client-rds` and CloudWatch
 * (`AWS/RDS`, dimension `DBInstanceIdentifier`); the tests' fakes answer as the RDS API reference says.
 */
import type { MetricPoint, VolumeMetricSeries } from './types';

/** Storage types RDS reports in `StorageType` (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html). */
export type RdsStorageType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'standard' | 'aurora' | 'aurora-iopt1' | (string & {});

/** A DB instance as DescribeDBInstances shows it, narrowed to what the guardian reads. */
export interface RdsInstance {
  readonly identifier: string;
  readonly arn?: string;
  readonly engine: string;
  readonly storageType: RdsStorageType;
  readonly allocatedStorageGiB: number;
  /** Provisioned IOPS (gp3/io1/io2); RDS also reports a gp3 instance's included baseline here. */
  readonly iops?: number;
  /** `DBInstanceStatus`: `available`, `modifying`, `storage-optimization`, `stopped`, … */
  readonly status: string;
  /** `PendingModifiedValues.StorageType`: a storage change asked for and not applied yet. */
  readonly pendingStorageType?: string;
  /** Aurora instances have no storage of their own to move (`aurora*` storage types, or a `DBClusterIdentifier`). */
  readonly clusterIdentifier?: string;
  /** `TagList` as a map. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Lists DB instances (DescribeDBInstances, all pages). DescribeDBInstances has no tag filter: selection is the core's. */
export interface RdsInventory {
  listDbInstances(): Promise<RdsInstance[]>;
}

/** The `AWS/RDS` metrics the forecaster uses. */
export type RdsMetricField = 'burstBalancePercent' | 'readOps' | 'writeOps';

/** One read of `AWS/RDS` metrics for many DB instances over one window. */
export interface RdsMetricsRequest {
  readonly instances: readonly { readonly identifier: string; readonly fields: readonly RdsMetricField[] }[];
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
  readonly periodSeconds: number;
}

/**
 * Series per DB instance in the forecaster's shape (`volumeId` = the identifier): `BurstBalance`
 * Average, and `ReadIOPS`/`WriteIOPS` Average × period as operations per period (RDS publishes IOPS
 * as a per-second rate, EBS as a Sum: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html).
 */
export interface RdsMetricsResult {
  readonly series: ReadonlyMap<string, VolumeMetricSeries>;
  readonly errors: ReadonlyMap<string, Error>;
  readonly metricsRequested: number;
}

/** Reads `AWS/RDS` metrics (GetMetricData, batched). */
export interface RdsMetricsReader {
  readRdsMetrics(request: RdsMetricsRequest): Promise<RdsMetricsResult>;
}

/** What RDS answered to a storage change it accepted. */
export interface RdsStorageChange {
  readonly identifier: string;
  /** `DBInstanceStatus` in the answer (usually `modifying`). */
  readonly status: string;
  /** `PendingModifiedValues.StorageType`, when the change is not applied yet. */
  readonly pendingStorageType?: string;
  readonly storageType: string;
}

/** Changes a DB instance's storage type (ModifyDBInstance `StorageType`, `ApplyImmediately: true`). */
export interface RdsModifier {
  /** Throws the domain errors of `errors.ts` (`ModificationRejectedError`, `ApiThrottledError`, `VolumeNotFoundError`…). */
  modifyStorageType(request: { readonly identifier: string; readonly targetType: 'gp3' }): Promise<RdsStorageChange>;
}

/** The key RDS records and notification states are stored under: `rds:<identifier>` (identifiers never hold a colon). */
export function rdsResourceKey(identifier: string): string {
  return `rds:${identifier}`;
}

/** True for a key of `rdsResourceKey` (never an EBS volume id). */
export function isRdsResourceKey(key: string): boolean {
  return key.startsWith('rds:');
}

/** The latest point of a series, if any. */
export function latestPoint(points: readonly MetricPoint[]): MetricPoint | undefined {
  return points.reduce<MetricPoint | undefined>((a, b) => (a === undefined || b.tEpochSeconds > a.tEpochSeconds ? b : a), undefined);
}
