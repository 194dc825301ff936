import { describe, expect, it } from 'vitest';
import { breakDown, labelsFromHistory } from '../../../lambda/core/report/breakdown';
import { buildFinanceReport } from '../../../lambda/core/report/report';
import { renderBreakdownTable } from '../../../lambda/report/breakdown';
import { CSV_COLUMNS, renderReportCsv } from '../../../lambda/report/csv';
import { renderHtmlReport } from '../../../lambda/report/html';
import { renderReportTable } from '../../../lambda/report/table';
import { designPrices } from './report-fixtures';
import { rdsAlert, rdsChange } from '../../fixtures/history/rds';
import { handComputedHistory, OCT_1, SEP_1, DEC_1 } from '../../fixtures/history/seed';
import { parseCsv } from '../../report/cli-harness';

const T0 = 1_800_000_000;
const period = { sinceEpochSeconds: T0 - 86_400, untilEpochSeconds: T0 + 86_400 };
const rdsRescue = rdsChange('orders-db', T0);

describe('finance report with RDS DB instances', () => {
  const report = buildFinanceReport({ period, generatedAtEpochSeconds: T0 + 86_400, priceMonthlyUSD: designPrices, priceSource: 'test', events: [rdsAlert('orders-db', T0 - 600)], modifications: [rdsRescue] });

  it('keeps RDS storage changes out of the volumes and their EBS costs', () => {
    expect(report.volumes).toEqual([]);
    expect(report.totals.cost.actualUSD).toBe(0);
  });

  it('lists each storage change with account, region, from/to type, size, status and cost, and counts RDS alerts', () => {
    expect(report.rds).toEqual({
      alertsSent: 1,
      changes: [{
        identifier: 'orders-db', engine: 'postgres', accountId: '123456789012', region: 'us-east-1', requestedEpochSeconds: T0, status: 'completed', dryRun: false,
        fromStorageType: 'gp2', toStorageType: 'gp3', sizeGiB: 100, monthlyCostDeltaUSD: 0, reason: 'forecast empty in 32 min',
      }],
    });
  });

  it('renders an RDS section in the table', () => {
    const text = renderReportTable(report);
    expect(text).toContain('RDS DB instances: 1 storage change(s) asked for, 1 alert(s) sent');
    expect(text).toMatch(/orders-db +postgres +123456789012 +us-east-1 +2027-01-15T08:00:00Z +gp2→gp3 +100 +completed +0\.00/);
    // Only DB instances in the period: one line instead of an empty per-volume table.
    expect(text).toContain('\nPer volume: no volume modifications in the period\n');
    expect(text).not.toMatch(/^volume +GiB/m);
  });

  it('says in one line, in the HTML too, that no volume was modified, instead of an empty volume table', () => {
    const html = renderHtmlReport(report);
    expect(html).toContain('<p class="note" id="no-volumes">No volume modifications in the period.</p>');
    expect(html).not.toContain('<table id="volumes">');
  });

  it('has no RDS section when there is nothing about RDS', () => {
    expect(buildFinanceReport({ period, generatedAtEpochSeconds: T0, priceMonthlyUSD: designPrices, priceSource: 'test', events: [], modifications: [] }).rds).toBeUndefined();
  });
});

