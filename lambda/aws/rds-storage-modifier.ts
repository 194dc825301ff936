/**
 * `RdsModifier` over ModifyDBInstance: `StorageType: gp3`, `ApplyImmediately: true`, nothing else.
 * No `Iops` or `StorageThroughput`: RDS refuses them on gp3 below 400 GiB for MySQL, MariaDB and
 * PostgreSQL (InvalidParameterCombination), and gp3 includes its baseline either way. ModifyDBInstance
 * has no DryRun: a dry run never calls it. Refusals become domain errors (rds-errors.ts).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
 */
import { ModifyDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { RdsModifier, RdsStorageChange } from '../core/rds-ports';
import { mapRdsError } from './rds-errors';

/** Options of the RDS storage modifier. */
export interface RdsStorageModifierOptions {
  readonly client: RDSClient;
}

/** Moves DB instances' storage to gp3. */
export class RdsStorageModifier implements RdsModifier {
  constructor(private readonly options: RdsStorageModifierOptions) {}

  /** Asks RDS for the change now; resolves with RDS's answer, throws a domain error when refused. */
  async modifyStorageType(request: { readonly identifier: string; readonly targetType: 'gp3' }): Promise<RdsStorageChange> {
    let answer;
    try {
      answer = await this.options.client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: request.identifier, StorageType: request.targetType, ApplyImmediately: true }));
    } catch (error) {
      throw mapRdsError(error, `ModifyDBInstance ${request.identifier}`);
    }
    const db = answer.DBInstance;
    return {
      identifier: db?.DBInstanceIdentifier ?? request.identifier,
      status: db?.DBInstanceStatus ?? 'unknown',
      storageType: db?.StorageType ?? 'unknown',
      ...(db?.PendingModifiedValues?.StorageType === undefined ? {} : { pendingStorageType: db.PendingModifiedValues.StorageType }),
    };
  }
}
