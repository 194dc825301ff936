/**
 * The scan report as Powertools metrics and one summary log line. Metric names for alarms and the
 * dashboard come from `lambda/shared/guardian-metric-names.ts` (docs/deploy.md, "Metrics the handlers must emit").
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { GUARDIAN_METRICS } from '../shared/guardian-metric-names';
import type { ScanReport } from '../core/scan/types';

/** Metrics the handlers emit on top of the alarm/dashboard contract of `lambda/shared/guardian-metric-names.ts`. */
export const SCAN_DETAIL_METRICS = {
  volumesScanned: 'VolumesScanned',
  alerts: 'Alerts',
  rescues: 'Rescues',
  reverts: 'Reverts',
  scanDuration: 'ScanDurationMs',
} as const;

/**
 * Adds the report's metrics to `metrics` (the caller publishes). `SecondsToEmpty` is emitted only
 * for draining or empty managed volumes, one single-metric datum each with the `VolumeId` dimension, so the number of
 * custom-metric series stays bounded by the volumes actually at risk (each series costs money:
 * https://aws.amazon.com/cloudwatch/pricing/).
 */
export function addScanMetrics(metrics: Metrics, report: ScanReport, options: { readonly durationMs: number; readonly heartbeat: boolean }): void {
  const modificationsRequested = report.results.filter((r) => r.action === 'modified' || r.action === 'dry-run').length;
  if (options.heartbeat) metrics.addMetric(GUARDIAN_METRICS.scanSucceeded, MetricUnit.Count, 1);
  metrics.addMetric(GUARDIAN_METRICS.modificationsRequested, MetricUnit.Count, modificationsRequested);
  metrics.addMetric(GUARDIAN_METRICS.alertsSent, MetricUnit.Count, report.counts.notifications);
  metrics.addMetric(GUARDIAN_METRICS.volumeErrors, MetricUnit.Count, report.counts.errors);
  metrics.addMetric(SCAN_DETAIL_METRICS.volumesScanned, MetricUnit.Count, report.volumesScanned);
  metrics.addMetric(SCAN_DETAIL_METRICS.alerts, MetricUnit.Count, report.counts.alerts);
  metrics.addMetric(SCAN_DETAIL_METRICS.rescues, MetricUnit.Count, report.counts.rescues);
  metrics.addMetric(SCAN_DETAIL_METRICS.reverts, MetricUnit.Count, report.counts.reverts);
  metrics.addMetric(SCAN_DETAIL_METRICS.scanDuration, MetricUnit.Milliseconds, options.durationMs);
  for (const result of report.results) {
    const seconds = secondsToEmptyOf(result);
    if (seconds === undefined) continue;
    const single = metrics.singleMetric();
    single.addDimension('VolumeId', result.volume.volumeId);
    single.addMetric(GUARDIAN_METRICS.secondsToEmpty, MetricUnit.Seconds, seconds);
  }
}

/** Seconds to empty of a managed volume at risk: the forecast while draining, 0 when empty now; else none. */
export function secondsToEmptyOf(result: ScanReport['results'][number]): number | undefined {
  if (result.decision.kind === 'skip') return undefined;
  if (result.forecast.kind === 'draining') return Math.max(0, Math.round(result.forecast.secondsToEmpty));
  return result.forecast.kind === 'empty' ? 0 : undefined;
}

/** A summary of the report for one structured log line (no per-volume detail beyond failures). */
export function summarizeReport(report: ScanReport, durationMs: number): Record<string, unknown> {
  return {
    runId: report.runId,
    dryRun: report.dryRun,
    volumesScanned: report.volumesScanned,
    reconciled: report.reconciled,
    metricsRequested: report.metricsRequested,
    counts: report.counts,
    durationMs,
    errors: report.errors.slice(0, 50),
    actions: report.results
      .filter((r) => r.action !== 'none')
      .map((r) => ({ volumeId: r.volume.volumeId, decision: r.decision.kind, action: r.action, ...(r.error ? { error: r.error } : {}) })),
  };
}

