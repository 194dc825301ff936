/**
 * Which CloudWatch metrics the reader asks for per volume, and the query ids that map answers back.
 * Metrics: https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html
 * Query ids must start with a lowercase letter and hold only letters, digits and `_`:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricsRequest } from '../core/ports';
import type { MetricField } from '../core/ports';
import { defaultMetricFields } from '../core/scan/read-plan';

/** Series fields of `VolumeMetricSeries` the reader can fill. */
export type SeriesField = MetricField;

/** One metric to read for one volume. */
export interface PlannedQuery {
  readonly id: string;
  readonly volumeId: string;
  readonly field: SeriesField;
  readonly query: MetricDataQuery;
}

/** Metric name of the probe's container-start p90 (written by the on-host probe). */
export const PROBE_LATENCY_METRIC = 'ContainerStartLatencyP90';

/** Options for which optional metrics to read. */
export interface QueryPlanOptions {
  /** Read `VolumeIOPSExceededCheck` (Maximum) for gp2 volumes: "throttled right now" on Nitro. @default true */
  readonly iopsExceededCheck?: boolean;
}

const SHORT: Record<SeriesField, string> = {
  burstBalancePercent: 'bb',
  readOps: 'ro',
  writeOps: 'wo',
  readBytes: 'rb',
  writeBytes: 'wb',
  iopsExceededCheck: 'ix',
  containerStartP90Ms: 'cs',
};

function ebsQuery(id: string, volumeId: string, metricName: string, stat: string, periodSeconds: number): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/EBS', MetricName: metricName, Dimensions: [{ Name: 'VolumeId', Value: volumeId }] },
      Period: periodSeconds,
      Stat: stat,
    },
    ReturnData: true,
  };
}

/** The fields read for a volume of this request: the scan's plan when it names them, else the full default set. */
export function fieldsFor(volume: MetricsRequest['volumes'][number], request: MetricsRequest, options: QueryPlanOptions): SeriesField[] {
  if (volume.fields !== undefined) return [...volume.fields];
  return defaultMetricFields(volume, {
    ...(request.probeNamespace === undefined ? {} : { probeNamespace: request.probeNamespace }),
    ...(options.iopsExceededCheck === undefined ? {} : { iopsExceededCheck: options.iopsExceededCheck }),
  });
}

/** Plans every query of a request; ids are `v<volume index>_<metric>`. */
export function planQueries(request: MetricsRequest, options: QueryPlanOptions = {}): PlannedQuery[] {
  const planned: PlannedQuery[] = [];
  const period = request.periodSeconds;
  request.volumes.forEach((volume, index) => {
    for (const field of fieldsFor(volume, request, options)) {
      const id = `v${index}_${SHORT[field]}`;
      planned.push({ id, volumeId: volume.volumeId, field, query: queryFor(id, volume, field, period, request.probeNamespace) });
    }
  });
  return planned;
}

/** AWS/EBS metric and statistic behind each series (DESIGN.md §2: ops are Sums per period). */
const EBS_METRICS: Readonly<Record<Exclude<SeriesField, 'containerStartP90Ms'>, readonly [string, string]>> = {
  burstBalancePercent: ['BurstBalance', 'Average'],
  readOps: ['VolumeReadOps', 'Sum'],
  writeOps: ['VolumeWriteOps', 'Sum'],
  readBytes: ['VolumeReadBytes', 'Sum'],
  writeBytes: ['VolumeWriteBytes', 'Sum'],
  iopsExceededCheck: ['VolumeIOPSExceededCheck', 'Maximum'],
};

function queryFor(
  id: string,
  volume: MetricsRequest['volumes'][number],
  field: SeriesField,
  period: number,
  probeNamespace: string | undefined,
): MetricDataQuery {
  if (field !== 'containerStartP90Ms') {
    const [metricName, stat] = EBS_METRICS[field];
    return ebsQuery(id, volume.volumeId, metricName, stat, period);
  }
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: probeNamespace,
        MetricName: PROBE_LATENCY_METRIC,
        Dimensions: [
          { Name: 'VolumeId', Value: volume.volumeId },
          { Name: 'InstanceId', Value: volume.instanceId },
        ],
      },
      Period: period,
      // The probe already publishes a p90 per interval; the worst one in a period is what hurts.
      Stat: 'Maximum',
    },
    ReturnData: true,
  };
}
