/**
 * `RdsInventory` over DescribeDBInstances: every page (`MaxRecords` 100, the documented maximum;
 * `Marker` followed until absent). DescribeDBInstances has no tag filter (its filters are
 * db-cluster-id, db-instance-id, dbi-resource-id, domain, engine), so the tags come from each
 * instance's `TagList` and the core selects. A named `DBInstanceIdentifier` that does not exist
 * fails the whole call with `DBInstanceNotFound` (HTTP 404): the guardian never names one, it lists.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 */
import { DescribeDBInstancesCommand, type DBInstance, type RDSClient } from '@aws-sdk/client-rds';
import type { RdsInstance, RdsInventory } from '../core/rds-ports';
import { mapRdsError } from './rds-errors';

/** DescribeDBInstances accepts MaxRecords 20–100 (default 100). */
export const DESCRIBE_DB_INSTANCES_PAGE_SIZE = 100;

/** Options of the RDS inventory adapter. */
export interface RdsInstanceInventoryOptions {
  /** Retries (throttling included) are the client's, configured once in the handler's wiring. */
  readonly client: RDSClient;
}

/** Lists DB instances with DescribeDBInstances. */
export class RdsInstanceInventory implements RdsInventory {
  constructor(private readonly options: RdsInstanceInventoryOptions) {}

  /** Every DB instance of the account and region, all pages; an instance without identifier, storage type or size is skipped, never guessed. */
  async listDbInstances(): Promise<RdsInstance[]> {
    const out: RdsInstance[] = [];
    let marker: string | undefined;
    do {
      let page;
      try {
        page = await this.options.client.send(new DescribeDBInstancesCommand({ MaxRecords: DESCRIBE_DB_INSTANCES_PAGE_SIZE, ...(marker === undefined ? {} : { Marker: marker }) }));
      } catch (error) {
        throw mapRdsError(error, 'DescribeDBInstances');
      }
      for (const db of page.DBInstances ?? []) {
        const instance = toRdsInstance(db);
        if (instance !== undefined) out.push(instance);
      }
      marker = page.Marker === '' ? undefined : page.Marker;
    } while (marker !== undefined);
    return out;
  }
}

/** The guardian's view of one `DBInstance`, or undefined when a field it needs is missing. */
export function toRdsInstance(db: DBInstance): RdsInstance | undefined {
  if (db.DBInstanceIdentifier === undefined || db.StorageType === undefined || db.AllocatedStorage === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const t of db.TagList ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return {
    identifier: db.DBInstanceIdentifier,
    ...(db.DBInstanceArn === undefined ? {} : { arn: db.DBInstanceArn }),
    engine: db.Engine ?? 'unknown',
    storageType: db.StorageType,
    allocatedStorageGiB: db.AllocatedStorage,
    ...(db.Iops === undefined ? {} : { iops: db.Iops }),
    status: db.DBInstanceStatus ?? 'unknown',
    ...(db.PendingModifiedValues?.StorageType === undefined ? {} : { pendingStorageType: db.PendingModifiedValues.StorageType }),
    ...(db.DBClusterIdentifier === undefined ? {} : { clusterIdentifier: db.DBClusterIdentifier }),
    tags,
  };
}
