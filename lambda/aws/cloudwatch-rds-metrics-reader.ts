/**
 * `RdsMetricsReader`: `BurstBalance`, `ReadIOPS` and `WriteIOPS` in `AWS/RDS` per
 * `DBInstanceIdentifier` (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html:
 * BurstBalance "The percent of General Purpose SSD (gp2) burst-bucket I/O credits available";
 * ReadIOPS/WriteIOPS "The average number of disk read/write I/O operations per second", Count/Second).
 * Only the fields asked for are requested (billed per metric). The forecaster wants operations per
 * period, as EBS publishes them: Average IOPS × period. 500 queries per GetMetricData call, pages
 * followed; a result that is not `Complete`/`PartialData` is that instance's error, never zeros.
 */
import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { RdsMetricField, RdsMetricsReader, RdsMetricsRequest, RdsMetricsResult } from '../core/rds-ports';
import type { MetricPoint, VolumeMetricSeries } from '../core/types';
import { readMetricDataPages } from './cloudwatch-metric-data-pages';
import { MetricsUnavailableError } from '../core/errors';

const MAX_QUERIES_PER_CALL = 500;

const METRIC_OF: Record<RdsMetricField, { readonly name: string; readonly short: string }> = {
  burstBalancePercent: { name: 'BurstBalance', short: 'bb' },
  readOps: { name: 'ReadIOPS', short: 'ri' },
  writeOps: { name: 'WriteIOPS', short: 'wi' },
};

/** Options of `CloudWatchRdsMetricsReader`. */
export interface CloudWatchRdsMetricsReaderOptions {
  readonly client: CloudWatchClient;
}

/** Reads AWS/RDS burst metrics per DB instance. */
export class CloudWatchRdsMetricsReader implements RdsMetricsReader {
  constructor(private readonly options: CloudWatchRdsMetricsReaderOptions) {}

  /** Series per DB instance that returned data; failed results are listed in `errors`. */
  async readRdsMetrics(request: RdsMetricsRequest): Promise<RdsMetricsResult> {
    const queries = request.instances.flatMap((instance, index) =>
      instance.fields.map((field) => {
        const id = `d${index}_${METRIC_OF[field].short}`;
        const query: MetricDataQuery = {
          Id: id,
          MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: METRIC_OF[field].name, Dimensions: [{ Name: 'DBInstanceIdentifier', Value: instance.identifier }] }, Period: request.periodSeconds, Stat: 'Average' },
          ReturnData: true,
        };
        return { id, identifier: instance.identifier, field, query };
      }),
    );
    const byId = new Map(queries.map((q) => [q.id, q]));
    const points = new Map<string, Partial<Record<RdsMetricField, MetricPoint[]>>>();
    const errors = new Map<string, Error>();
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_CALL) {
      const batch = queries.slice(i, i + MAX_QUERIES_PER_CALL).map((q) => q.query);
      await readMetricDataPages(this.options.client, { queries: batch, startEpochSeconds: request.startEpochSeconds, endEpochSeconds: request.endEpochSeconds }, (result) => {
        const q = result.Id === undefined ? undefined : byId.get(result.Id);
        if (q === undefined) return;
        if (result.StatusCode !== 'Complete' && result.StatusCode !== 'PartialData') {
          errors.set(q.identifier, new MetricsUnavailableError(`AWS/RDS ${METRIC_OF[q.field].name} of ${q.identifier}: ${result.StatusCode ?? 'no status'}`));
          return;
        }
        const entry = points.get(q.identifier) ?? {};
        const list = entry[q.field] ?? [];
        // IOPS are a per-second Average: × period gives operations per period, the forecaster's unit.
        const scale = q.field === 'burstBalancePercent' ? 1 : request.periodSeconds;
        (result.Timestamps ?? []).forEach((t, k) => {
          const value = result.Values?.[k];
          if (value !== undefined && Number.isFinite(value)) list.push({ tEpochSeconds: Math.floor(t.getTime() / 1000), value: value * scale });
        });
        entry[q.field] = list;
        points.set(q.identifier, entry);
      });
    }
    const series = new Map<string, VolumeMetricSeries>();
    const byTime = (a: MetricPoint, b: MetricPoint) => a.tEpochSeconds - b.tEpochSeconds;
    for (const [identifier, p] of points) {
      if (errors.has(identifier)) continue;
      series.set(identifier, {
        volumeId: identifier, periodSeconds: request.periodSeconds,
        burstBalancePercent: (p.burstBalancePercent ?? []).sort(byTime), readOps: (p.readOps ?? []).sort(byTime), writeOps: (p.writeOps ?? []).sort(byTime),
      });
    }
    return { series, errors, metricsRequested: queries.length };
  }
}
