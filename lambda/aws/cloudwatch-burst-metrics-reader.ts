/**
 * `BurstMetricsReader` over CloudWatch GetMetricData: one window for all volumes, 500 queries a
 * call, NextToken pages, a bounded number of calls in flight.
 * Limits (500 metrics, 100,800 datapoints per call):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
import type { CloudWatchClient, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { MetricsUnavailableError } from '../core/errors';
import type { BurstMetricsReader, MetricsRequest, MetricsResult } from '../core/ports';
import type { MetricPoint, VolumeMetricSeries } from '../core/types';
import { readMetricDataPages } from './cloudwatch-metric-data-pages';
import { planQueries, type PlannedQuery, type QueryPlanOptions, type SeriesField } from './cloudwatch-metric-queries';
import { errorCode, errorMessage } from './ec2-errors';
import { mapWithConcurrency } from './throttle-retry';

/** GetMetricData accepts at most 500 MetricDataQuery entries per call. */
export const MAX_QUERIES_PER_CALL = 500;

/** GetMetricData returns at most 100,800 datapoints per call; more means NextToken pages. */
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/**
 * Queries per call so one call's datapoints fit in one page: every page is billed again for all
 * its metrics, so a window too long for 500 queries is cheaper split into smaller batches.
 */
export function queriesPerCall(request: Pick<MetricsRequest, 'startEpochSeconds' | 'endEpochSeconds' | 'periodSeconds'>): number {
  const pointsPerQuery = Math.max(1, Math.ceil((request.endEpochSeconds - request.startEpochSeconds) / Math.max(1, request.periodSeconds)));
  return Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / pointsPerQuery)));
}

/** Options of the reader. */
export interface CloudWatchBurstMetricsReaderOptions extends QueryPlanOptions {
  readonly client: CloudWatchClient;
  /** GetMetricData calls in flight at once. @default 4 */
  readonly maxConcurrentCalls?: number;
}

type MutableSeries = Partial<Record<SeriesField, MetricPoint[]>>;

/** One volume's outcome, as `streamMetrics` hands it over. */
export type VolumeMetricsOutcome =
  | { readonly kind: 'series'; readonly series: VolumeMetricSeries }
  | { readonly kind: 'error'; readonly volumeId: string; readonly error: Error };

/** Reads BurstBalance, ops, bytes and probe latency of many volumes with GetMetricData. */
export class CloudWatchBurstMetricsReader implements BurstMetricsReader {
  private readonly client: CloudWatchClient;
  private readonly concurrency: number;
  private readonly planOptions: QueryPlanOptions;

  constructor(options: CloudWatchBurstMetricsReaderOptions) {
    this.client = options.client;
    this.concurrency = options.maxConcurrentCalls ?? 4;
    this.planOptions = options.iopsExceededCheck === undefined ? {} : { iopsExceededCheck: options.iopsExceededCheck };
  }

  /** Reads every volume's series; a failed batch puts its volumes in `errors`, never zeros. */
  async readMetrics(request: MetricsRequest): Promise<MetricsResult> {
    const series = new Map<string, VolumeMetricSeries>();
    const errors = new Map<string, Error>();
    const { metricsRequested } = await this.streamMetrics(request, (outcome) => {
      if (outcome.kind === 'series') series.set(outcome.series.volumeId, outcome.series);
      else errors.set(outcome.volumeId, outcome.error);
    });
    return { series, errors, metricsRequested };
  }

