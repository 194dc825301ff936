/**
 * A small stateful RDS world behind aws-sdk-client-mock, written from the RDS documentation:
 * - DescribeDBInstances: `MaxRecords` 20–100 (else InvalidParameterValue), pages through `Marker`
 *   (a page may be shorter than MaxRecords: `pageSize`), a named `DBInstanceIdentifier` that does not
 *   exist fails the whole call with DBInstanceNotFound (HTTP 404), tags in each instance's `TagList`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html);
 * - ModifyDBInstance with `StorageType` and `ApplyImmediately`: status `modifying` with the type in
 *   `PendingModifiedValues`, then the new type and `storage-optimization`, then `available`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.ScalingUp.html);
 *   refused while the storage is optimized (InvalidParameterCombination, "You can't currently modify the
 *   storage of this DB instance because the previous storage change is being optimized.",
 *   hashicorp/terraform-provider-aws#12493), within 6 hours of the last storage change or past four in
 *   24 hours (InvalidParameterCombination; the docs give the rule, the message text here is ours),
 *   when the instance is not `available` (InvalidDBInstanceState), for IOPS or throughput on gp3 below
 *   400 GiB for MySQL/MariaDB/PostgreSQL (hashicorp/terraform-provider-aws#28589), and for an unknown
 *   instance (DBInstanceNotFound, 404). Errors carry the names the SDK v3 gives them (modeled faults:
 *   `DBInstanceNotFoundFault`, `InvalidDBInstanceStateFault`; common errors: their code).
 * - AWS/RDS metrics for GetMetricData (through FakeAws's metric sources): BurstBalance while on gp2,
 *   ReadIOPS/WriteIOPS as per-second averages (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html).
 */
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance, type DescribeDBInstancesCommandInput, type ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { MetricStat } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from './fake-ec2-modifications';

/** One fake DB instance: `drainingMinutes` > 0 means BurstBalance has been falling for that long at `demandIops`. */
export interface FakeDbInstance {
  readonly identifier: string;
  readonly engine: string;
  storageType: string;
  allocatedStorageGiB: number;
  status: string;
  pendingStorageType?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly balanceNowPercent: number;
  readonly drainingMinutes: number;
  readonly demandIops: number;
}

type Operation = 'DescribeDBInstances' | 'ModifyDBInstance';

/** A fault: an error thrown instead of answering, or a change of the world made just before the call is answered. */
export type RdsFault = Error | (() => void);

/** RDS's storage rules (USER_PIOPS.ModifyingExisting.ScalingUp.html, USER_PIOPS.gp3.html). */
const COOLDOWN_SECONDS = 6 * 3600;
const WINDOW_SECONDS = 86_400;
const PER_WINDOW = 4;

/** A gp2 PostgreSQL instance of 100 GiB (baseline 300 IOPS) opted in, draining at 1,000 IOPS. */
export function drainingDb(identifier: string, tags: Record<string, string> = { 'burst-guardian': 'managed' }, balanceNowPercent = 25): FakeDbInstance {
  return { identifier, engine: 'postgres', storageType: 'gp2', allocatedStorageGiB: 100, status: 'available', tags, balanceNowPercent, drainingMinutes: 90, demandIops: 1000 };
}

/** The fake RDS and its mocked client. */
export class FakeRds {
  readonly instances = new Map<string, FakeDbInstance>();
  readonly rds = new RDSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  readonly calls: Record<Operation, number> = { DescribeDBInstances: 0, ModifyDBInstance: 0 };
  /** Every ModifyDBInstance input that reached the fake. */
  readonly modifyInputs: ModifyDBInstanceCommandInput[] = [];
  /** Storage changes applied, whoever asked: the cooldown and the 24 h allowance count them all. */
  readonly storageChanges: { identifier: string; startedEpochSeconds: number; requester: 'guardian' | 'human' }[] = [];
  /** Page size the fake answers with (below MaxRecords so tests see several pages). */
  pageSize = 2;
  /** How long `modifying` and `storage-optimization` last. */
  modifyingSeconds = 300;
  optimizingSeconds = 2 * 3600;
  private readonly faults: Record<Operation, RdsFault[]> = { DescribeDBInstances: [], ModifyDBInstance: [] };

