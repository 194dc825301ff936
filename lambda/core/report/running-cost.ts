/**
 * The guardian's own running cost (issue 13 item 5): what its scans consumed, as each scan measured
 * it (metrics requested from GetMetricData, Lambda memory × duration, DynamoDB capacity units the
 * table reported, custom metric series emitted), summed per account, region and UTC day, priced with
 * the documented list prices below. Counts are measured; prices are assumed (us-east-1, on demand).
 */
import { dayLabelOf, parseReportDate, SECONDS_PER_DAY } from './calendar';
import type { ReportPeriod } from './types';

/**
 * List prices, USD (us-east-1, on demand, as published):
 * - GetMetricData $0.01 per 1,000 metrics requested; custom metrics $0.30 per metric-month (first
 *   10,000, prorated by the hour); CloudWatch Logs ingestion $0.50 per GB: https://aws.amazon.com/cloudwatch/pricing/
 * - DynamoDB on-demand $0.125 per million read request units, $0.625 per million write request units
 *   (since the November 2024 price cut): https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - Lambda arm64 $0.0000133334 per GB-second, $0.20 per million requests: https://aws.amazon.com/lambda/pricing/
 */
export const GUARDIAN_PRICES = {
  getMetricDataPerMetric: 0.01 / 1000,
  customMetricPerMonth: 0.3,
  logsIngestionPerGB: 0.5,
  dynamoPerReadRequestUnit: 0.125 / 1e6,
  dynamoPerWriteRequestUnit: 0.625 / 1e6,
  lambdaArmPerGBSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
} as const;

/** AWS prices custom metrics per metric-month of 730 hours, prorated by the hour. */
export const HOURS_PER_BILLING_MONTH = 730;

/** What one scan consumed, as it measured it. */
export interface ScanUsage {
  readonly accountId?: string;
  readonly region?: string;
  readonly tEpochSeconds: number;
  /** GetMetricData metrics requested (what CloudWatch bills). */
  readonly metricsRequested: number;
  /** The function's memory (MiB; 0 when the scan did not run in Lambda) and the scan's measured duration (ms): Lambda bills their product. */
  readonly memoryMiB: number;
  readonly durationMs: number;
  /** Capacity units DynamoDB reported consumed (`ReturnConsumedCapacity: TOTAL`). */
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  /** Distinct custom metric series (name × dimensions) the scan emitted. */
  readonly metricSeries: number;
}

/** One account's and region's usage over one UTC day: the sum of its scans (an atomic counter in the store). */
export interface UsageDay {
  readonly accountId?: string;
  readonly region?: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly scans: number;
  /** Scans that ran as a Lambda invocation (a `scan` run from a laptop bills no Lambda). */
  readonly invocations: number;
  readonly metricsRequested: number;
  /** Σ memory MiB × duration ms (integers, so the counter stays exact). */
  readonly lambdaMiBMs: number;
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  /** Σ series per scan. */
  readonly metricSeriesSum: number;
  /** UTC hours of the day (0–23) in which at least one scan ran. */
  readonly hours: readonly number[];
}

