/**
 * The guardian's own usage of one scan, measured where it happens: GetMetricData metrics the scan
 * requested (the scan report), the function's memory (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, set by
 * Lambda: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
 * and the scan's measured duration, the DynamoDB units the table reported (`DynamoDbCapacityMeter`),
 * and the metric series the run emitted. Recorded as one ADD to the day's counters; a failed write is
 * logged and returned as a `record` error (the handler counts it in `HistoryErrors`), and never fails the scan.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConsumedUnits } from '../aws/dynamodb-capacity-meter';
import type { HistoryStore } from '../core/ports';
import type { ScanUsage } from '../core/report/running-cost';
import type { ScanOrigin } from '../core/scan/origin';
import type { ScanError, ScanReport } from '../core/scan/types';

/** What one scan measured about itself. */
export interface ScanUsageInput {
  readonly report: Pick<ScanReport, 'metricsRequested'>;
  readonly origin?: ScanOrigin;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly nowEpochSeconds: number;
  readonly durationMs: number;
  readonly units: ConsumedUnits;
  readonly metricSeries: number;
}

/** The usage record of one scan. */
export function scanUsageOf(input: ScanUsageInput): ScanUsage {
  const memory = Number(input.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 0);
  return {
    ...(input.origin === undefined ? {} : { accountId: input.origin.account.id, region: input.origin.region }),
    tEpochSeconds: input.nowEpochSeconds,
    metricsRequested: input.report.metricsRequested,
    memoryMiB: Number.isFinite(memory) && memory > 0 ? memory : 0,
    durationMs: Math.max(0, Math.round(input.durationMs)),
    dynamoReadUnits: input.units.readUnits,
    dynamoWriteUnits: input.units.writeUnits,
    metricSeries: input.metricSeries,
  };
}

/** Records the usage when the store keeps it; a failure is logged and returned as a `record` error (for `HistoryErrors`), never thrown. */
export async function recordScanUsage(history: HistoryStore, usage: ScanUsage, logger: Pick<Logger, 'warn'>): Promise<ScanError | undefined> {
  if (history.recordUsage === undefined) return undefined;
  try {
    await history.recordUsage(usage);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn("usage not recorded: the report's running cost misses this scan", { stage: 'record', error: message });
    return { stage: 'record', message: `usage: ${message}` };
  }
}