describe('RDS rows in the CSV and the HTML', () => {
  const volumes = handComputedHistory();
  const build = (rds: boolean) => buildFinanceReport({
    period: { sinceEpochSeconds: SEP_1, untilEpochSeconds: DEC_1 }, generatedAtEpochSeconds: DEC_1, priceMonthlyUSD: designPrices, priceSource: 'test',
    events: [...volumes.events, ...(rds ? [rdsAlert('orders-db', OCT_1), rdsAlert('billing-db', OCT_1 + 60)] : [])],
    modifications: [
      ...volumes.modifications,
      ...(rds ? [
        rdsChange('orders-db', OCT_1 + 600, { monthlyCostDeltaUSD: 2.5, hourlyCostDeltaUSD: 2.5 / 730 }),
        rdsChange('billing-db', OCT_1 + 900, { status: 'dry-run', dryRun: true, monthlyCostDeltaUSD: 9, reason: 'forecast, "quoted", empty' }),
        rdsChange('ledger-db', OCT_1 + 1200, { status: 'rejected', statusMessage: 'InvalidParameterCombination' }),
      ] : []),
    ],
  });
  const withRds = parseCsv(renderReportCsv(build(true)));
  const without = parseCsv(renderReportCsv(build(false)));

  it('leaves every volume, month and total row as it was, with resource_kind volume', () => {
    const older = CSV_COLUMNS.slice(0, CSV_COLUMNS.indexOf('resource_kind'));
    const pick = (row: Record<string, string>) => Object.fromEntries(older.map((c) => [c, row[c]]));
    const kept = withRds.filter((r) => r.resource_kind === 'volume');
    expect(kept.map(pick)).toEqual(without.map(pick));
    expect(kept.map((r) => r.scope)).toEqual(without.map((r) => r.scope));
    expect(new Set(without.map((r) => r.resource_kind))).toEqual(new Set(['volume']));
  });

  it('adds one rds row per storage change, in the existing columns where they mean the same, and an rds_total row', () => {
    const rds = withRds.filter((r) => r.resource_kind === 'rds');
    expect(rds.map((r) => [r.scope, r.volume_id, r.status, r.original_type, r.final_type, r.rescues, r.dry_run, r.failed, r.monthly_cost_delta_usd])).toEqual([
      ['rds', 'rds:orders-db', 'completed', 'gp2', 'gp3', '1', '0', '0', '2.5000'],
      ['rds', 'rds:billing-db', 'dry-run', 'gp2', 'gp2', '0', '1', '0', '9.0000'],
      ['rds', 'rds:ledger-db', 'rejected', 'gp2', 'gp2', '0', '0', '1', '0.0000'],
      // Only the applied change adds to the bill: $2.50/month.
      ['rds_total', '', '', '', '', '1', '1', '1', '2.5000'],
    ]);
    expect(rds[0]).toMatchObject({ requested_at: '2026-10-01T00:10:00Z', engine: 'postgres', account_id: '123456789012', region: 'us-east-1', size_gib: '100', actual_usd: '' });
    expect(rds[1]?.reasons).toBe('forecast, "quoted", empty');
    expect(rds[3]?.alerts_sent).toBe('2');
  });

  it('shows an RDS table in the HTML, and none without RDS records', () => {
    const html = renderHtmlReport(build(true));
    expect(html).toContain('<h2>RDS DB instances</h2>');
    expect(html).toContain('3 storage change(s) asked for, 2 alert(s) sent.');
    expect(html.match(/<table id="rds">.*?<\/table>/s)?.[0].match(/<tr>/g)).toHaveLength(4);
    expect(html).toContain('<td>dry-run</td>');
    expect(renderHtmlReport(build(false))).not.toContain('id="rds"');
  });
});

describe('RDS storage changes in the --by breakdown', () => {
  const A = '111111111111';
  const B = '222222222222';
  const modifications = [
    rdsChange('orders-db', T0, { accountId: A, monthlyCostDeltaUSD: 2.5 }),
    rdsChange('billing-db', T0 + 60, { accountId: B, region: 'eu-west-1', monthlyCostDeltaUSD: 1 }),
    rdsChange('ledger-db', T0 + 120, { accountId: A, status: 'rejected', monthlyCostDeltaUSD: 7 }), // refused: adds nothing
    rdsChange('old-db', T0 + 180, { accountId: undefined, region: undefined, monthlyCostDeltaUSD: 0.25 }), // written before accounts were stamped
  ];
  const events = [{ ...rdsAlert('orders-db', T0 - 60), details: { tags: { team: 'payments' } } }, { ...rdsAlert('billing-db', T0 - 60), details: { tags: { team: 'bi' } } }];
  const report = buildFinanceReport({ period, generatedAtEpochSeconds: T0 + 86_400, priceMonthlyUSD: designPrices, priceSource: 'test', events, modifications });
  const labels = labelsFromHistory(events, modifications);
  const rows = (by: Parameters<typeof breakDown>[2]) => {
    const b = breakDown(report, labels, by);
    return [...b.groups, b.total].map((g) => [g.key, g.volumes, g.rdsStorageChanges, g.rdsMonthlyCostDeltaUSD]);
  };

  it('counts each accepted change in its account, region or tag group, and the groups add up to the total', () => {
    expect(rows({ kind: 'account' })).toEqual([
      // No volume costs anything here, so the groups sort by key.
      ['(unknown)', 0, 1, 0.25], [A, 0, 1, 2.5], [B, 0, 1, 1], ['total', 0, 3, 3.75],
    ]);
    expect(rows({ kind: 'region' })).toEqual([
      ['(unknown)', 0, 1, 0.25], ['eu-west-1', 0, 1, 1], ['us-east-1', 0, 1, 2.5], ['total', 0, 3, 3.75],
    ]);
    expect(rows({ kind: 'tag', tagKey: 'team' })).toEqual([
      ['(unknown)', 0, 1, 0.25], ['bi', 0, 1, 1], ['payments', 0, 1, 2.5], ['total', 0, 3, 3.75],
    ]);
  });

  it('adds the RDS columns last in the rendered breakdown, and none without DB instances', () => {
    expect(renderBreakdownTable(breakDown(report, labels, { kind: 'account' }))).toMatch(/organization total +0 +0 +0 +0\.00 +0\.00 +0\.00 +0 +0 +3 +3\.75\n$/);
    const volumesOnly = buildFinanceReport({ period, generatedAtEpochSeconds: T0, priceMonthlyUSD: designPrices, priceSource: 'test', events: [], modifications: [] });
    expect(renderBreakdownTable(breakDown(volumesOnly, new Map(), { kind: 'account' }))).not.toContain('RDS');
  });
});