  constructor(instances: readonly FakeDbInstance[], private readonly now: () => number) {
    for (const i of instances) this.instances.set(i.identifier, { ...i });
    mockClient(this.rds)
      .on(DescribeDBInstancesCommand).callsFake(async (input: DescribeDBInstancesCommandInput) => this.describe(input))
      .on(ModifyDBInstanceCommand).callsFake(async (input: ModifyDBInstanceCommandInput) => this.modify(input));
  }

  /** Queues faults for the next calls of an operation. */
  inject(operation: Operation, ...faults: RdsFault[]): void {
    this.faults[operation].push(...faults);
  }

  /** A person changes the storage (any storage change counts against RDS's rules). */
  modifyAsHuman(identifier: string, change: { allocatedStorageGiB?: number; storageType?: string }, startedEpochSeconds: number): void {
    const db = this.instances.get(identifier);
    if (db === undefined) throw new Error(`no fake instance ${identifier}`);
    if (change.allocatedStorageGiB !== undefined) db.allocatedStorageGiB = change.allocatedStorageGiB;
    if (change.storageType !== undefined) db.storageType = change.storageType;
    this.storageChanges.push({ identifier, startedEpochSeconds, requester: 'human' });
  }

  /** The value of an AWS/RDS metric `minutesAgo` before now, or undefined (no datapoint). */
  metricValue(stat: MetricStat | undefined, minutesAgo: number): number | undefined {
    if (stat?.Metric?.Namespace !== 'AWS/RDS') return undefined;
    const db = this.instances.get(stat.Metric.Dimensions?.find((d) => d.Name === 'DBInstanceIdentifier')?.Value ?? '');
    if (db === undefined) return undefined;
    this.refresh();
    const draining = minutesAgo <= db.drainingMinutes;
    const baseline = Math.max(100, 3 * db.allocatedStorageGiB);
    const drainPercentPerMinute = ((db.demandIops - baseline) * 60 * 100) / 5_400_000;
    switch (stat.Metric.MetricName) {
      case 'BurstBalance':
        // Published for gp2 storage only.
        if (db.storageType !== 'gp2') return undefined;
        return Math.min(100, db.balanceNowPercent + Math.max(0, (draining ? minutesAgo : db.drainingMinutes) * drainPercentPerMinute));
      case 'ReadIOPS':
      case 'WriteIOPS':
        return (draining ? db.demandIops : 50) / 2;
      default:
        return undefined;
    }
  }

  /** Moves every instance along its storage-change lifecycle to `now`. */
  private refresh(): void {
    const now = this.now();
    for (const db of this.instances.values()) {
      const last = this.storageChanges.filter((c) => c.identifier === db.identifier && c.requester === 'guardian').at(-1);
      if (last === undefined) continue;
      const age = now - last.startedEpochSeconds;
      if (db.pendingStorageType !== undefined && age >= this.modifyingSeconds) {
        db.storageType = db.pendingStorageType;
        delete db.pendingStorageType;
        db.status = 'storage-optimization';
      }
      if (db.status === 'storage-optimization' && age >= this.modifyingSeconds + this.optimizingSeconds) db.status = 'available';
    }
  }

  private takeFault(operation: Operation): void {
    const fault = this.faults[operation].shift();
    if (fault instanceof Error) throw fault;
    fault?.();
  }

