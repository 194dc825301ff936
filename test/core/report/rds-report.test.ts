import { describe, expect, it } from 'vitest';
import type { HistoryEvent, ModificationRecord } from '../../../lambda/core/ports';
import { buildFinanceReport } from '../../../lambda/core/report/report';
import { renderReportTable } from '../../../lambda/report/table';
import { designPrices } from './report-fixtures';

const T0 = 1_800_000_000;
const period = { sinceEpochSeconds: T0 - 86_400, untilEpochSeconds: T0 + 86_400 };

const rdsRescue: ModificationRecord = {
  volumeId: 'rds:orders-db', modificationId: `${T0}#rescue`, kind: 'rescue', source: 'guardian', requestedEpochSeconds: T0, status: 'completed',
  from: { type: 'gp2' }, to: { type: 'gp3' }, sizeGiB: 100, reason: 'forecast empty in 32 min', dryRun: false, hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0,
  runId: 'r1', resource: { kind: 'rds', identifier: 'orders-db', engine: 'postgres' }, accountId: '123456789012', region: 'us-east-1',
};
const rdsAlert: HistoryEvent = { volumeId: 'rds:orders-db', tEpochSeconds: T0 - 600, kind: 'alert', runId: 'r0', summary: 'draining', details: {}, resource: { kind: 'rds', identifier: 'orders-db' } };

describe('finance report with RDS DB instances', () => {
  const report = buildFinanceReport({ period, generatedAtEpochSeconds: T0 + 86_400, priceMonthlyUSD: designPrices, priceSource: 'test', events: [rdsAlert], modifications: [rdsRescue] });

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
  });

  it('has no RDS section when there is nothing about RDS', () => {
    expect(buildFinanceReport({ period, generatedAtEpochSeconds: T0, priceMonthlyUSD: designPrices, priceSource: 'test', events: [], modifications: [] }).rds).toBeUndefined();
  });
});
