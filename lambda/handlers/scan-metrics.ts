/**
 * The scan report as Powertools metrics and one summary log line. Metric names for alarms and the
 * dashboard come from `lambda/shared/guardian-metric-names.ts` (docs/deploy.md, "Metrics the handlers must emit").
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { GUARDIAN_METRICS, GUARDIAN_STAGE_ERROR_METRICS, GUARDIAN_STAGES, type GuardianStage } from '../shared/guardian-metric-names';
import type { ScanError, ScanReport } from '../core/scan/types';

/** Metrics the handlers emit on top of the alarm/dashboard contract of `lambda/shared/guardian-metric-names.ts`. */
export const SCAN_DETAIL_METRICS = {
  volumesScanned: 'VolumesScanned',
  alerts: 'Alerts',
  rescues: 'Rescues',
  reverts: 'Reverts',
  scanDuration: 'ScanDurationMs',
} as const;

/**
 * Which alarm a scan error belongs to. `decide` is DescribeVolumesModifications read while deciding
 * a modification; `act` is ModifyVolume and its intent; `record` is any history read or write. A
 * stage added to `ScanError` must be placed here (the Record type makes tsc say so).
 */
export const STAGE_OF_SCAN_ERROR: Readonly<Record<ScanError['stage'], GuardianStage>> = {
  reconcile: 'reconcile',
  inventory: 'inventory',
  metrics: 'metrics',
  decide: 'modify',
  act: 'modify',
  notify: 'notify',
  record: 'history',
};

/** Errors per guardian stage; every stage present, zero when clean. */
export function countStageErrors(errors: readonly ScanError[]): Record<GuardianStage, number> {
  const counts = Object.fromEntries(GUARDIAN_STAGES.map((stage) => [stage, 0])) as Record<GuardianStage, number>;
  for (const error of errors) counts[STAGE_OF_SCAN_ERROR[error.stage]]++;
  return counts;
}

/** Adds one `<Stage>Errors` datum per stage that had errors (silence means none: see `GUARDIAN_STAGE_ERROR_METRICS`); returns how many. */
export function addStageErrorMetrics(metrics: Pick<ScanMetricsSink, 'addMetric'>, errors: readonly ScanError[]): number {
  let added = 0;
  for (const [stage, count] of Object.entries(countStageErrors(errors)) as [GuardianStage, number][]) {
    if (count === 0) continue;
    metrics.addMetric(GUARDIAN_STAGE_ERROR_METRICS[stage], MetricUnit.Count, count);
    added++;
  }
  return added;
}

/**
 * Adds the report's metrics to `metrics` (the caller publishes). `SecondsToEmpty` is one datum a
 * scan, the shortest time to empty among the managed volumes at risk, and only when there is one:
 * every metric name × dimension values is a custom metric billed by the hour
 * (https://aws.amazon.com/cloudwatch/pricing/), so a `VolumeId` dimension cost $0.30 a month per
 * volume at risk, and no alarm reads it (issue 12). Each volume's figure is in the scan's log line
 * (`atRisk`, `summarizeReport`).
 * Returns the number of custom metric series it emitted (one per name in the shared flush), which the
 * guardian's running cost counts.
 */
export function addScanMetrics(metrics: ScanMetricsSink, report: ScanReport, options: ScanMetricOptions): number {
  const names = new Set<string>();
  const add = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void => {
    metrics.addMetric(name, unit, value);
    names.add(name);
  };
  const modificationsRequested = report.results.filter((r) => r.action === 'modified' || r.action === 'dry-run').length;
  if (options.heartbeat) add(GUARDIAN_METRICS.scanSucceeded, MetricUnit.Count, 1);
  add(GUARDIAN_METRICS.modificationsRequested, MetricUnit.Count, modificationsRequested);
  add(GUARDIAN_METRICS.alertsSent, MetricUnit.Count, options.notificationsPublished ?? report.counts.notifications);
  add(GUARDIAN_METRICS.volumeErrors, MetricUnit.Count, report.counts.errors);
  const stageSeries = addStageErrorMetrics(metrics, report.errors);
  add(SCAN_DETAIL_METRICS.volumesScanned, MetricUnit.Count, report.volumesScanned);
  add(GUARDIAN_METRICS.volumesDeferred, MetricUnit.Count, report.volumesDeferred ?? 0);
  add(SCAN_DETAIL_METRICS.alerts, MetricUnit.Count, report.counts.alerts);
  add(SCAN_DETAIL_METRICS.rescues, MetricUnit.Count, report.counts.rescues);
  add(SCAN_DETAIL_METRICS.reverts, MetricUnit.Count, report.counts.reverts);
  add(SCAN_DETAIL_METRICS.scanDuration, MetricUnit.Milliseconds, options.durationMs);
  const shortest = volumesAtRisk(report)[0];
  if (shortest !== undefined) add(GUARDIAN_METRICS.secondsToEmpty, MetricUnit.Seconds, shortest.secondsToEmpty);
  return names.size + stageSeries;
}