  private describe(input: DescribeDBInstancesCommandInput): { DBInstances: DBInstance[]; Marker?: string } {
    this.calls.DescribeDBInstances++;
    this.takeFault('DescribeDBInstances');
    this.refresh();
    const max = input.MaxRecords;
    if (max !== undefined && (max < 20 || max > 100)) throw awsError('InvalidParameterValue', `Invalid value ${max} for MaxRecords. Must be between 20 and 100`);
    const all = [...this.instances.values()].sort((a, b) => a.identifier.localeCompare(b.identifier));
    if (input.DBInstanceIdentifier !== undefined) {
      const db = this.find(input.DBInstanceIdentifier);
      if (db === undefined) throw awsError('DBInstanceNotFoundFault', `DBInstance ${input.DBInstanceIdentifier} not found.`, 404);
      return { DBInstances: [toDbInstance(db)] };
    }
    const start = input.Marker === undefined ? 0 : Number(input.Marker);
    const page = all.slice(start, start + Math.min(this.pageSize, max ?? 100));
    const next = start + page.length;
    return { DBInstances: page.map(toDbInstance), ...(next < all.length ? { Marker: String(next) } : {}) };
  }

  /**
   * The instance named by `identifierOrArn`: the identifier "isn't case-sensitive" (RDS stores it in
   * lowercase) and DescribeDBInstances also takes the instance's ARN (API_DescribeDBInstances.html).
   */
  private find(identifierOrArn: string): FakeDbInstance | undefined {
    const wanted = identifierOrArn.toLowerCase();
    return [...this.instances.values()].find((db) => db.identifier.toLowerCase() === wanted || toDbInstance(db).DBInstanceArn === identifierOrArn);
  }

  private modify(input: ModifyDBInstanceCommandInput): { DBInstance: DBInstance } {
    this.calls.ModifyDBInstance++;
    this.modifyInputs.push(input);
    this.takeFault('ModifyDBInstance');
    this.refresh();
    const now = this.now();
    const db = this.find(input.DBInstanceIdentifier ?? '');
    if (db === undefined) throw awsError('DBInstanceNotFoundFault', `DBInstance ${input.DBInstanceIdentifier} not found.`, 404);
    const target = input.StorageType;
    if ((input.Iops !== undefined || input.StorageThroughput !== undefined) && target === 'gp3' && db.allocatedStorageGiB < 400 && ['postgres', 'mysql', 'mariadb'].includes(db.engine)) {
      throw awsError('InvalidParameterCombination', `You can't specify IOPS or storage throughput for engine ${db.engine} and a storage size less than 400.`);
    }
    if (target !== undefined) {
      if (db.status === 'storage-optimization') throw awsError('InvalidParameterCombination', "You can't currently modify the storage of this DB instance because the previous storage change is being optimized.");
      if (db.status !== 'available') throw awsError('InvalidDBInstanceStateFault', 'Database instance is not in available state.');
      const changes = this.storageChanges.filter((c) => c.identifier === db.identifier).map((c) => c.startedEpochSeconds);
      const last = Math.max(-Infinity, ...changes);
      if (now - last < COOLDOWN_SECONDS) throw awsError('InvalidParameterCombination', 'You cannot modify the storage of this DB instance again until 6 hours have passed since the last storage modification.');
      if (changes.filter((t) => t > now - WINDOW_SECONDS).length >= PER_WINDOW) throw awsError('InvalidParameterCombination', 'You can make at most four storage modifications within any 24-hour period.');
      if (input.ApplyImmediately === true) {
        db.pendingStorageType = target;
        db.status = 'modifying';
        this.storageChanges.push({ identifier: db.identifier, startedEpochSeconds: now, requester: 'guardian' });
      }
    }
    return { DBInstance: toDbInstance(db) };
  }
}

function toDbInstance(db: FakeDbInstance): DBInstance {
  return {
    DBInstanceIdentifier: db.identifier,
    DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${db.identifier}`,
    Engine: db.engine,
    StorageType: db.storageType,
    AllocatedStorage: db.allocatedStorageGiB,
    ...(db.storageType === 'gp3' ? { Iops: 3000, StorageThroughput: 125 } : {}),
    DBInstanceStatus: db.status,
    PendingModifiedValues: db.pendingStorageType === undefined ? {} : { StorageType: db.pendingStorageType },
    TagList: Object.entries(db.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}
