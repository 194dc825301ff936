/**
 * The guardian's own running cost in every rendering: what its scans consumed (measured counts) at
 * the list prices of `core/report/running-cost.ts` (assumed), and the net saving against doing nothing
 * once the guardian has paid for itself. Small sums keep four decimals: a quiet fleet's month is cents.
 */
import { GUARDIAN_PRICES, HOURS_PER_BILLING_MONTH, type RunningCostLine } from '../core/report/running-cost';
import type { FinanceReport } from '../core/report/report';
import { escapeHtml, grouped } from './format';

/** Dollars for people, four decimals under $10 (`$0.0123`), else cents with separators. */
export function fineMoney(amount: number): string {
  const abs = Math.abs(amount);
  return `${amount < 0 ? '-' : ''}$${abs < 10 ? abs.toFixed(4) : grouped(abs)}`;
}

/** Net against doing nothing, less the running cost; undefined when the period holds no recorded usage (older histories). */
export function netOfRunningCost(report: FinanceReport): number | undefined {
  const rc = report.runningCost;
  return rc === undefined || rc.total.scans === 0 ? undefined : report.totals.cost.unaidedUSD - report.totals.cost.actualUSD - rc.total.totalUSD;
}

/** What each component is, measured, and the price it is multiplied by. */
export function runningCostComponents(line: RunningCostLine): { name: string; measured: string; price: string; usd: number }[] {
  const p = GUARDIAN_PRICES;
  const count = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  return [
    { name: 'GetMetricData', measured: `${count(line.metricsRequested)} metrics requested`, price: `$${(p.getMetricDataPerMetric * 1000).toFixed(2)} per 1,000 metrics`, usd: line.getMetricDataUSD },
    {
      name: 'Lambda (arm64)',
      measured: `${count(line.lambdaGbSeconds, 1)} GB-s in ${count(line.lambdaInvocations)} invocations`,
      price: `$${p.lambdaArmPerGBSecond} per GB-s + $${(p.lambdaPerRequest * 1e6).toFixed(2)} per million requests`,
      usd: line.lambdaUSD,
    },
    {
      name: 'DynamoDB (on demand)',
      measured: `${count(line.dynamoReadUnits, 1)} read + ${count(line.dynamoWriteUnits, 1)} write units`,
      price: `$${(p.dynamoPerReadRequestUnit * 1e6).toFixed(3)} / $${(p.dynamoPerWriteRequestUnit * 1e6).toFixed(3)} per million read / write units`,
      usd: line.dynamoDbUSD,
    },
    { name: 'Custom metrics', measured: `${count(line.metricSeriesHours, 1)} metric-hours (estimate)`, price: `$${p.customMetricPerMonth.toFixed(2)} per metric-month of ${HOURS_PER_BILLING_MONTH} h`, usd: line.customMetricsUSD },
  ];
}

/** Text lines for the table rendering (none when the store keeps no usage). */
export function runningCostTableLines(report: FinanceReport): string[] {
  const rc = report.runningCost;
  if (rc === undefined) return [];
  if (rc.total.scans === 0) return ["Guardian's own running cost: no usage recorded in this period (scans record it since this version)"];
  const net = netOfRunningCost(report) ?? 0;
  return [
    `Guardian's own running cost: ${fineMoney(rc.total.totalUSD)} over ${rc.total.scans.toLocaleString('en-US')} scans (measured usage × list prices: ` +
      `${runningCostComponents(rc.total).map((c) => `${c.name} ${fineMoney(c.usd)} for ${c.measured}`).join('; ')})`,
    `Net of the guardian's running cost: ${Math.abs(net) < 0.00005 ? 'no change' : net > 0 ? `saving ${fineMoney(net)}` : `cost ${fineMoney(-net)}`}`,
  ];
}

/** An HTML section: the components, what was measured and the price assumed (empty without usage). */
export function runningCostHtml(report: FinanceReport): string {
  const rc = report.runningCost;
  if (rc === undefined) return '';
  if (rc.total.scans === 0) return '<h2>The guardian\'s own running cost</h2><p class="note">No usage recorded in this period.</p>';
  const rows = runningCostComponents(rc.total).map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.measured)}</td><td>${escapeHtml(c.price)}</td><td class="n">${escapeHtml(fineMoney(c.usd))}</td></tr>`);
  const net = netOfRunningCost(report) ?? 0;
  return `<h2>The guardian's own running cost</h2>
<p class="note" id="running-cost">${rc.total.scans.toLocaleString('en-US')} scans cost ${escapeHtml(fineMoney(rc.total.totalUSD))}; net of it, the guardian ${net >= 0 ? `saved ${escapeHtml(fineMoney(net))}` : `cost ${escapeHtml(fineMoney(-net))}`} against doing nothing. Counts are measured by each scan; prices are us-east-1 list prices (docs/report.md).</p>
<div class="scroll"><table id="running-cost-table"><thead><tr><th>component</th><th>measured</th><th>price assumed</th><th class="n">USD</th></tr></thead><tbody>${rows.join('')}</tbody><tfoot><tr><td>total</td><td></td><td></td><td class="n">${escapeHtml(fineMoney(rc.total.totalUSD))}</td></tr></tfoot></table></div>`;
}
