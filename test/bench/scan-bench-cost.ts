/**
 * What one month of the guardian costs at the measured per-scan figures, by component, at the list
 * prices of `lambda/core/report/running-cost.ts` (the same prices `report` uses for the guardian's
 * running cost; each cited there). EC2 Describe* and SNS Publish to email/HTTPS within the free tier
 * are not charged per call here.
 */
import { GUARDIAN_PRICES } from '../../lambda/core/report/running-cost';

/** Prices used, USD. */
export const PRICES = GUARDIAN_PRICES;

/** Scans a month at the shipped 5-minute schedule, on AWS's 730-hour month. */
export const SCANS_PER_MONTH = (730 * 60) / 5;

/** Per-scan averages the month is projected from. */
export interface PerScan {
  readonly metricsRequested: number;
  readonly readRequestUnits: number;
  readonly writeRequestUnits: number;
  readonly wallMs: number;
  /** Distinct custom metrics (name × dimensions) the scan emitted. */
  readonly customMetrics: number;
  readonly logBytes: number;
}

/** Monthly cost by component, USD. */
export interface MonthlyCost {
  readonly getMetricData: number;
  readonly dynamoDb: number;
  readonly lambda: number;
  readonly customMetrics: number;
  readonly logs: number;
  readonly total: number;
}

/** Projects the per-scan figures to a month at `memoryMiB`. */
export function monthlyCost(perScan: PerScan, memoryMiB: number): MonthlyCost {
  const n = SCANS_PER_MONTH;
  const getMetricData = perScan.metricsRequested * PRICES.getMetricDataPerMetric * n;
  const dynamoDb = (perScan.readRequestUnits * PRICES.dynamoPerReadRequestUnit + perScan.writeRequestUnits * PRICES.dynamoPerWriteRequestUnit) * n;
  const lambda = ((memoryMiB / 1024) * (perScan.wallMs / 1000) * PRICES.lambdaArmPerGBSecond + PRICES.lambdaPerRequest) * n;
  // Each scan's metrics stand for its hour; the mean over the sampled hours is the metric-months.
  const customMetrics = perScan.customMetrics * PRICES.customMetricPerMonth;
  const logs = ((perScan.logBytes * n) / 1e9) * PRICES.logsIngestionPerGB;
  return { getMetricData, dynamoDb, lambda, customMetrics, logs, total: getMetricData + dynamoDb + lambda + customMetrics + logs };
}

/** Counts EMF datums in what the Lambda printed: one per metric name × dimension values per flush. */
export function countEmfMetrics(stdout: string): { datums: number; bytes: number } {
  let datums = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"_aws"')) continue;
    try {
      const doc = JSON.parse(line) as { _aws?: { CloudWatchMetrics?: { Metrics?: unknown[] }[] } };
      for (const directive of doc._aws?.CloudWatchMetrics ?? []) datums += directive.Metrics?.length ?? 0;
    } catch {
      // Not EMF: a log line that happens to start with '{'.
    }
  }
  return { datums, bytes: Buffer.byteLength(stdout, 'utf8') };
}
