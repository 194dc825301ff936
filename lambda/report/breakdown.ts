/**
 * `report --by account|region|tag:KEY`: reads the labels (account, region, tags) the history
 * records carry for the period's months and renders the breakdown after the report, as a table,
 * CSV rows, or a `breakdown` field of the JSON document. Every group is a row; the last row is the
 * organization total, which the groups add up to.
 */
import { breakDown, labelsFromHistory, type Breakdown, type BreakdownKey } from '../core/report/breakdown';
import { monthsOfPeriod } from '../core/report/calendar';
import type { FinanceReport } from '../core/report/report';
import type { HistoryEvent, HistoryStore, ModificationRecord } from '../core/ports';
import { escapeHtml } from './format';

/** The breakdown of `report` by `by`, labels read from the store's months of the period. */
export async function queryBreakdown(store: Pick<HistoryStore, 'listMonth'>, report: FinanceReport, by: BreakdownKey): Promise<Breakdown> {
  const events: HistoryEvent[] = [];
  const modifications: ModificationRecord[] = [];
  for (const month of monthsOfPeriod(report.period.sinceEpochSeconds, report.period.untilEpochSeconds)) {
    const page = await store.listMonth(month);
    events.push(...page.events);
    modifications.push(...page.modifications);
  }
  return breakDown(report, labelsFromHistory(events, modifications), by);
}

const COLUMNS = ['volumes', 'rescues', 'reverts', 'actual USD', 'unaided USD', 'net saving USD', 'throttled s prevented', 'alerts'] as const;
/** Added when the history holds the guardian's usage: its running cost and the saving net of it (four decimals: often cents). */
const RUNNING_COLUMNS = ['running cost USD', 'net of running cost USD'] as const;

/** Added last when the period holds DB instances: RDS storage changes accepted and their monthly cost delta (RDS prices). */
const RDS_COLUMNS = ['RDS storage changes', 'RDS USD/month'] as const;

function hasRunning(b: Breakdown): boolean {
  return b.total.runningCostUSD !== undefined;
}

function hasRds(b: Breakdown): boolean {
  return b.total.rdsStorageChanges !== undefined;
}

function cells(g: Breakdown['total'], running: boolean, rds: boolean): string[] {
  const base = [g.volumes, g.rescues, g.reverts, g.actualUSD.toFixed(2), g.unaidedUSD.toFixed(2), g.netSavingUSD.toFixed(2), Math.round(g.preventedThrottlingSeconds), g.alertsSent].map(String);
  const withRunning = running ? [...base, (g.runningCostUSD ?? 0).toFixed(4), (g.netOfRunningCostUSD ?? g.netSavingUSD).toFixed(4)] : base;
  return rds ? [...withRunning, String(g.rdsStorageChanges ?? 0), (g.rdsMonthlyCostDeltaUSD ?? 0).toFixed(2)] : withRunning;
}

/** Header, one row per group, and the organization total last. */
function breakdownRows(b: Breakdown): string[][] {
  const running = hasRunning(b);
  const rds = hasRds(b);
  return [[b.by, ...COLUMNS, ...(running ? RUNNING_COLUMNS : []), ...(rds ? RDS_COLUMNS : [])], ...b.groups.map((g) => [g.key, ...cells(g, running, rds)]), ['organization total', ...cells(b.total, running, rds)]];
}

/** Text table: one row per group and the total, right-aligned numbers. */
export function renderBreakdownTable(b: Breakdown): string {
  const rows = breakdownRows(b);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return `\nBy ${b.by}:\n${rows.map(line).join('\n')}\n`;
}

/** CSV section: a blank line, a header, the groups and the total; CRLF like the report's CSV (RFC 4180). */
export function renderBreakdownCsv(b: Breakdown): string {
  const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const rows = breakdownRows(b);
  return `\r\n${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** The JSON document with a `breakdown` field added. */
export function withBreakdownJson(json: string, b: Breakdown): string {
  return `${JSON.stringify({ ...(JSON.parse(json) as Record<string, unknown>), breakdown: b }, null, 2)}\n`;
}

/** HTML section: the same rows as the table, in a box that scrolls sideways on a phone; the total in the footer. */
export function renderBreakdownHtml(b: Breakdown): string {
  const [head = [], ...body] = breakdownRows(b);
  const total = body.pop() ?? [];
  const row = (cellsOf: readonly string[], tag: 'td' | 'th'): string => `<tr>${cellsOf.map((c, i) => `<${tag}${i === 0 ? '' : ' class="n"'}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<h2>By ${escapeHtml(b.by)}</h2>
<div class="scroll"><table id="breakdown"><thead>${row(head, 'th')}</thead><tbody>${body.map((r) => row(r, 'td')).join('')}</tbody><tfoot>${row(total, 'td')}</tfoot></table></div>`;
}
