/**
 * The history table exactly as `HISTORY_TABLE_SCHEMA` says (keys, indexes), so the stack, the stores
 * and the tests agree: the single-account guardian's table and the hub's central table are both built
 * here, each adding only what differs (name, removal policy, resource policy).
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { HISTORY_TABLE_SCHEMA } from '../lambda/shared/history-table-schema';

/** What a history table may set beyond the schema and the shared settings. */
export type HistoryTableOptions = Pick<dynamodb.TableProps, 'tableName' | 'removalPolicy' | 'resourcePolicy'>;

/** On-demand, point-in-time recovery, deletion protection, AWS-managed encryption, every index projecting all. */
export function createHistoryTable(scope: Construct, id: string, options: HistoryTableOptions): dynamodb.Table {
  const key = (a: { name: string }): dynamodb.Attribute => ({ name: a.name, type: dynamodb.AttributeType.STRING });
  const table = new dynamodb.Table(scope, id, {
    ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
    partitionKey: key(HISTORY_TABLE_SCHEMA.partitionKey),
    sortKey: key(HISTORY_TABLE_SCHEMA.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    ...(options.removalPolicy === undefined ? {} : { removalPolicy: options.removalPolicy }),
    ...(options.resourcePolicy === undefined ? {} : { resourcePolicy: options.resourcePolicy }),
  });
  for (const index of HISTORY_TABLE_SCHEMA.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({ indexName: index.indexName, partitionKey: key(index.partitionKey), sortKey: key(index.sortKey), projectionType: dynamodb.ProjectionType.ALL });
  }
  return table;
}
