/**
 * Finance's query: every event and ledger record of the months a period touches (the store's
 * `by-month` index), then each reported volume's whole ledger (its type at the period's start may
 * come from a flip months earlier), priced with the bundled prices.
 */
import { priceOf } from '../core/pricing';
import { buildFinanceReport, type FinanceReport, type MonthlyPriceFn, type ReportPeriod } from '../core/report';
import { monthsOfPeriod } from '../core/report-calendar';
import type { HistoryEvent, HistoryStore, ModificationRecord } from '../core/ports';

/** Ledger reads in flight at once (one DynamoDB Query each). */
const LEDGER_CONCURRENCY = 8;

/** Monthly prices from the bundled table for `region` (unknown regions fall back to us-east-1, and say so). */
export function bundledPrices(region: string | undefined): { priceMonthlyUSD: MonthlyPriceFn; priceSource: string } {
  const asked = region ?? 'us-east-1';
  const probe = priceOf({ type: 'gp2', sizeGiB: 1 }, asked);
  const fallback = probe.pricedRegion === asked ? '' : ` (no bundled prices for ${asked})`;
  return {
    priceMonthlyUSD: (config) => priceOf(config, asked).monthlyUSD,
    priceSource: `bundled ${probe.pricedRegion} list prices${fallback}`,
  };
}

/** Options of `queryFinanceReport`. */
export interface ReportQueryOptions {
  readonly period: ReportPeriod;
  readonly nowEpochSeconds: number;
  readonly priceMonthlyUSD: MonthlyPriceFn;
  readonly priceSource: string;
  /** Called as the query advances (for a progress line). */
  readonly onProgress?: (text: string) => void;
}

/** Reads the period from the store and builds the report. */
export async function queryFinanceReport(store: HistoryStore, options: ReportQueryOptions): Promise<FinanceReport> {
  const { period } = options;
  const months = monthsOfPeriod(period.sinceEpochSeconds, period.untilEpochSeconds);
  const events: HistoryEvent[] = [];
  const volumeIds = new Set<string>();
  for (const [i, month] of months.entries()) {
    options.onProgress?.(`reading history: month ${month} (${i + 1}/${months.length})`);
    const page = await store.listMonth(month);
    events.push(...page.events);
    for (const e of page.events) volumeIds.add(e.volumeId);
    for (const m of page.modifications) volumeIds.add(m.volumeId);
  }
  const ids = [...volumeIds].sort();
  const ledgers: ModificationRecord[][] = new Array<ModificationRecord[]>(ids.length);
  let next = 0;
  let finished = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      const id = ids[index];
      if (id === undefined) continue;
      ledgers[index] = await store.listModifications(id);
      finished += 1;
      options.onProgress?.(`reading ledgers: ${finished}/${ids.length} volumes`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LEDGER_CONCURRENCY, ids.length) }, worker));
  return buildFinanceReport({
    period,
    generatedAtEpochSeconds: options.nowEpochSeconds,
    priceMonthlyUSD: options.priceMonthlyUSD,
    priceSource: options.priceSource,
    events,
    modifications: ledgers.flat(),
  });
}