/** Where `addScanMetrics` puts its datums: Powertools `Metrics`, or a counter (the simulated organization). */
export interface ScanMetricsSink {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  singleMetric(): { addDimension(name: string, value: string): unknown; addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown };
}

const COUNTING_SINK: ScanMetricsSink = { addMetric: () => undefined, singleMetric: () => ({ addDimension: () => undefined, addMetric: () => undefined }) };

/** The custom metric series `addScanMetrics` would emit for this run, without emitting anything. */
export function countScanMetricSeries(report: ScanReport, options: ScanMetricOptions): number {
  return addScanMetrics(COUNTING_SINK, report, options);
}

/** The managed volumes at risk with their seconds to empty, soonest first. */
export function volumesAtRisk(report: ScanReport): { volumeId: string; secondsToEmpty: number; decision: string }[] {
  const atRisk: { volumeId: string; secondsToEmpty: number; decision: string }[] = [];
  for (const result of report.results) {
    const seconds = secondsToEmptyOf(result);
    if (seconds !== undefined) atRisk.push({ volumeId: result.volume.volumeId, secondsToEmpty: seconds, decision: result.decision.kind });
  }
  return atRisk.sort((a, b) => a.secondsToEmpty - b.secondsToEmpty);
}

/** How the handler judged the run. */
export interface ScanMetricOptions {
  readonly durationMs: number;
  /** Emit `ScanSucceeded`: a scheduled run that watched (`assessScanWatch`). */
  readonly heartbeat: boolean;
  /** Publish calls that succeeded, as the notifier port counted them. @default - notifications attempted */
  readonly notificationsPublished?: number;
}

/** Decisions that mean "at risk": within the alert horizon or floor, being rescued, or a rescue blocked. */
const AT_RISK = new Set(['alert', 'rescue', 'blocked']);

/** Seconds to empty of a managed volume at risk (alerted on, rescued or blocked): the forecast while draining, 0 when empty now; else none. */
export function secondsToEmptyOf(result: ScanReport['results'][number]): number | undefined {
  if (!AT_RISK.has(result.decision.kind)) return undefined;
  if (result.forecast.kind === 'draining') return Math.max(0, Math.round(result.forecast.secondsToEmpty));
  return result.forecast.kind === 'empty' ? 0 : undefined;
}

/** Volumes at risk listed in the log line, soonest first (the rest are counted). */
const AT_RISK_LOGGED = 200;

/** A summary of the report for one structured log line (per volume: failures, actions and the volumes at risk). */
export function summarizeReport(report: ScanReport, durationMs: number): Record<string, unknown> {
  const atRisk = volumesAtRisk(report);
  return {
    runId: report.runId,
    dryRun: report.dryRun,
    volumesScanned: report.volumesScanned,
    volumesDeferred: report.volumesDeferred ?? 0,
    reconciled: report.reconciled,
    metricsRequested: report.metricsRequested,
    counts: report.counts,
    durationMs,
    errors: report.errors.slice(0, 50),
    volumesAtRisk: atRisk.length,
    atRisk: atRisk.slice(0, AT_RISK_LOGGED),
    actions: report.results
      .filter((r) => r.action !== 'none')
      .map((r) => ({ volumeId: r.volume.volumeId, decision: r.decision.kind, action: r.action, ...(r.error ? { error: r.error } : {}) })),
  };
}

