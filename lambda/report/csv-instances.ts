/**
 * The instance rows of the CSV report (issue 15 part 1): one `instance` row per EC2 instance whose
 * own EBS burst bucket was alerted on or refused a flip in the period, after every other row, in
 * the existing columns where they mean the same (`volume_id` holds the instance id, `alerts_sent`,
 * `recommendations` the latest fix, `monthly_cost_delta_usd` its monthly price difference) plus the
 * three columns appended for them (`instance_type`, `pages_sent`, `refused_flips`). Nothing here is
 * in the volumes' costs or the `total` row: the guardian never changes an instance.
 */
import type { FinanceReport } from '../core/report/report';
import { isoUtc } from './format';

type Row = Partial<Record<string, string>>;

/** The columns added for the instance rows, appended after all others. */
export const INSTANCE_CSV_COLUMNS: readonly string[] = ['instance_type', 'pages_sent', 'refused_flips'];

/** `instance` rows, most alerted first; none when the report has no instance section. */
export function instanceCsvRows(report: FinanceReport): Row[] {
  return (report.instances?.instances ?? []).map((i) => ({
    scope: 'instance',
    volume_id: i.instanceId,
    period_start: isoUtc(report.period.sinceEpochSeconds),
    period_end: isoUtc(report.period.untilEpochSeconds),
    alerts_sent: String(i.alertsSent),
    recommendations: i.fix?.text ?? '',
    resource_kind: 'instance',
    ...(i.fix?.monthlyDeltaUSD === undefined ? {} : { monthly_cost_delta_usd: i.fix.monthlyDeltaUSD.toFixed(4) }),
    account_id: i.accountId ?? '',
    region: i.region ?? '',
    instance_type: i.instanceType ?? '',
    pages_sent: String(i.pagesSent),
    refused_flips: String(i.refusedFlips),
  }));
}
