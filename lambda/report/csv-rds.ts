/**
 * The RDS rows of the CSV report (issue 15 part 2): one `rds` row per storage change the guardian
 * asked RDS for in the period and one `rds_total` row, in the same columns as the volume rows, so a
 * spreadsheet or parser reading the existing columns keeps working (docs/report.md, "CSV"). Their
 * cost is the monthly RDS storage delta (`monthly_cost_delta_usd`), never in the volumes' EBS costs
 * or the `total` row.
 */
import type { FinanceReport } from '../core/report/report';
import type { RdsReport, RdsStorageChangeLine } from '../core/report/rds';
import { isoUtc } from './format';

type Row = Partial<Record<string, string>>;

/** Statuses at which RDS accepted the storage change (as for volumes: modifying, optimizing, completed). */
const APPLIED = new Set(['modifying', 'optimizing', 'completed']);

/** The count column a change's status adds one to, in the volume rows' vocabulary. */
function countColumn(c: RdsStorageChangeLine): string {
  if (APPLIED.has(c.status)) return 'rescues';
  if (c.status === 'failed' || c.status === 'rejected') return 'failed';
  if (c.status === 'dry-run') return 'dry_run';
  if (c.status === 'not-sent') return 'not_sent';
  if (c.status === 'volume-deleted') return 'volume_deleted';
  return 'unconfirmed';
}

const COUNT_COLUMNS = ['rescues', 'failed', 'dry_run', 'unconfirmed', 'not_sent', 'volume_deleted'] as const;

function counts(changes: readonly RdsStorageChangeLine[]): Row {
  return Object.fromEntries(COUNT_COLUMNS.map((col) => [col, String(changes.filter((c) => countColumn(c) === col).length)]));
}

function changeRow(report: FinanceReport, c: RdsStorageChangeLine): Row {
  return {
    scope: 'rds',
    volume_id: `rds:${c.identifier}`,
    period_start: isoUtc(report.period.sinceEpochSeconds),
    period_end: isoUtc(report.period.untilEpochSeconds),
    size_gib: String(c.sizeGiB),
    original_type: c.fromStorageType,
    final_type: APPLIED.has(c.status) ? c.toStorageType : c.fromStorageType,
    ...counts([c]),
    reverts: '0',
    reasons: c.reason,
    resource_kind: 'rds',
    requested_at: isoUtc(c.requestedEpochSeconds),
    status: c.status,
    monthly_cost_delta_usd: c.monthlyCostDeltaUSD.toFixed(4),
    engine: c.engine ?? '',
    account_id: c.accountId ?? '',
    region: c.region ?? '',
  };
}

/** `rds` rows (one per storage change, oldest first) and the `rds_total` row; none when the report has no RDS section. */
export function rdsCsvRows(report: FinanceReport): Row[] {
  const rds: RdsReport | undefined = report.rds;
  if (rds === undefined) return [];
  const applied = rds.changes.filter((c) => APPLIED.has(c.status));
  return [
    ...rds.changes.map((c) => changeRow(report, c)),
    {
      scope: 'rds_total',
      period_start: isoUtc(report.period.sinceEpochSeconds),
      period_end: isoUtc(report.period.untilEpochSeconds),
      ...counts(rds.changes),
      reverts: '0',
      alerts_sent: String(rds.alertsSent),
      resource_kind: 'rds',
      // What the applied changes add to the monthly bill (dry runs and failures changed nothing).
      monthly_cost_delta_usd: applied.reduce((sum, c) => sum + c.monthlyCostDeltaUSD, 0).toFixed(4),
    },
  ];
}
