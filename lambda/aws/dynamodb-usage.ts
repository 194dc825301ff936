/**
 * The guardian's own usage in the history table: one item per account, region and UTC day whose
 * counters every scan raises with one UpdateItem `ADD` (atomic: concurrent writers never lose a count,
 * and nothing is overwritten; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.ADD).
 * The hours of the day with a scan are a number set, so ADDing the same hour twice keeps it once.
 * Key layout: `usageKeys` in lambda/shared/history-table-schema.ts.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { UNKNOWN_ORIGIN, usageIncrement, type ScanUsage, type UsageDay } from '../core/report/running-cost';
import { usageKeys } from '../shared/history-table-schema';

const COUNTERS = ['scans', 'invocations', 'metricsRequested', 'lambdaMiBMs', 'dynamoReadUnits', 'dynamoWriteUnits', 'metricSeriesSum'] as const;

/** The UpdateItem adding one scan's usage to its day; `pk` maps the key (the hub prefixes it). */
export function usageUpdateInput(tableName: string, usage: ScanUsage, pk: (key: string) => string = (key) => key): UpdateCommandInput {
  const add = usageIncrement(usage);
  const keys = usageKeys(usage.accountId ?? UNKNOWN_ORIGIN, usage.region ?? UNKNOWN_ORIGIN, add.day);
  const origin = { ...(usage.accountId === undefined ? {} : { accountId: usage.accountId }), ...(usage.region === undefined ? {} : { region: usage.region }) };
  const sets = { itemType: 'usage', month: keys.month, monthSk: keys.monthSk, day: add.day, ...origin };
  return {
    TableName: tableName,
    Key: { pk: pk(keys.pk), sk: keys.sk },
    UpdateExpression: `SET ${Object.keys(sets).map((k) => `#${k} = :${k}`).join(', ')} ADD ${[...COUNTERS, 'hours'].map((k) => `#${k} :${k}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries([...Object.keys(sets), ...COUNTERS, 'hours'].map((k) => [`#${k}`, k])),
    ExpressionAttributeValues: {
      ...Object.fromEntries(Object.entries(sets).map(([k, v]) => [`:${k}`, v])),
      ...Object.fromEntries(COUNTERS.map((k) => [`:${k}`, add[k]])),
      ':hours': new Set(add.hours),
    },
  };
}

/** The usage day of an item read back (a number set comes back as a `Set`). */
export function usageDayFromItem(item: Record<string, unknown>): UsageDay {
  const number = (key: string): number => (typeof item[key] === 'number' ? (item[key] as number) : Number(item[key] ?? 0));
  const hours = item.hours instanceof Set ? [...(item.hours as Set<unknown>)].map(Number) : [];
  return {
    ...(typeof item.accountId === 'string' ? { accountId: item.accountId } : {}),
    ...(typeof item.region === 'string' ? { region: item.region } : {}),
    day: String(item.day),
    ...(Object.fromEntries(COUNTERS.map((k) => [k, number(k)])) as Record<(typeof COUNTERS)[number], number>),
    hours: hours.sort((a, b) => a - b),
  };
}
