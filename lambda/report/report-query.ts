/**
 * Finance's query: every event and ledger record of the months a period touches (the store's
 * `by-month` index), then each reported volume's whole ledger (its type at the period's start may
 * come from a flip months earlier), priced with the bundled prices.
 */
import { describePriceBook, priceBookSummary, type PriceBook } from '../core/decision/price-book';
import { priceOf } from '../core/decision/pricing';
import { isoUtc } from '../core/iso-time';
import { buildFinanceReport, type FinanceReport, type MonthlyPriceFn, type ReportPeriod } from '../core/report/report';
import { monthLabelOf, monthsOfPeriod, parseReportDate } from '../core/report/calendar';
import { isApplied } from '../core/report/timeline';
import type { HistoryEvent, HistoryStore, ModificationRecord } from '../core/ports';
import { isInstanceKey } from '../core/instance-keys';
import { runningCost, type UsageDay } from '../core/report/running-cost';

/** Ledger reads in flight at once (one DynamoDB Query each). */
const LEDGER_CONCURRENCY = 8;

/** Default look-back for volumes still rescued from before the period. */
export const DEFAULT_LOOKBACK_MONTHS = 3;

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

/** Monthly prices from a price book (Price List API figures over the bundled table); the source names each figure's origin. */
export function bookPrices(book: PriceBook): { priceMonthlyUSD: MonthlyPriceFn; priceSource: string } {
  return {
    priceMonthlyUSD: (config) => priceOf(config, book.region, book).monthlyUSD,
    priceSource: `${priceBookSummary(book, isoUtc)} [${describePriceBook(book).join('; ')}]`,
  };
}

/** Options of `queryFinanceReport`. */
export interface ReportQueryOptions {
  readonly period: ReportPeriod;
  readonly nowEpochSeconds: number;
  readonly priceMonthlyUSD: MonthlyPriceFn;
  readonly priceSource: string;
  /**
   * Months before the period whose ledger records are read to find volumes rescued then and still
   * off their original type (they have no record in the period). @default 3
   */
  readonly lookbackMonths?: number;
  /** Called as the query advances (for a progress line). */
  readonly onProgress?: (text: string) => void;
}

/** Volumes whose latest applied modification in `records` is a rescue: still off their original type. */
function stillRescued(records: readonly ModificationRecord[]): string[] {
  const latest = new Map<string, ModificationRecord>();
  for (const r of records) {
    if (!isApplied(r)) continue;
    const prev = latest.get(r.volumeId);
    if (prev === undefined || prev.requestedEpochSeconds < r.requestedEpochSeconds) latest.set(r.volumeId, r);
  }
  return [...latest.values()].filter((r) => r.kind === 'rescue').map((r) => r.volumeId);
}

/** Each volume's whole ledger, a few queries in flight at once. */
async function readLedgers(store: HistoryStore, ids: readonly string[], onProgress?: (text: string) => void): Promise<ModificationRecord[]> {
  const ledgers = new Array<ModificationRecord[]>(ids.length);
  let next = 0;
  let finished = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      const id = ids[index];
      if (id === undefined) continue;
      ledgers[index] = await store.listModifications(id);
      finished += 1;
      onProgress?.(`reading ledgers: ${finished}/${ids.length} volumes`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LEDGER_CONCURRENCY, ids.length) }, worker));
  return ledgers.flat();
}

/** The `lookbackMonths` UTC months before the period's first one, oldest first. */
function lookbackMonthsBefore(sinceEpochSeconds: number, lookbackMonths: number): string[] {
  const firstMonthStart = parseReportDate(monthLabelOf(sinceEpochSeconds)) ?? sinceEpochSeconds;
  const out: string[] = [];
  let cursor = firstMonthStart;
  for (let i = 0; i < lookbackMonths; i += 1) {
    const label = monthLabelOf(cursor - 1);
    out.unshift(label);
    cursor = parseReportDate(label) ?? cursor;
  }
  return out;
}

/** Reads the period (and the look-back months' ledger) from the store and builds the report. */
export async function queryFinanceReport(store: HistoryStore, options: ReportQueryOptions): Promise<FinanceReport> {
  const { period } = options;
  const lookback = lookbackMonthsBefore(period.sinceEpochSeconds, options.lookbackMonths ?? DEFAULT_LOOKBACK_MONTHS);
  const months = [...lookback, ...monthsOfPeriod(period.sinceEpochSeconds, period.untilEpochSeconds)];
  const events: HistoryEvent[] = [];
  const volumeIds = new Set<string>();
  const earlier: ModificationRecord[] = [];
  for (const [i, month] of months.entries()) {
    options.onProgress?.(`reading history: month ${month} (${i + 1}/${months.length})`);
    const page = await store.listMonth(month);
    if (i < lookback.length) {
      // Before the period only flips matter: a volume rescued then and not yet reverted is on the bill now.
      earlier.push(...page.modifications);
      continue;
    }
    events.push(...page.events);
    for (const e of page.events) volumeIds.add(e.volumeId);
    for (const m of page.modifications) volumeIds.add(m.volumeId);
  }
  for (const id of stillRescued(earlier)) volumeIds.add(id);
  // An instance (`i-…`) has alerts, never modifications: no ledger to read.
  const ledgers = await readLedgers(store, [...volumeIds].filter((id) => !isInstanceKey(id)).sort(), options.onProgress);
  const report = buildFinanceReport({
    period,
    generatedAtEpochSeconds: options.nowEpochSeconds,
    priceMonthlyUSD: options.priceMonthlyUSD,
    priceSource: options.priceSource,
    events,
    modifications: ledgers,
  });
  return withRunningCost(store, report);
}

/** The report with the guardian's running cost of its period, when the store keeps usage (one Query per month). */
export async function withRunningCost(store: Pick<HistoryStore, 'listUsage'>, report: FinanceReport): Promise<FinanceReport> {
  if (store.listUsage === undefined) return report;
  const days: UsageDay[] = [];
  for (const month of monthsOfPeriod(report.period.sinceEpochSeconds, report.period.untilEpochSeconds)) days.push(...(await store.listUsage(month)));
  return { ...report, runningCost: runningCost(days, report.period) };
}
