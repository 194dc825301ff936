/**
 * The HTML report: ONE self-contained file (chart.js inlined, data embedded, system fonts, a
 * Content-Security-Policy that forbids every fetch) that finance opens in a browser with no
 * network. Used by `report --format html`, `simulate --report-html` and `npm start`.
 */
import type { FinanceReport, VolumeReport } from '../core/report/report';
import { chartJsUmdSource } from './chartjs-source';
import { instancesSection } from './html-instances';
import { escapeHtml, grouped, hours, isoUtc, money, percent, preventedBasis, preventedSentence, typesUsed } from './format';
import { chartHeightPx, reportCharts, TOP_VOLUMES } from './html-charts';
import type { Breakdown } from '../core/report/breakdown';
import { renderBreakdownHtml } from './breakdown';
import { fineMoney, netOfRunningCost, runningCostHtml } from './running-cost';

export { escapeHtml };

/** JSON that can sit inside a `<script>` element (no `<` to close it early). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 24px; color: #1d2733; }
h1 { font-size: 1.4rem; overflow-wrap: anywhere; } h2 { font-size: 1.1rem; margin-top: 28px; }
.headline { font-size: 1.15rem; border-left: 4px solid #1f3b73; padding: 8px 12px; background: #f3f6fa; }
.headline b.saving { color: #1b6e2e; } .headline b.cost { color: #a12a1f; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { border: 1px solid #d5dbe3; border-radius: 6px; padding: 8px 12px; flex: 1 1 150px; }
.kpi b { display: block; font-size: 1.2rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 20px; }
.chart { position: relative; min-width: 0; border: 1px solid #e3e7ec; border-radius: 6px; padding: 8px; }
.scroll { max-width: 100%; overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.85rem; margin-top: 8px; }
th, td { border-bottom: 1px solid #e3e7ec; padding: 4px 8px; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td:first-child, td.t { white-space: nowrap; }
.rec { min-width: 18em; }
tfoot td { font-weight: 600; border-top: 2px solid #1d2733; }
.note { color: #5a6778; font-size: 0.85rem; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { margin: 12px; }
  h1 { font-size: 1.15rem; }
  .kpi { flex-basis: 140px; padding: 6px 8px; }
  .kpi b { font-size: 1.05rem; }
}
`;

const BOOT = `
(function () {
  var data = JSON.parse(document.getElementById('report-charts').textContent);
  // Phones: smaller type and legend boxes, so labels fit without being skipped into nothing.
  if (window.innerWidth < 600) { Chart.defaults.font.size = 10; Chart.defaults.plugins.legend.labels.boxWidth = 12; }
  window.guardianCharts = {};
  Object.keys(data).forEach(function (id) {
    window.guardianCharts[id] = new Chart(document.getElementById(id), data[id]);
  });
})();
`;

/** The headline finance asked for: what the guardian saved or cost against doing nothing. */
function headline(report: FinanceReport): string {
  const { actualUSD, unaidedUSD } = report.totals.cost;
  const net = unaidedUSD - actualUSD;
  const verdict = Math.abs(net) < 0.005
    ? '<b>no net change</b>'
    : net > 0 ? `a net <b class="saving">saving of ${money(net)}</b>` : `a net <b class="cost">cost of ${money(-net)}</b>`;
  return `<p class="headline" id="headline">Against doing nothing (every volume left on its original type, ${money(unaidedUSD)}), the guardian's period cost ${money(actualUSD)}: ${verdict}.${runningCostSentence(report)}</p>`;
}

/** The headline's second sentence: the guardian's own running cost and the net once it is paid. */
function runningCostSentence(report: FinanceReport): string {
  const net = netOfRunningCost(report);
  if (net === undefined || report.runningCost === undefined) return '';
  const verdict = net >= 0 ? `a net <b class="saving">saving of ${fineMoney(net)}</b>` : `a net <b class="cost">cost of ${fineMoney(-net)}</b>`;
  return ` Its own running cost was ${fineMoney(report.runningCost.total.totalUSD)}: net of it, ${verdict}.`;
}

