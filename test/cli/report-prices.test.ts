import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportCommand } from '../../lambda/cli/report-command';
import { buildPriceBook, bundledPriceBook, type PriceBook } from '../../lambda/core/decision/price-book';
import { DEC_1, FLIP_REVERT, handComputedHistory } from '../fixtures/history/seed';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { captureIo, dynaliteSource, parseCsv, seededTable } from '../report/cli-harness';

const dir = mkdtempSync(join(tmpdir(), 'report-prices-'));
let dynalite: DynaliteHandle;
let table: string;
beforeAll(async () => {
  dynalite = await startDynalite();
  table = await seededTable(dynalite, handComputedHistory());
}, 60_000);
afterAll(async () => {
  await dynalite.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function report(book: PriceBook, format: 'table' | 'csv'): Promise<string> {
  const asked: string[] = [];
  const command = createReportCommand({ source: dynaliteSource(dynalite), nowMs: () => DEC_1 * 1000, prices: () => ({ priceBook: async (region) => (asked.push(region), book) }) });
  const c = captureIo(dir);
  expect(await command(['--table', table, '--since', '2026-09', '--until', '2026-12', '--format', format, '--region', 'us-east-1'], c.io)).toBe(0);
  expect(asked).toEqual(['us-east-1']);
  return c.out();
}

describe('report prices', () => {
  it('bills with the Price List API figures and names the source of each figure', async () => {
    // gp2 at $0.20 instead of the bundled $0.10: FLIP_REVERT's 100 GiB gp2 months cost twice as much.
    const book = buildPriceBook('us-east-1', { region: 'us-east-1', fetchedAtEpochSeconds: DEC_1, ebs: { gp2: { perGBMonthUSD: 0.2 } }, rdsStorage: {} });
    const table = await report(book, 'table');
    expect(table).toContain('prices: AWS Price List API us-east-1 fetched 2026-12-01T00:00:00Z for 1 of 10 figures');
    expect(table).toContain('gp2: $0.2/GB-mo (Price List API)');
    expect(table).toContain('gp3: $0.08/GB-mo (bundled us-east-1)');
    const csv = parseCsv(await report(book, 'csv'));
    // The hand-computed 29.983871 at $0.10 (report-command.test.ts); gp2 time doubles, the 6 h on gp3 does not.
    expect(Number(csv.find((r) => r['volume_id'] === FLIP_REVERT)?.['unaided_usd'])).toBeCloseTo(60, 3);
  });

  it('says the bundled table was used, and why, when the API was unreachable', async () => {
    const table = await report(bundledPriceBook('us-east-1', 'Error: getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com'), 'table');
    expect(table).toContain('prices: bundled us-east-1 list prices; Price List API unavailable: Error: getaddrinfo ENOTFOUND');
  });
});
