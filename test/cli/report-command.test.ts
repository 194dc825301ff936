import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lambda/cli/main';
import { createReportCommand } from '../../lambda/cli/report-command';
import { HistoryTableNotFoundError, UsageError } from '../../lambda/core/errors';
import { BOUNDARY, DEC_1, FLIP_REVERT, handComputedHistory, OCT_1, seededHistory, STAYED } from '../fixtures/history/seed';
import { rdsAlert, rdsChange } from '../fixtures/history/rds';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { captureIo, dynaliteSource, parseCsv, seededTable } from '../report/cli-harness';

const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
const cfn = mockClient(CloudFormationClient);
let dynalite: DynaliteHandle;
let handTable: string;
let fleetTable: string;
let rdsTable: string;

beforeAll(async () => {
  dynalite = await startDynalite();
  handTable = await seededTable(dynalite, handComputedHistory());
  fleetTable = await seededTable(dynalite, seededHistory(30));
  const hand = handComputedHistory();
  // The same quarter plus one DB instance moved to gp3 on 2026-10-01 (a $2.50/month delta) and an alert about it.
  rdsTable = await seededTable(dynalite, { events: [...hand.events, rdsAlert('orders-db', OCT_1)], modifications: [...hand.modifications, rdsChange('orders-db', OCT_1 + 600, { monthlyCostDeltaUSD: 2.5, hourlyCostDeltaUSD: 2.5 / 730 })] });
}, 60_000);
afterAll(async () => {
  await dynalite.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => cfn.reset());

/** The command over dynalite, with a clock at 2026-12-01 that advances `stepMs` on every read. */
function command(stepMs = 0): ReturnType<typeof createReportCommand> {
  let nowMs = DEC_1 * 1000;
  return createReportCommand({ source: dynaliteSource(dynalite), nowMs: () => (nowMs += stepMs) });
}

async function run(args: string[], stderrIsTty = false, stepMs = 0): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo(dir, stderrIsTty);
  const code = await command(stepMs)(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('burst-guardian report on dynalite', () => {
  it('writes CSV whose totals match the hand-computed quarter', async () => {
    // September to November (91 days), us-east-1 bundled prices (= DESIGN.md §2):
    // FLIP_REVERT 100 GiB: Sep 10 + Oct 9.983871 + Nov 10 = 29.983871; unaided 30; gp3 8 × 3 = 24.
    // BOUNDARY 200 GiB: Sep 21.472222 + Oct 21.424731 + Nov 20 = 62.896953; unaided 60; gp3 21 × 3 = 63.
    // STAYED 500 GiB: Sep 50 + Oct 50 + Nov 46.5 = 146.5; unaided 150; gp3 40 × 3 = 120.
    // Total actual 239.380824, unaided 240, gp3 for good 207.
    const { code, out } = await run(['--table', handTable, '--since', '2026-09', '--until', '2026-12', '--format', 'csv']);
    expect(code).toBe(0);
    expect(out.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(out);
    const total = rows.find((r) => r['scope'] === 'total');
    expect(total).toMatchObject({ actual_usd: '239.3808', unaided_usd: '240.0000', all_gp3_usd: '207.0000', saved_vs_unaided_usd: '0.6192', rescues: '3', reverts: '2', alerts_sent: '2' });
    expect(total).toMatchObject({ period_start: '2026-09-01T00:00:00Z', period_end: '2026-12-01T00:00:00Z' });
    const byVolume = new Map(rows.filter((r) => r['scope'] === 'volume').map((r) => [r['volume_id'], r]));
    expect(byVolume.get(FLIP_REVERT)).toMatchObject({ actual_usd: '29.9839', hours_gp3: '6.00', prevented_throttling_hours: '1.00' });
    expect(byVolume.get(BOUNDARY)).toMatchObject({ actual_usd: '62.8970', hours_io1: '8.00', all_gp3_usd: '63.0000' });
    expect(byVolume.get(STAYED)).toMatchObject({ actual_usd: '146.5000', final_type: 'gp3', recommendations: 'stay on gp3: saves $10.00/month' });
    expect(rows.filter((r) => r['scope'] === 'month').map((r) => [r['month'], r['actual_usd']])).toEqual([
      ['2026-09', '81.4722'], // 10 + 21.472222 + 50
      ['2026-10', '81.4086'], // 9.983871 + 21.424731 + 50
      ['2026-11', '76.5000'], // 10 + 20 + 46.5
    ]);
  });

  it('adds the DB instances read back from DynamoDB as rds rows after the total, leaving the volume rows as they were', async () => {
    const volumesOnly = parseCsv((await run(['--table', handTable, '--since', '2026-09', '--until', '2026-12', '--format', 'csv'])).out);
    const { code, out } = await run(['--table', rdsTable, '--since', '2026-09', '--until', '2026-12', '--format', 'csv']);
    expect(code).toBe(0);
    const rows = parseCsv(out);
    expect(rows.filter((r) => r['resource_kind'] === 'volume')).toEqual(volumesOnly);
    expect(rows.filter((r) => r['resource_kind'] === 'rds').map((r) => [r['scope'], r['volume_id'], r['status'], r['requested_at'], r['rescues'], r['alerts_sent'], r['monthly_cost_delta_usd']])).toEqual([
      ['rds', 'rds:orders-db', 'completed', '2026-10-01T00:10:00Z', '1', '', '2.5000'],
      ['rds_total', '', '', '', '1', '1', '2.5000'],
    ]);
    const html = await run(['--table', rdsTable, '--since', '2026-09', '--until', '2026-12', '--format', 'html']);
    expect(html.out).toContain('<table id="rds">');
  });

  it('quotes CSV fields that hold commas and keeps numbers plain', async () => {
    const { out } = await run(['--table', handTable, '--since', '2026-09', '--until', '2026-12', '--format', 'csv']);
    const header = out.split('\r\n')[0] ?? '';
    expect(header.split(',')).toContain('actual_usd');
    expect(out).toContain('"move to gp3 (3000 IOPS, 125 MiB/s) for good: saves $2.00/month and needs no more flips"');
    for (const row of parseCsv(out)) {
      for (const column of ['actual_usd', 'unaided_usd', 'hours_gp2', 'rescues']) expect(row[column]).toMatch(/^(-?\d+(\.\d+)?)?$/);
    }
  });

  it('reports the October side of a flip that crossed the month boundary', async () => {
    const { out } = await run(['--table', handTable, '--since', '2026-10', '--until', '2026-11', '--format', 'json']);
    const report = JSON.parse(out) as { volumes: { volumeId: string; secondsByType: Record<string, number>; modifications: { rescue: number; revert: number } }[] };
    const boundary = report.volumes.find((v) => v.volumeId === BOUNDARY);
    expect(boundary?.modifications).toMatchObject({ rescue: 0, revert: 1 });
    expect(boundary?.secondsByType['io1']).toBe(4 * 3_600);
    const flip = report.volumes.find((v) => v.volumeId === FLIP_REVERT);
    expect(flip?.modifications).toMatchObject({ rescue: 1, revert: 1 });
  });

  it('reports a realistic seeded fleet: totals are the sums of the volume rows', async () => {
    const { code, out } = await run(['--table', fleetTable, '--since', '2026-09-01', '--until', '2026-12-01', '--format', 'csv']);
    expect(code).toBe(0);
    const rows = parseCsv(out);
    const volumes = rows.filter((r) => r['scope'] === 'volume');
    expect(volumes.length).toBeGreaterThan(25);
    const total = rows.find((r) => r['scope'] === 'total');
    const sum = (key: string): number => volumes.reduce((s, r) => s + Number(r[key]), 0);
    expect(Number(total?.['actual_usd'])).toBeCloseTo(sum('actual_usd'), 2);
    expect(Number(total?.['rescues'])).toBe(sum('rescues'));
    expect(Number(total?.['failed'])).toBe(sum('failed'));
    expect(Number(total?.['alerts_sent'])).toBe(sum('alerts_sent'));
  });

  it('prints the table format by default and writes other formats to --out', async () => {
    const table = await run(['--table', handTable, '--since', '2026-10', '--until', '2026-11']);
    expect(table.out).toContain('Per month (USD)');
    expect(table.out).toContain(FLIP_REVERT);
    const html = await run(['--table', handTable, '--since', '2026-09', '--until', '2026-12', '--format', 'html', '--out', 'out/report.html']);
    expect(html.out).toContain('wrote');
    const page = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(page).toContain('<canvas id="chart-cost-month"');
    expect(page).toContain('window.Chart');
  });

  it('defaults to the month that just ended when run at a month start', async () => {
    const { out } = await run(['--table', handTable, '--format', 'json']);
    expect(JSON.parse(out)).toMatchObject({ periodStart: '2026-11-01T00:00:00Z', periodEnd: '2026-12-01T00:00:00Z' });
  });

  it('includes a volume rescued before the period and still on gp3, found through the look-back months', async () => {
    // STAYED was rescued 2026-11-20 and never reverted: December (31 d) is all gp3, 500 GiB × $0.08 = $40.
    const withLookback = await run(['--table', handTable, '--since', '2026-12', '--until', '2027-01', '--format', 'csv']);
    const rows = parseCsv(withLookback.out).filter((r) => r['scope'] === 'volume');
    expect(rows.map((r) => [r['volume_id'], r['hours_gp3'], r['actual_usd'], r['unaided_usd']])).toEqual([[STAYED, '744.00', '40.0000', '50.0000']]);
    const without = await run(['--table', handTable, '--since', '2026-12', '--until', '2027-01', '--format', 'csv', '--lookback-months', '0']);
    expect(parseCsv(without.out).filter((r) => r['scope'] === 'volume')).toEqual([]);
  });

  it('resolves the table from the stack output whose key contains HistoryTableName', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'guardian', CreationTime: new Date(0), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'TopicArn', OutputValue: 'arn:x' }, { OutputKey: 'GuardianHistoryTableName1A2B', OutputValue: handTable }] }],
    });
    const { code, out } = await run(['--stack', 'guardian', '--since', '2026-10', '--until', '2026-11', '--format', 'json']);
    expect(code).toBe(0);
    expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: 'guardian' });
    expect(JSON.parse(out)).toMatchObject({ periodStart: '2026-10-01T00:00:00Z' });
  });

  it('throws HistoryTableNotFoundError when the stack does not exist or has no table output', async () => {
    cfn.on(DescribeStacksCommand).rejectsOnce(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));
    await expect(run(['--stack', 'nope'])).rejects.toThrow(HistoryTableNotFoundError);
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 's', CreationTime: new Date(0), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    await expect(run(['--stack', 's'])).rejects.toThrow(/no output whose key contains HistoryTableName/);
  });

  it('shows progress on a terminal when the query runs long, and never otherwise', async () => {
    const slowTty = await run(['--table', fleetTable, '--since', '2026-09', '--until', '2026-12', '--format', 'csv'], true, 600);
    expect(slowTty.err).toContain('reading history: month 2026-10');
    expect(slowTty.err).toContain('reading ledgers:');
    const slowPipe = await run(['--table', fleetTable, '--since', '2026-09', '--until', '2026-12', '--format', 'csv'], false, 600);
    expect(slowPipe.err).toBe('');
    const quickTty = await run(['--table', handTable, '--since', '2026-10', '--until', '2026-11'], true, 0);
    expect(quickTty.err).toBe('');
  });

  it.each([
    [['--since', '2026-10'], /missing --table NAME or --stack NAME/],
    [['--table', 't', '--stack', 's'], /either --table or --stack/],
    [['--table', 't', '--format', 'xlsx'], /--format must be one of table, csv, json, html/],
    [['--table', 't', '--since', '2026-13'], /--since '2026-13' is not a date/],
    [['--table', 't', '--since', '2026-11', '--until', '2026-10'], /--until must be after --since/],
    [['--table', 't', '--bogus'], /Unknown option/],
    [['--table', 't', '--lookback-months', '1.5'], /--lookback-months must be a whole number/],
  ])('rejects %j with a UsageError', async (args, message) => {
    const attempt = run(args);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('exits 2 through the dispatcher on bad usage', async () => {
    const c = captureIo(dir);
    expect(await main(['report', '--format', 'pdf', '--table', 't'], c.io)).toBe(2);
    expect(c.err()).toContain('--format must be one of');
  });
});
