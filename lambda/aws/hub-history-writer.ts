/**
 * Writes a spoke's records into the organization's central table in the hub account: the same item
 * as in the spoke's own table, its partition key prefixed with `<account>#<region>#`
 * (lambda/shared/hub-history.ts), without the open-modifications index keys (the hub never
 * reconciles). `tableName` may be the table's ARN: DynamoDB accepts an ARN for a table of another
 * account (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html).
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryEvent, ModificationRecord } from '../core/ports';
import { modificationSortKey, volumePartitionKey } from '../shared/history-table-schema';
import { hubPartitionKey } from '../shared/hub-history';
import { eventItem, modificationItem, type HistoryItem } from './history-items';
import { usageUpdateInput } from './dynamodb-usage';
import type { ScanUsage } from '../core/report/running-cost';

/** Options of `HubHistoryWriter`. */
export interface HubHistoryWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly accountId: string;
  readonly region: string;
}

/** The patch `updateModification` applies, mirrored as it is. */
export type ModificationPatch = Partial<Pick<ModificationRecord, 'status' | 'completedEpochSeconds' | 'statusMessage' | 'firstBurstBalanceAfterPercent' | 'shadowThrottling'>>;

/** Puts and updates a spoke's items in the hub table. */
export class HubHistoryWriter {
  constructor(private readonly options: HubHistoryWriterOptions) {}

  async putEvent(event: HistoryEvent): Promise<void> {
    await this.put(eventItem(event));
  }

  async putModification(record: ModificationRecord): Promise<void> {
    await this.put(modificationItem(record));
  }

  /** Adds one scan's usage to the hub's counter of the spoke's day (the same ADD as the spoke's own table). */
  async addUsage(usage: ScanUsage): Promise<void> {
    await this.options.client.send(new UpdateCommand(usageUpdateInput(this.options.tableName, usage, (pk) => this.hubKey(pk))));
  }

  /** Applies the patch to the hub copy; the copy must exist (a missing intent copy fails, it is not invented). */
  async updateModification(volumeId: string, modificationId: string, patch: ModificationPatch): Promise<void> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const names = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
    const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { pk: this.hubKey(volumePartitionKey(volumeId)), sk: modificationSortKey(modificationId) },
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async put(item: HistoryItem): Promise<void> {
    const { openPk: _openPk, openSk: _openSk, ...rest } = item;
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: { ...rest, pk: this.hubKey(String(item.pk)) } }));
  }

  private hubKey(pk: string): string {
    return hubPartitionKey(this.options.accountId, this.options.region, pk);
  }
}