function kpis(report: FinanceReport): string {
  const t = report.totals;
  const items: [string, string][] = [
    ['Volumes', t.volumes.toLocaleString('en-US')],
    ['Rescues / reverts', `${t.modifications.rescue.toLocaleString('en-US')} / ${t.modifications.revert.toLocaleString('en-US')}`],
    ['Actual cost', money(t.cost.actualUSD)],
    ['Unaided (original type)', money(t.cost.unaidedUSD)],
    ['gp3 for good', money(t.cost.allGp3USD)],
    [t.preventedThrottling.basis === 'none' ? 'Throttling prevented' : `Throttling prevented (${preventedBasis(t.preventedThrottling)})`, `${hours(t.preventedThrottling.seconds)} h`],
    ['Alerts sent', t.alertsSent.toLocaleString('en-US')],
    ['Open savings', `${money(t.recommendedMonthlySavingsUSD)}/month`],
  ];
  return `<div class="kpis">${items.map(([k, v]) => `<div class="kpi">${escapeHtml(k)}<b>${escapeHtml(v)}</b></div>`).join('')}</div>`;
}

const n = (text: string): string => `<td class="n">${text}</td>`;
const dollars = (v: VolumeReport, pick: (c: NonNullable<VolumeReport['cost']>) => number): string => (v.cost === undefined ? '-' : grouped(pick(v.cost)));

function volumeRow(v: VolumeReport, types: readonly string[]): string {
  const cells = [
    escapeHtml(v.volumeId),
    n(v.sizeGiB === undefined ? '-' : v.sizeGiB.toLocaleString('en-US')),
    escapeHtml(v.originalType === v.finalType ? (v.originalType ?? '-') : `${v.originalType ?? '-'} → ${v.finalType ?? '-'}`),
    n(String(v.modifications.rescue)),
    n(String(v.modifications.revert)),
    n(String(v.modifications.failed)),
    ...types.map((t) => n(hours(v.secondsByType[t as keyof typeof v.secondsByType] ?? 0))),
    n(dollars(v, (c) => c.actualUSD)),
    n(dollars(v, (c) => c.unaidedUSD)),
    n(dollars(v, (c) => c.allGp3USD)),
    n(hours(v.preventedThrottling.seconds)),
    n(String(v.alertsSent)),
    `<div class="rec">${escapeHtml(v.recommendations.map((r) => r.summary).join('; '))}</div>`,
  ];
  return `<tr>${cells.map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`;
}

/** The totals row: the same sums as the headline and the tiles. */
function totalsRow(report: FinanceReport, types: readonly string[]): string {
  const t = report.totals;
  const typeHours = types.map((type) => report.volumes.reduce((sum, v) => sum + (v.secondsByType[type as keyof typeof v.secondsByType] ?? 0), 0));
  const cells = [
    '<td>total</td>', n(''), '<td></td>',
    n(t.modifications.rescue.toLocaleString('en-US')), n(t.modifications.revert.toLocaleString('en-US')), n(t.modifications.failed.toLocaleString('en-US')),
    ...typeHours.map((s) => n(hours(s))),
    n(grouped(t.cost.actualUSD)), n(grouped(t.cost.unaidedUSD)), n(grouped(t.cost.allGp3USD)),
    n(hours(t.preventedThrottling.seconds)), n(t.alertsSent.toLocaleString('en-US')), `<td>${escapeHtml(`open savings ${money(t.recommendedMonthlySavingsUSD)}/month`)}</td>`,
  ];
  return `<tfoot><tr>${cells.join('')}</tr></tfoot>`;
}

function volumeTable(report: FinanceReport): string {
  const types = typesUsed(report.volumes.map((v) => v.secondsByType));
  const head = ['volume', 'GiB', 'type', 'rescues', 'reverts', 'failed', ...types.map((t) => `h ${t}`), 'actual $', 'unaided $', 'gp3 $', 'prevented h', 'alerts', 'recommendation'];
  return `<div class="scroll"><table id="volumes"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${report.volumes
    .map((v) => volumeRow(v, types))
    .join('')}</tbody>${totalsRow(report, types)}</table></div>`;
}

