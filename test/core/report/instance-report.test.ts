import { describe, expect, it } from 'vitest';
import { buildFinanceReport } from '../../../lambda/core/report/report';
import { CSV_COLUMNS, renderReportCsv } from '../../../lambda/report/csv';
import { renderHtmlReport } from '../../../lambda/report/html';
import { renderReportJson } from '../../../lambda/report/json';
import { renderReportTable } from '../../../lambda/report/table';
import { instanceAlert, refusedFlip } from '../../fixtures/history/instances';
import { designPrices } from './report-fixtures';
import { parseCsv } from '../../report/cli-harness';

const T0 = 1_800_000_000;
const period = { sinceEpochSeconds: T0 - 86_400, untilEpochSeconds: T0 + 86_400 };
const HOST = 'i-0123456789abcdef0';
const OTHER = 'i-0fedcba9876543210';
const events = [
  instanceAlert(HOST, T0 - 3_600, { severity: 'warning', balancePercent: 48 }),
  instanceAlert(HOST, T0 - 1_800, { severity: 'critical', balancePercent: 22.5 }),
  refusedFlip('vol-0aaaaaaaaaaaaaaa1', HOST, T0 - 1_500),
  refusedFlip('vol-0aaaaaaaaaaaaaaa2', HOST, T0 - 1_200),
  instanceAlert(OTHER, T0 - 600, { severity: 'warning', balancePercent: 60, volumeId: 'vol-0bbbbbbbbbbbbbbb1' }),
  // Outside the period: neither counted nor listed.
  instanceAlert(HOST, T0 + 2 * 86_400, { severity: 'critical', balancePercent: 1 }),
  refusedFlip('vol-0aaaaaaaaaaaaaaa1', HOST, T0 - 2 * 86_400),
];
const report = buildFinanceReport({ period, generatedAtEpochSeconds: T0 + 86_400, priceMonthlyUSD: designPrices, priceSource: 'test', events, modifications: [] });

describe('finance report: instance EBS buckets', () => {
  it('lists each instance with its alerts, pages, refused flips, lowest balance, volumes and the latest fix, most alerted first', () => {
    expect(report.instances).toEqual({
      alertsSent: 3,
      refusedFlips: 2,
      instances: [
        {
          instanceId: HOST, instanceType: 't3.medium', accountId: '123456789012', region: 'us-east-1', alertsSent: 2, pagesSent: 1, refusedFlips: 2,
          volumeIds: ['vol-0aaaaaaaaaaaaaaa1', 'vol-0aaaaaaaaaaaaaaa2'], firstAlertEpochSeconds: T0 - 3_600, lastAlertEpochSeconds: T0 - 1_800, lowestBalancePercent: 22.5,
          fix: { instanceType: 'c5.xlarge', burstable: true, monthlyDeltaUSD: 93.44, text: 'c5.xlarge (burstable, baseline covers the drain), +$93.44/month' },
        },
        {
          instanceId: OTHER, instanceType: 't3.medium', accountId: '123456789012', region: 'us-east-1', alertsSent: 1, pagesSent: 0, refusedFlips: 0,
          volumeIds: ['vol-0bbbbbbbbbbbbbbb1'], firstAlertEpochSeconds: T0 - 600, lastAlertEpochSeconds: T0 - 600, lowestBalancePercent: 60,
          fix: { instanceType: 'c5.xlarge', burstable: true, monthlyDeltaUSD: 93.44, text: 'c5.xlarge (burstable, baseline covers the drain), +$93.44/month' },
        },
      ],
    });
  });

  it('keeps instance alerts out of the volumes and their alert count; a refused volume still appears as a volume', () => {
    expect(report.volumes.map((v) => v.volumeId)).toEqual(['vol-0aaaaaaaaaaaaaaa1', 'vol-0aaaaaaaaaaaaaaa2']);
    expect(report.totals.alertsSent).toBe(0);
    expect(report.totals.cost.actualUSD).toBeCloseTo(report.totals.cost.unaidedUSD, 6);
  });

  it('renders the section in the table, the JSON and the HTML', () => {
    const text = renderReportTable(report);
    expect(text).toContain('Instance EBS buckets: 2 instance(s), 3 alert(s) sent, 2 volume flip(s) refused');
    expect(text).toMatch(/i-0123456789abcdef0 +t3\.medium +2 +1 +2 +22\.5% +2027-01-15T07:30:00Z +vol-0aaaaaaaaaaaaaaa1 vol-0aaaaaaaaaaaaaaa2 +c5\.xlarge \(burstable/);
    const json = JSON.parse(renderReportJson(report)) as { instances: { instances: { instanceId: string; lastAlertTime: string; fix: { monthlyDeltaUSD: number } }[] } };
    expect(json.instances.instances[0]).toMatchObject({ instanceId: HOST, lastAlertTime: '2027-01-15T07:30:00Z', fix: { monthlyDeltaUSD: 93.44 } });
    const html = renderHtmlReport(report);
    expect(html).toContain('<h2>Instance EBS buckets</h2>');
    expect(html).toMatch(/<table id="instances">.*<td>i-0123456789abcdef0<\/td><td>t3\.medium<\/td><td class="n">2<\/td><td class="n">1<\/td><td class="n">2<\/td>/s);
  });

  it('adds one CSV row per instance after the others, in the existing columns plus the three appended ones, and leaves the other rows as they were', () => {
    const rows = parseCsv(renderReportCsv(report));
    const instances = rows.filter((r) => r.resource_kind === 'instance');
    expect(instances.map((r) => [r.scope, r.volume_id, r.instance_type, r.alerts_sent, r.pages_sent, r.refused_flips, r.monthly_cost_delta_usd])).toEqual([
      ['instance', HOST, 't3.medium', '2', '1', '2', '93.4400'],
      ['instance', OTHER, 't3.medium', '1', '0', '0', '93.4400'],
    ]);
    expect(instances[0]).toMatchObject({ recommendations: 'c5.xlarge (burstable, baseline covers the drain), +$93.44/month', account_id: '123456789012', actual_usd: '' });
    expect(rows.slice(-2)).toEqual(instances);
    // The instances' alerts change no other row (the refused flips stay on their volumes' rows either way).
    const withoutAlerts = buildFinanceReport({ period, generatedAtEpochSeconds: T0 + 86_400, priceMonthlyUSD: designPrices, priceSource: 'test', events: events.filter((e) => !e.volumeId.startsWith('i-')), modifications: [] });
    const others = (csv: string) => parseCsv(csv).filter((r) => r.resource_kind !== 'instance');
    expect(others(renderReportCsv(report))).toEqual(others(renderReportCsv(withoutAlerts)));
    expect(Object.keys(rows[0] ?? {})).toEqual(CSV_COLUMNS);
  });

  it('has no instance section when the period holds no instance alert or refusal', () => {
    const quiet = buildFinanceReport({ period, generatedAtEpochSeconds: T0, priceMonthlyUSD: designPrices, priceSource: 'test', events: events.slice(5), modifications: [] });
    expect(quiet.instances).toBeUndefined();
    expect(renderReportTable(quiet)).not.toContain('Instance EBS buckets');
    expect(renderHtmlReport(quiet)).not.toContain('Instance EBS buckets');
  });
});
