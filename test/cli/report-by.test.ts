/**
 * `report --by`: the hand-computed quarter of test/fixtures/history/seed.ts (September to November,
 * us-east-1 prices) spread over two accounts and two teams. Per volume (report-command.test.ts):
 * FLIP_REVERT actual 29.983871 / unaided 30, BOUNDARY 62.896953 / 60, STAYED 146.5 / 150.
 * Account A = FLIP_REVERT + STAYED: actual 176.483871, unaided 180, net saving 3.516129.
 * Account B = BOUNDARY: actual 62.896953, unaided 60, net saving -2.896953.
 * Team payments = FLIP_REVERT + BOUNDARY: actual 92.880824, unaided 90; team search = STAYED.
 * Organization: actual 239.380824, unaided 240, net saving 0.619176.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportCommand } from '../../lambda/cli/report-command';
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
    const b = (JSON.parse(out) as { breakdown: { groups: { key: string; actualUSD: number; unaidedUSD: number; netSavingUSD: number; volumes: number }[]; total: { actualUSD: number; netSavingUSD: number } } }).breakdown;
    const byKey = new Map(b.groups.map((g) => [g.key, g]));
    expect(byKey.get(A)?.actualUSD).toBeCloseTo(176.483871, 5);
    expect(byKey.get(A)?.netSavingUSD).toBeCloseTo(3.516129, 5);
    expect(byKey.get(B)?.actualUSD).toBeCloseTo(62.896953, 5);
    expect(byKey.get(B)?.netSavingUSD).toBeCloseTo(-2.896953, 5);
    expect(b.total.actualUSD).toBeCloseTo(239.380824, 5);
    expect(b.total.netSavingUSD).toBeCloseTo(0.619176, 5);
    expect(b.groups.reduce((s, g) => s + g.actualUSD, 0)).toBeCloseTo(b.total.actualUSD, 9);
  });

  it('by team (tag:team) as CSV rows with the organization total last', async () => {
    const { code, out } = await run(['--format', 'csv', '--by', 'tag:team']);
    expect(code).toBe(0);
    const section = out.slice(out.lastIndexOf('\r\ntag:team,') + 2);
    const rows = parseCsv(section);
    expect(rows.map((r) => [r['tag:team'], r['actual USD'], r['unaided USD']])).toEqual([
      ['search', '146.50', '150.00'],
      ['payments', '92.88', '90.00'],
      ['organization total', '239.38', '240.00'],
    ]);
  });

  it('by region in the table format', async () => {
    const { out } = await run(['--by', 'region']);
    expect(out).toMatch(/By region:\nregion +volumes/);
    expect(out).toMatch(/^us-east-1 +2 /m);
    expect(out).toMatch(/^eu-west-1 +1 /m);
    expect(out).toMatch(/^organization total +3 /m);
  });

  it.each([
    [['--by', 'owner:x'], "--by must be account, region or tag:KEY, got 'owner:x'"],
    [['--by', 'account', '--format', 'html'], "--by works with --format table, csv or json, not 'html'"],
  ])('rejects %o with a usage error', async (args, message) => {
    await expect(run(args)).rejects.toThrow(message);
  });
});