  /**
   * Like `readMetrics`, but hands each volume over as soon as every batch holding its queries is
   * done, and forgets it: memory stays bounded by the calls in flight, not the fleet size.
   */
  async streamMetrics(request: MetricsRequest, onVolume: (outcome: VolumeMetricsOutcome) => void): Promise<{ metricsRequested: number }> {
    const planned = planQueries(request, this.planOptions);
    const byId = new Map(planned.map((q) => [q.id, q]));
    const batches: PlannedQuery[][] = [];
    const batchSize = queriesPerCall(request);
    for (let i = 0; i < planned.length; i += batchSize) batches.push(planned.slice(i, i + batchSize));
    const collected = new Map<string, MutableSeries>();
    const errors = new Map<string, Error>();
    const pendingBatches = new Map<string, number>();
    for (const q of planned) {
      const fields = collected.get(q.volumeId) ?? {};
      fields[q.field] = [];
      collected.set(q.volumeId, fields);
    }
    for (const batch of batches) for (const volumeId of new Set(batch.map((q) => q.volumeId))) pendingBatches.set(volumeId, (pendingBatches.get(volumeId) ?? 0) + 1);
    let metricsRequested = 0;
    await mapWithConcurrency(batches, this.concurrency, async (batch) => {
      try {
        // Not `x += await`: that reads x before the await and loses the other batches' counts.
        const requested = await this.readBatch(batch, request, (result) => collect(result, byId, collected, errors));
        metricsRequested += requested;
      } catch (error) {
        for (const q of batch) {
          if (!errors.has(q.volumeId)) {
            errors.set(q.volumeId, new MetricsUnavailableError(`GetMetricData failed for ${q.volumeId}: ${errorCode(error) ?? ''} ${errorMessage(error)}`, { cause: error }));
          }
        }
      }
      for (const volumeId of new Set(batch.map((q) => q.volumeId))) {
        const left = (pendingBatches.get(volumeId) ?? 1) - 1;
        pendingBatches.set(volumeId, left);
        if (left > 0) continue;
        const error = errors.get(volumeId);
        const fields = collected.get(volumeId) ?? {};
        collected.delete(volumeId);
        errors.delete(volumeId);
        onVolume(error === undefined ? { kind: 'series', series: toSeries(volumeId, request.periodSeconds, fields) } : { kind: 'error', volumeId, error });
      }
    });
    return { metricsRequested };
  }

  /** All pages of one batch; returns the metrics requested (each query counts once per call). */
  private async readBatch(batch: PlannedQuery[], request: MetricsRequest, onResult: (r: MetricDataResult) => void): Promise<number> {
    const calls = await readMetricDataPages(this.client, { queries: batch.map((q) => q.query), startEpochSeconds: request.startEpochSeconds, endEpochSeconds: request.endEpochSeconds }, onResult);
    return calls * batch.length;
  }
}

/** Adds one result page to the collected series; `InternalError`/`Forbidden` mark the volume failed. */
function collect(result: MetricDataResult, byId: Map<string, PlannedQuery>, collected: Map<string, MutableSeries>, errors: Map<string, Error>): void {
  const planned = result.Id === undefined ? undefined : byId.get(result.Id);
  if (planned === undefined) return;
  if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
    const detail = (result.Messages ?? []).map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim()).join('; ');
    errors.set(planned.volumeId, new MetricsUnavailableError(`${planned.field} of ${planned.volumeId}: ${result.StatusCode}${detail === '' ? '' : `: ${detail}`}`));
    return;
  }
  // PartialData means more points follow on the next page: append, keep nothing invented.
  const fields = collected.get(planned.volumeId) ?? {};
  const points = fields[planned.field] ?? [];
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
    const t = timestamps[i];
    const v = values[i];
    if (t !== undefined && v !== undefined && Number.isFinite(v)) points.push({ tEpochSeconds: Math.floor(t.getTime() / 1000), value: v });
  }
  fields[planned.field] = points;
  collected.set(planned.volumeId, fields);
}

function sorted(points: MetricPoint[] | undefined): MetricPoint[] {
  const list = points ?? [];
  // Pages come in ascending order (ScanBy), so sorting is usually a no-op: skip the copy then.
  for (let i = 1; i < list.length; i++) {
    if ((list[i - 1]?.tEpochSeconds ?? 0) > (list[i]?.tEpochSeconds ?? 0)) return list.sort((a, b) => a.tEpochSeconds - b.tEpochSeconds);
  }
  return list;
}

/** The series as the core sees them: requested optional series appear (maybe empty), others are absent. */
function toSeries(volumeId: string, periodSeconds: number, fields: MutableSeries): VolumeMetricSeries {
  const optional: SeriesField[] = ['readBytes', 'writeBytes', 'iopsExceededCheck', 'containerStartP90Ms'];
  const extra: Partial<Record<SeriesField, MetricPoint[]>> = {};
  for (const field of optional) if (fields[field] !== undefined) extra[field] = sorted(fields[field]);
  return {
    volumeId,
    periodSeconds,
    burstBalancePercent: sorted(fields.burstBalancePercent),
    readOps: sorted(fields.readOps),
    writeOps: sorted(fields.writeOps),
    ...extra,
  };
}