function reasonTable(report: FinanceReport): string {
  if (report.totals.reasons.length === 0) return '<p class="note">No modification applied in this period.</p>';
  const rows = report.totals.reasons.map((r) => `<tr><td>${escapeHtml(r.kind)}</td><td>${escapeHtml(r.reason)}</td><td class="n">${r.count}</td></tr>`);
  return `<div class="scroll"><table id="reasons"><thead><tr><th>kind</th><th>reason</th><th>count</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function roundTripTable(report: FinanceReport): string {
  const rows = report.volumes.flatMap((v) =>
    v.roundTrips.map(
      (r) =>
        `<tr><td>${escapeHtml(v.volumeId)}</td><td class="t">${isoUtc(r.rescueEpochSeconds)}</td><td class="t">${isoUtc(r.revertEpochSeconds)}</td><td class="n">${percent(r.balanceBeforePercent)}</td><td class="n">${percent(r.firstBalanceAfterPercent)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p class="note">No completed round trip in this period.</p>';
  return `<div class="scroll"><table><thead><tr><th>volume</th><th>rescued (UTC)</th><th>reverted (UTC)</th><th>balance before</th><th>first balance after</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The RDS section (issue 15 part 2): each storage change asked for, in a table that scrolls in its own box. */
function rdsSection(report: FinanceReport): string {
  const rds = report.rds;
  if (rds === undefined) return '';
  const rows = rds.changes.map((c) => {
    const cells = [
      `<td>${escapeHtml(c.identifier)}</td>`, `<td>${escapeHtml(c.engine ?? '-')}</td>`, `<td>${escapeHtml(c.accountId ?? '-')}</td>`, `<td>${escapeHtml(c.region ?? '-')}</td>`,
      `<td class="t">${isoUtc(c.requestedEpochSeconds)}</td>`, `<td>${escapeHtml(`${c.fromStorageType} → ${c.toStorageType}`)}</td>`, n(c.sizeGiB.toLocaleString('en-US')),
      `<td>${escapeHtml(c.dryRun && c.status !== 'dry-run' ? `${c.status} (dry-run)` : c.status)}</td>`, n(grouped(c.monthlyCostDeltaUSD)), `<td><div class="rec">${escapeHtml(c.reason)}</div></td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  const head = ['DB instance', 'engine', 'account', 'region', 'requested (UTC)', 'storage', 'GiB', 'status', '$/month', 'reason'];
  const table = rows.length === 0
    ? ''
    : `<div class="scroll"><table id="rds"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  return `<h2>RDS DB instances</h2>
<p class="note" id="rds-summary">${rds.changes.length} storage change(s) asked for, ${rds.alertsSent} alert(s) sent. Priced with RDS storage prices ($/month: the change to the monthly bill), not in the volumes' costs above; the guardian never moves a DB instance back to gp2.</p>
${table}`;
}

/** Renders the report as one self-contained HTML document (chart.js inlined; opens with no network); `--by` adds its breakdown. */
export function renderHtmlReport(report: FinanceReport, extras: { readonly breakdown?: Breakdown } = {}): string {
  const period = `${isoUtc(report.period.sinceEpochSeconds)} to ${isoUtc(report.period.untilEpochSeconds)}`;
  const charts = reportCharts(report);
  const canvases = ['chart-modifications', 'chart-cost-month', 'chart-hours', 'chart-top-volumes'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ebs-burst-guardian report ${escapeHtml(period)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>ebs-burst-guardian: flips and costs, ${escapeHtml(period)}</h1>
<p class="note">Generated ${isoUtc(report.generatedAtEpochSeconds)}. Prices: ${escapeHtml(report.priceSource)}; per-second billing, UTC calendar months.
Throttling prevented: ${escapeHtml(preventedSentence(report.totals.preventedThrottling))} How: docs/report.md.</p>
${headline(report)}
${kpis(report)}
${extras.breakdown === undefined ? '' : renderBreakdownHtml(extras.breakdown)}
${runningCostHtml(report)}
<h2>Charts</h2>
<div class="charts">${canvases
    .map((id) => `<div class="chart" style="height:${charts[id] === undefined ? 320 : chartHeightPx(charts[id])}px"><canvas id="${id}" role="img" aria-label="${id}"></canvas></div>`)
    .join('')}</div>
<h2>Volumes (${report.volumes.length}; charts show the top ${TOP_VOLUMES})</h2>
${report.volumes.length === 0 ? '<p class="note" id="no-volumes">No volume modifications in the period.</p>' : volumeTable(report)}
<h2>Modifications by kind and reason</h2>
${reasonTable(report)}
<h2>Round trips: does the credit balance survive?</h2>
${roundTripTable(report)}
${rdsSection(report)}
${instancesSection(report)}
<script type="application/json" id="report-charts">${scriptJson(charts)}</script>
<script>${chartJsUmdSource()}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}
