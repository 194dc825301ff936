/**
 * One interval's probe report and its renderings: CloudWatch datums, Embedded Metric Format and a
 * human line. Pure: the report is data, time is in it.
 */
import type { ActiveRunTimings } from './active-run';
import type { DStateCensus } from './d-state';
import type { LatencyStats } from './latency-stats';
import { PROBE_DIMENSIONS, PROBE_METRIC_UNITS, PROBE_METRICS, type ProbeMetricName } from '../shared/probe-metric-names';
import type { SyncWriteResult } from './sync-write';

/** A source's outcome: measured, unavailable (and why), or skipped (by configuration or schedule). */
export type Measurement<T> =
  | { readonly kind: 'measured'; readonly value: T }
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'skipped'; readonly reason: string };

/** Passive container-start figures of one interval. */
export interface ContainerStarts {
  /** create → start; undefined when no container started (missing, not zero). */
  readonly startLatency: LatencyStats | undefined;
  /** start → die of short-lived containers. */
  readonly shortLivedRun: LatencyStats | undefined;
  readonly unpairedStarts: number;
}

/** Everything the probe learned in one interval. */
export interface ProbeReport {
  readonly intervalStartEpochSeconds: number;
  readonly intervalEndEpochSeconds: number;
  readonly volumeId: string | undefined;
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
  /** Where the instance id and region came from (`IMDSv2`, `env AWS_REGION`, `--instance-id`…). */
  readonly identitySource?: { readonly instanceId?: string; readonly region?: string };
  readonly containerStarts: Measurement<ContainerStarts>;
  readonly active: Measurement<ActiveRunTimings>;
  readonly syncWrite: Measurement<SyncWriteResult>;
  readonly dState: Measurement<DStateCensus>;
  /** What the probe could not do, in words (also printed to stderr). */
  readonly notes: readonly string[];
}

/** A PutMetricData datum; structurally the SDK's `MetricDatum`, kept SDK-free here. */
export interface ProbeDatum {
  readonly MetricName: ProbeMetricName;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly Timestamp: Date;
  readonly Unit: 'Milliseconds' | 'Count';
  readonly Value: number;
}

/** The metric values a report yields, by name; absent sources yield nothing (missing, not zero). */
export function reportValues(report: ProbeReport): Partial<Record<ProbeMetricName, number>> {
  const values: Partial<Record<ProbeMetricName, number>> = {};
  if (report.containerStarts.kind === 'measured') {
    const stats = report.containerStarts.value.startLatency;
    values[PROBE_METRICS.containerStarts] = stats?.count ?? 0;
    if (stats !== undefined) {
      values[PROBE_METRICS.containerStartLatencyP50] = stats.p50Ms;
      values[PROBE_METRICS.containerStartLatencyP90] = stats.p90Ms;
      values[PROBE_METRICS.containerStartLatencyMax] = stats.maxMs;
    }
  }
  if (report.active.kind === 'measured') values[PROBE_METRICS.activeContainerRunLatency] = report.active.value.totalMs;
  if (report.syncWrite.kind === 'measured') values[PROBE_METRICS.syncWriteLatency] = report.syncWrite.value.meanMsPerWrite;
  if (report.dState.kind === 'measured') values[PROBE_METRICS.dStateThreads] = report.dState.value.threads;
  return values;
}

/** PutMetricData datums for a report, stamped at the interval's end; [] when the volume or instance is unknown. */
export function buildMetricData(report: ProbeReport): ProbeDatum[] {
  if (report.volumeId === undefined || report.instanceId === undefined) return [];
  const dimensions = [
    { Name: PROBE_DIMENSIONS.volumeId, Value: report.volumeId },
    { Name: PROBE_DIMENSIONS.instanceId, Value: report.instanceId },
  ];
  const timestamp = new Date(report.intervalEndEpochSeconds * 1000);
  return Object.entries(reportValues(report)).map(([name, value]) => ({
    MetricName: name as ProbeMetricName,
    Dimensions: dimensions,
    Timestamp: timestamp,
    Unit: PROBE_METRIC_UNITS[name as ProbeMetricName],
    Value: value,
  }));
}

/**
 * One Embedded Metric Format line for the CloudWatch agent; undefined when the volume or instance
 * is unknown. Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function formatEmf(report: ProbeReport, namespace: string): string | undefined {
  if (report.volumeId === undefined || report.instanceId === undefined) return undefined;
  const values = reportValues(report);
  const names = Object.keys(values) as ProbeMetricName[];
  return JSON.stringify({
    _aws: {
      Timestamp: report.intervalEndEpochSeconds * 1000,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[PROBE_DIMENSIONS.volumeId, PROBE_DIMENSIONS.instanceId]],
          Metrics: names.map((name) => ({ Name: name, Unit: PROBE_METRIC_UNITS[name] })),
        },
      ],
    },
    [PROBE_DIMENSIONS.volumeId]: report.volumeId,
    [PROBE_DIMENSIONS.instanceId]: report.instanceId,
    ...values,
  });
}

/** A one-line human summary of a report. */
export function formatSummary(report: ProbeReport): string {
  const parts = [`${report.volumeId ?? 'volume ?'} on ${report.instanceId ?? 'instance ?'}`];
  const cs = report.containerStarts;
  if (cs.kind === 'measured') {
    const s = cs.value.startLatency;
    parts.push(s === undefined ? 'starts 0' : `starts ${s.count} p50 ${s.p50Ms} ms p90 ${s.p90Ms} ms max ${s.maxMs} ms`);
  } else parts.push(`starts ${cs.kind}`);
  if (report.active.kind === 'measured') parts.push(`active ${report.active.value.totalMs} ms`);
  if (report.syncWrite.kind === 'measured') parts.push(`sync-write ${report.syncWrite.value.meanMsPerWrite} ms/MiB`);
  if (report.dState.kind === 'measured') {
    const top = report.dState.value.top.map((t) => `${t.name}×${t.threads}`).join(' ');
    parts.push(`D-state ${report.dState.value.threads}${top === '' ? '' : ` (${top})`}`);
  }
  return parts.join(' | ');
}
