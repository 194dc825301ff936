/**
 * The report as CSV for spreadsheets (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180): CRLF line
 * ends, a header row, fields with a comma, quote or line break quoted and quotes doubled; times
 * ISO-8601 UTC; numbers plain (dot decimal, no currency symbol, no thousands separator). One table:
 * a `volume` row per volume, a `month` row per calendar month (fleet costs), one `total` row, then
 * the RDS DB instances' `rds` rows and their `rds_total` (csv-rds.ts), then the EC2 instances'
 * `instance` rows (csv-instances.ts), told apart by `resource_kind`.
 */
import type { FinanceReport, ReasonCount, VolumeReport } from '../core/report/report';
import type { PreventedThrottling } from '../core/report/types';
import { splitByMonth } from '../core/report/calendar';
import type { VolumeType } from '../core/types';
import { rdsCsvRows } from './csv-rds';
import { instanceCsvRows, INSTANCE_CSV_COLUMNS } from './csv-instances';
import { isoUtc } from './format';
import { netOfRunningCost } from './running-cost';

/** Types with an hours column, fixed so the columns never move between reports. */
const HOUR_TYPES: readonly VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1'];

/** The header row, in order. */
export const CSV_COLUMNS: readonly string[] = [
  'scope', 'month', 'volume_id', 'period_start', 'period_end', 'size_gib', 'original_type', 'final_type',
  'rescues', 'reverts', 'failed', 'dry_run', 'unconfirmed',
  ...HOUR_TYPES.map((t) => `hours_${t}`),
  'actual_usd', 'unaided_usd', 'all_gp3_usd', 'saved_vs_unaided_usd',
  'prevented_throttling_hours', 'prevented_episodes', 'deferred_ios', 'alerts_sent',
  'recommended_monthly_savings_usd', 'recommendations', 'reasons',
  // Added later, at the end so earlier columns keep their place.
  'not_sent', 'volume_deleted', 'external_modifications',
  // How `prevented_throttling_hours` was obtained: `replay`, `estimate`, `mixed` or `none`, and its two parts.
  'prevented_basis', 'prevented_replayed_hours', 'prevented_replayed_if_steady_hours', 'prevented_estimated_hours',
  // The guardian's own running cost and the saving net of it (total row only; empty without recorded usage).
  'running_cost_usd', 'net_of_running_cost_usd',
  // RDS DB instances (issue 15 part 2): `volume` or `rds` on every row, and the storage change's
  // request time, status, monthly RDS storage cost delta, engine, account and region on `rds` rows.
  'resource_kind', 'requested_at', 'status', 'monthly_cost_delta_usd', 'engine', 'account_id', 'region',
  // EC2 instances' own EBS buckets (issue 15 part 1, csv-instances.ts): set on `instance` rows only.
  ...INSTANCE_CSV_COLUMNS,
];