/** The counters one scan adds to its day (the store ADDs them; nothing is overwritten). */
export function usageIncrement(usage: ScanUsage): Omit<UsageDay, 'accountId' | 'region'> {
  return {
    day: dayLabelOf(usage.tEpochSeconds),
    scans: 1,
    invocations: usage.memoryMiB > 0 ? 1 : 0,
    metricsRequested: usage.metricsRequested,
    lambdaMiBMs: Math.round(usage.memoryMiB * usage.durationMs),
    dynamoReadUnits: usage.dynamoReadUnits,
    dynamoWriteUnits: usage.dynamoWriteUnits,
    metricSeriesSum: usage.metricSeries,
    hours: [Math.floor((((usage.tEpochSeconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY) / 3600)],
  };
}

/** `day` with one more scan's usage added (what the store's atomic ADD does), or the first scan's day. */
export function addUsageToDay(day: UsageDay | undefined, usage: ScanUsage): UsageDay {
  const add = usageIncrement(usage);
  const origin = { ...(usage.accountId === undefined ? {} : { accountId: usage.accountId }), ...(usage.region === undefined ? {} : { region: usage.region }) };
  if (day === undefined) return { ...origin, ...add };
  return {
    ...day,
    scans: day.scans + add.scans,
    invocations: day.invocations + add.invocations,
    metricsRequested: day.metricsRequested + add.metricsRequested,
    lambdaMiBMs: day.lambdaMiBMs + add.lambdaMiBMs,
    dynamoReadUnits: day.dynamoReadUnits + add.dynamoReadUnits,
    dynamoWriteUnits: day.dynamoWriteUnits + add.dynamoWriteUnits,
    metricSeriesSum: day.metricSeriesSum + add.metricSeriesSum,
    hours: [...new Set([...day.hours, ...add.hours])].sort((a, b) => a - b),
  };
}

/** One line of the running cost: measured counts and their cost, USD. */
export interface RunningCostLine {
  readonly key: string;
  readonly scans: number;
  readonly lambdaInvocations: number;
  readonly metricsRequested: number;
  readonly lambdaGbSeconds: number;
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  /** Estimated billed metric-hours: per day, hours with a scan × mean series per scan. */
  readonly metricSeriesHours: number;
  readonly getMetricDataUSD: number;
  readonly lambdaUSD: number;
  readonly dynamoDbUSD: number;
  readonly customMetricsUSD: number;
  readonly totalUSD: number;
}

/** The period's running cost, in total and per account and per region (each adds up to the total). */
export interface RunningCost {
  readonly total: RunningCostLine;
  readonly byAccount: readonly RunningCostLine[];
  readonly byRegion: readonly RunningCostLine[];
  /** Days with recorded usage inside the period. */
  readonly daysRecorded: number;
}

/** Label of usage recorded without an account or region. */
export const UNKNOWN_ORIGIN = '(unknown)';

/** Prices the usage of the days that start inside the period (usage is kept per UTC day). */
export function runningCost(days: readonly UsageDay[], period: ReportPeriod): RunningCost {
  const inPeriod = days.filter((d) => {
    const start = parseReportDate(d.day);
    return start !== undefined && start >= period.sinceEpochSeconds && start < period.untilEpochSeconds;
  });
  const by = (keyOf: (d: UsageDay) => string | undefined): RunningCostLine[] => {
    const groups = new Map<string, UsageDay[]>();
    for (const d of inPeriod) {
      const key = keyOf(d) ?? UNKNOWN_ORIGIN;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    return [...groups.entries()].map(([key, list]) => priceLine(key, list)).sort((a, b) => b.totalUSD - a.totalUSD || a.key.localeCompare(b.key));
  };
  return { total: priceLine('total', inPeriod), byAccount: by((d) => d.accountId), byRegion: by((d) => d.region), daysRecorded: new Set(inPeriod.map((d) => d.day)).size };
}

function priceLine(key: string, days: readonly UsageDay[]): RunningCostLine {
  const sum = (pick: (d: UsageDay) => number): number => days.reduce((s, d) => s + pick(d), 0);
  const scans = sum((d) => d.scans);
  const lambdaInvocations = sum((d) => d.invocations);
  const metricsRequested = sum((d) => d.metricsRequested);
  const lambdaGbSeconds = sum((d) => d.lambdaMiBMs) / 1024 / 1000;
  const dynamoReadUnits = sum((d) => d.dynamoReadUnits);
  const dynamoWriteUnits = sum((d) => d.dynamoWriteUnits);
  const metricSeriesHours = sum((d) => (d.scans === 0 ? 0 : new Set(d.hours).size * (d.metricSeriesSum / d.scans)));
  const p = GUARDIAN_PRICES;
  const getMetricDataUSD = metricsRequested * p.getMetricDataPerMetric;
  const lambdaUSD = lambdaGbSeconds * p.lambdaArmPerGBSecond + lambdaInvocations * p.lambdaPerRequest;
  const dynamoDbUSD = dynamoReadUnits * p.dynamoPerReadRequestUnit + dynamoWriteUnits * p.dynamoPerWriteRequestUnit;
  const customMetricsUSD = (metricSeriesHours / HOURS_PER_BILLING_MONTH) * p.customMetricPerMonth;
  return {
    key, scans, lambdaInvocations, metricsRequested, lambdaGbSeconds, dynamoReadUnits, dynamoWriteUnits, metricSeriesHours,
    getMetricDataUSD, lambdaUSD, dynamoDbUSD, customMetricsUSD, totalUSD: getMetricDataUSD + lambdaUSD + dynamoDbUSD + customMetricsUSD,
  };
}
