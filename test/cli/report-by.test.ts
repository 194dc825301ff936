/**
 * `report --by`: the hand-computed quarter of test/fixtures/history/seed.ts (September to November,
 * us-east-1 prices) spread over two accounts and two teams. Per volume (report-command.test.ts):
 * FLIP_REVERT actual 29.983871 / unaided 30, BOUNDARY 62.896953 / 60, STAYED 146.5 / 150.
 * Account A = FLIP_REVERT + STAYED: actual 176.483871, unaided 180, net saving 3.516129.
 * Account B = BOUNDARY: actual 62.896953, unaided 60, net saving -2.896953.
 * Team payments = FLIP_REVERT + BOUNDARY: actual 92.880824, unaided 90; team search = STAYED.
 * Organization: actual 239.380824, unaided 240, net saving 0.619176.
 *
 * The guardian's own usage, recorded through the store as 160 scans would (prices of
 * core/report/running-cost.ts: GetMetricData $0.00001/metric, Lambda $0.0000133334/GB-s + $0.0000002/request,
 * DynamoDB $0.000000125/RRU and $0.000000625/WRU, custom metrics $0.30 per 730 metric-hours):
 * U1 A eu-west-1 2026-10-01, 100 scans: 300,000 metrics $3; 30,000 GB-s + 100 requests $0.400022;
 *    800,000 RRU + 1,600,000 WRU $1.1; 10 series in all 24 hours = 240 metric-hours $0.098630137 → 4.598652137
 * U2 A us-east-1 2026-11-15, 50 scans outside Lambda: 100,000 metrics $1; 160,000 WRU $0.1;
 *    10 series in hours 1 and 2 = 20 metric-hours $0.008219178 → 1.108219178
 * U3 B us-east-1 2026-09-30, 10 scans: 50,000 metrics $0.5; 7,500 GB-s + 10 requests $0.1000025 → 0.6000025
 * Running cost: A 5.706871315, B 0.6000025; eu-west-1 4.598652137, us-east-1 1.708221678; total 6.306873815.
 * Net of it (to 6 decimals, as the fixture's costs): A 3.516129 - 5.706871315 = -2.190742315; B -2.896953 - 0.6000025 = -3.4969555;
 * organization 0.619176 - 6.306873815 = -5.687697815.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { createReportCommand } from '../../lambda/cli/report-command';
import type { Breakdown } from '../../lambda/core/report/breakdown';
import type { ScanUsage } from '../../lambda/core/report/running-cost';
import type { HistoryEvent, ModificationRecord } from '../../lambda/core/ports';
import { BOUNDARY, DEC_1, FLIP_REVERT, handComputedHistory, STAYED } from '../fixtures/history/seed';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { captureIo, dynaliteSource, parseCsv, seededTable } from '../report/cli-harness';

const A = '111111111111';
const B = '222222222222';
const WHERE: Record<string, { accountId: string; region: string; team: string }> = {
  [FLIP_REVERT]: { accountId: A, region: 'eu-west-1', team: 'payments' },
  [BOUNDARY]: { accountId: B, region: 'us-east-1', team: 'payments' },
  [STAYED]: { accountId: A, region: 'us-east-1', team: 'search' },
};

const dir = mkdtempSync(join(tmpdir(), 'report-by-'));
let dynalite: DynaliteHandle;
let table: string;

beforeAll(async () => {
  dynalite = await startDynalite();
  const history = handComputedHistory();
  const stamp = <T extends HistoryEvent | ModificationRecord>(r: T): T => {
    const w = WHERE[r.volumeId];
    return w === undefined ? r : { ...r, accountId: w.accountId, region: w.region };
  };
  const events = history.events.map((e) => {
    const w = WHERE[e.volumeId];
    return stamp({ ...e, details: { ...e.details, ...(w === undefined ? {} : { tags: { team: w.team } }) } });
  });
  table = await seededTable(dynalite, { events, modifications: history.modifications.map(stamp) });
  const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName: table });
  const scans = (n: number, startUtc: number, stepSeconds: number, usage: Omit<ScanUsage, 'tEpochSeconds'>) =>
    Array.from({ length: n }, (_, i) => store.recordUsage({ ...usage, tEpochSeconds: startUtc / 1000 + i * stepSeconds }));
  const none = { dynamoReadUnits: 0, dynamoWriteUnits: 0, metricSeries: 0 };
  await Promise.all([
    ...scans(100, Date.UTC(2026, 9, 1), 864, { accountId: A, region: 'eu-west-1', metricsRequested: 3_000, memoryMiB: 1024, durationMs: 300_000, dynamoReadUnits: 8_000, dynamoWriteUnits: 16_000, metricSeries: 10 }),
    ...scans(50, Date.UTC(2026, 10, 15, 1), 144, { accountId: A, region: 'us-east-1', metricsRequested: 2_000, memoryMiB: 0, durationMs: 40, ...none, dynamoWriteUnits: 3_200, metricSeries: 10 }),
    ...scans(10, Date.UTC(2026, 8, 30, 5), 60, { accountId: B, region: 'us-east-1', metricsRequested: 5_000, memoryMiB: 1024, durationMs: 750_000, ...none }),
  ]);
}, 60_000);
afterAll(async () => {
  await dynalite.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const c = captureIo(dir);
  const code = await createReportCommand({ source: dynaliteSource(dynalite), nowMs: () => DEC_1 * 1000 })(['--table', table, '--since', '2026-09', '--until', '2026-12', ...args], c.io);
  return { code, out: c.out() };
}

describe('burst-guardian report --by', () => {
  it('by account: the hand-computed totals, adding up to the organization total', async () => {
    const { code, out } = await run(['--format', 'json', '--by', 'account']);
    expect(code).toBe(0);
    const b = (JSON.parse(out) as { breakdown: Breakdown }).breakdown;
    const byKey = new Map(b.groups.map((g) => [g.key, g]));
    expect(byKey.get(A)?.actualUSD).toBeCloseTo(176.483871, 5);
    expect(byKey.get(A)?.netSavingUSD).toBeCloseTo(3.516129, 5);
    expect(byKey.get(B)?.actualUSD).toBeCloseTo(62.896953, 5);
    expect(byKey.get(B)?.netSavingUSD).toBeCloseTo(-2.896953, 5);
    expect(b.total.actualUSD).toBeCloseTo(239.380824, 5);
    expect(b.total.netSavingUSD).toBeCloseTo(0.619176, 5);
    expect(b.groups.reduce((s, g) => s + g.actualUSD, 0)).toBeCloseTo(b.total.actualUSD, 9);
    expect(byKey.get(A)?.runningCostUSD).toBeCloseTo(5.706871315, 8);
    expect(byKey.get(A)?.netOfRunningCostUSD).toBeCloseTo(-2.190742315, 6);
    expect(byKey.get(B)?.runningCostUSD).toBeCloseTo(0.6000025, 8);
    expect(byKey.get(B)?.netOfRunningCostUSD).toBeCloseTo(-3.4969555, 6);
    expect(b.total.runningCostUSD).toBeCloseTo(6.306873815, 8);
    expect(b.total.netOfRunningCostUSD).toBeCloseTo(-5.687697815, 6);
    expect(b.groups.reduce((s, g) => s + (g.runningCostUSD ?? 0), 0)).toBeCloseTo(b.total.runningCostUSD ?? 0, 9);
    expect(b.groups.reduce((s, g) => s + (g.netOfRunningCostUSD ?? 0), 0)).toBeCloseTo(b.total.netOfRunningCostUSD ?? 0, 9);
  });

  it("the report's running cost: measured counts, priced by component, and the net saving of it", async () => {
    const { code, out } = await run(['--format', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { netSavingUSD: number; netOfRunningCostUSD: number; runningCost: { total: Record<string, number>; byRegion: { key: string; totalUSD: number }[] } };
    expect(doc.runningCost.total).toMatchObject({ scans: 160, lambdaInvocations: 110, metricsRequested: 450_000, lambdaGbSeconds: 37_500, dynamoReadUnits: 800_000, dynamoWriteUnits: 1_760_000, metricSeriesHours: 260 });
    expect(doc.runningCost.total).toMatchObject({ getMetricDataUSD: 4.5, lambdaUSD: 0.5, dynamoDbUSD: 1.2, customMetricsUSD: 0.11, totalUSD: 6.31 });
    expect(doc.runningCost.byRegion.map((r) => [r.key, r.totalUSD])).toEqual([['eu-west-1', 4.6], ['us-east-1', 1.71]]);
    expect(doc.netSavingUSD).toBe(0.62);
    expect(doc.netOfRunningCostUSD).toBe(-5.69);
    const table = await run([]);
    expect(table.out).toContain("Guardian's own running cost: $6.3069 over 160 scans (measured usage × list prices: GetMetricData $4.5000 for 450,000 metrics requested;");
    expect(table.out).toContain("Net of the guardian's running cost: cost $5.6877");
  });

  it('by team (tag:team) as CSV rows with the organization total last', async () => {
    const { code, out } = await run(['--format', 'csv', '--by', 'tag:team']);
    expect(code).toBe(0);
    const section = out.slice(out.lastIndexOf('\r\ntag:team,') + 2);
    const rows = parseCsv(section);
    expect(rows.map((r) => [r['tag:team'], r['actual USD'], r['unaided USD'], r['running cost USD'], r['net of running cost USD']])).toEqual([
      ['search', '146.50', '150.00', '0.0000', '3.5000'],
      ['payments', '92.88', '90.00', '0.0000', '-2.8808'],
      ['(guardian running cost)', '0.00', '0.00', '6.3069', '-6.3069'],
      ['organization total', '239.38', '240.00', '6.3069', '-5.6877'],
    ]);
  });

  it('by region in the table format', async () => {
    const { out } = await run(['--by', 'region']);
    expect(out).toMatch(/By region:\nregion +volumes/);
    expect(out).toMatch(/^us-east-1 +2 /m);
    expect(out).toMatch(/^eu-west-1 +1 /m);
    expect(out).toMatch(/^organization total +3 /m);
    // eu-west-1: 30 - 29.983871 - 4.598652137; us-east-1: 210 - 209.396953 - 1.708221678.
    expect(out).toMatch(/^eu-west-1 .* 4\.5987 +-4\.5825$/m);
    expect(out).toMatch(/^us-east-1 .* 1\.7082 +-1\.1052$/m);
  });

  it('by account in HTML: a breakdown table with the organization total in its footer', async () => {
    const { code, out } = await run(['--format', 'html', '--by', 'account']);
    expect(code).toBe(0);
    const table = out.slice(out.indexOf('<table id="breakdown">'), out.indexOf('</table>', out.indexOf('<table id="breakdown">')));
    expect(table).toContain('<th>account</th>');
    expect(table).toContain(`<tr><td>${A}</td><td class="n">2</td>`);
    expect(table).toContain(`<tr><td>${B}</td><td class="n">1</td>`);
    expect(table).toMatch(/<tfoot><tr><td>organization total<\/td><td class="n">3<\/td>.*<td class="n">6\.3069<\/td><td class="n">-5\.6877<\/td><\/tr><\/tfoot>/);
    expect(out).toContain('Its own running cost was $6.3069: net of it, a net <b class="cost">cost of $5.6877</b>.');
  });

  it.each([
    [['--by', 'owner:x'], "--by must be account, region or tag:KEY, got 'owner:x'"],
    [['--by', 'account', '--format', 'pdf'], "--format must be one of table, csv, json, html, not 'pdf'"],
  ])('rejects %o with a usage error', async (args, message) => {
    await expect(run(args)).rejects.toThrow(message);
  });
});