/** Quotes a field when RFC 4180 requires it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

type Row = Partial<Record<string, string>>;

const money = (usd: number): string => usd.toFixed(4);
const hoursOf = (seconds: number): string => (seconds / 3_600).toFixed(2);

function reasonsText(reasons: readonly ReasonCount[]): string {
  return reasons.map((r) => `${r.kind} ${r.reason}=${r.count}`).join('; ');
}

function costCells(cost: { actualUSD: number; unaidedUSD: number; allGp3USD: number } | undefined): Row {
  if (cost === undefined) return {};
  return {
    actual_usd: money(cost.actualUSD),
    unaided_usd: money(cost.unaidedUSD),
    all_gp3_usd: money(cost.allGp3USD),
    saved_vs_unaided_usd: money(cost.unaidedUSD - cost.actualUSD),
  };
}

function preventedCells(p: PreventedThrottling): Row {
  return {
    prevented_basis: p.basis,
    prevented_replayed_hours: hoursOf(p.replay.seconds),
    prevented_replayed_if_steady_hours: hoursOf(p.replay.secondsIfSteady),
    prevented_estimated_hours: hoursOf(p.estimate.seconds),
  };
}

function volumeRow(report: FinanceReport, v: VolumeReport): Row {
  const savings = v.recommendations.filter((r) => r.kind !== 'recorded').reduce((s, r) => s + Math.max(0, r.monthlySavingsUSD ?? 0), 0);
  return {
    scope: 'volume',
    volume_id: v.volumeId,
    period_start: isoUtc(report.period.sinceEpochSeconds),
    period_end: isoUtc(report.period.untilEpochSeconds),
    size_gib: v.sizeGiB === undefined ? '' : String(v.sizeGiB),
    original_type: v.originalType ?? '',
    final_type: v.finalType ?? '',
    rescues: String(v.modifications.rescue),
    reverts: String(v.modifications.revert),
    failed: String(v.modifications.failed),
    dry_run: String(v.modifications.dryRun),
    unconfirmed: String(v.modifications.unconfirmed),
    ...Object.fromEntries(HOUR_TYPES.map((t) => [`hours_${t}`, hoursOf(v.secondsByType[t] ?? 0)])),
    ...costCells(v.cost),
    prevented_throttling_hours: hoursOf(v.preventedThrottling.seconds),
    prevented_episodes: String(v.preventedThrottling.episodes),
    deferred_ios: String(Math.round(v.preventedThrottling.deferredIos)),
    ...preventedCells(v.preventedThrottling),
    alerts_sent: String(v.alertsSent),
    recommended_monthly_savings_usd: money(savings),
    recommendations: v.recommendations.map((r) => r.summary).join('; '),
    reasons: reasonsText(v.reasons),
    not_sent: String(v.modifications.notSent),
    volume_deleted: String(v.modifications.volumeDeleted),
    external_modifications: String(v.modifications.external),
    resource_kind: 'volume',
  };
}

function monthRows(report: FinanceReport): Row[] {
  const slices = splitByMonth(report.period.sinceEpochSeconds, report.period.untilEpochSeconds);
  return report.months.map((m) => {
    const slice = slices.find((s) => s.month === m.month);
    return {
      scope: 'month',
      month: m.month,
      period_start: slice === undefined ? '' : isoUtc(slice.startEpochSeconds),
      period_end: slice === undefined ? '' : isoUtc(slice.endEpochSeconds),
      ...costCells(m),
      resource_kind: 'volume',
    };
  });
}

function totalRow(report: FinanceReport): Row {
  const t = report.totals;
  return {
    scope: 'total',
    period_start: isoUtc(report.period.sinceEpochSeconds),
    period_end: isoUtc(report.period.untilEpochSeconds),
    rescues: String(t.modifications.rescue),
    reverts: String(t.modifications.revert),
    failed: String(t.modifications.failed),
    dry_run: String(t.modifications.dryRun),
    unconfirmed: String(t.modifications.unconfirmed),
    ...Object.fromEntries(HOUR_TYPES.map((ty) => [`hours_${ty}`, hoursOf(t.secondsByType[ty] ?? 0)])),
    ...costCells(t.cost),
    prevented_throttling_hours: hoursOf(t.preventedThrottling.seconds),
    prevented_episodes: String(t.preventedThrottling.episodes),
    deferred_ios: String(Math.round(t.preventedThrottling.deferredIos)),
    ...preventedCells(t.preventedThrottling),
    alerts_sent: String(t.alertsSent),
    recommended_monthly_savings_usd: money(t.recommendedMonthlySavingsUSD),
    reasons: reasonsText(t.reasons),
    not_sent: String(t.modifications.notSent),
    volume_deleted: String(t.modifications.volumeDeleted),
    external_modifications: String(t.modifications.external),
    ...runningCostCells(report),
    resource_kind: 'volume',
  };
}

/** The running cost and the saving net of it, when the period holds recorded usage. */
function runningCostCells(report: FinanceReport): Row {
  const net = netOfRunningCost(report);
  return net === undefined || report.runningCost === undefined ? {} : { running_cost_usd: money(report.runningCost.total.totalUSD), net_of_running_cost_usd: money(net) };
}

/** Renders the report as one RFC 4180 table (CRLF line ends, trailing CRLF). */
export function renderReportCsv(report: FinanceReport): string {
  const rows = [...report.volumes.map((v) => volumeRow(report, v)), ...monthRows(report), totalRow(report), ...rdsCsvRows(report), ...instanceCsvRows(report)];
  const lines = [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((c) => csvField(row[c] ?? '')).join(','))];
  return lines.join('\r\n') + '\r\n';
}
