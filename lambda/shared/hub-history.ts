/**
 * The organization's central history table in the hub account: the same layout as every guardian's
 * table (history-table-schema.ts), with each partition key prefixed by the writing spoke's account
 * and region. The prefix is what IAM checks: `dynamodb:LeadingKeys` must match `<own account>#*`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html),
 * so no spoke can read or write another account's items.
 */

/** Environment variables of a spoke's functions naming the hub. */
export const HUB_ENV = { tableName: 'HUB_TABLE', tableRegion: 'HUB_REGION', topicArn: 'HUB_TOPIC_ARN', spokeAccount: 'SPOKE_ACCOUNT_ID' } as const;

/** Copies to the hub that failed (the spoke's own write succeeded), in the guardian's namespace. Count. */
export const HUB_WRITE_ERRORS_METRIC = 'HubWriteErrors';

/** The hub partition key of an item whose own partition key is `pk`. */
export function hubPartitionKey(accountId: string, region: string, pk: string): string {
  return `${accountId}#${region}#${pk}`;
}

/** The item actions a spoke may send to the hub table: write its records, read its own back. */
export const HUB_TABLE_SPOKE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'] as const;
