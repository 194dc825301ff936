/**
 * The HTML report: ONE self-contained file (chart.js inlined, data embedded, system fonts, a
 * Content-Security-Policy that forbids every fetch) that finance opens in a browser with no
 * network. Used by `report --format html`, `simulate --report-html` and `npm start`.
 */
import type { FinanceReport, VolumeReport } from '../core/report/report';
import { chartJsUmdSource } from './chartjs-source';
import { hours, isoUtc, percent, typesUsed, usd } from './format';
import { reportCharts, TOP_VOLUMES } from './html-charts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** JSON that can sit inside a `<script>` element (no `<` to close it early). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 24px; color: #1d2733; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 28px; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { border: 1px solid #d5dbe3; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.kpi b { display: block; font-size: 1.2rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 20px; }
.chart { position: relative; height: 340px; border: 1px solid #e3e7ec; border-radius: 6px; padding: 8px; }
table { border-collapse: collapse; font-size: 0.85rem; margin-top: 8px; }
th, td { border-bottom: 1px solid #e3e7ec; padding: 4px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td:first-child { white-space: nowrap; }
.note { color: #5a6778; font-size: 0.85rem; }
`;

const BOOT = `
(function () {
  var data = JSON.parse(document.getElementById('report-charts').textContent);
  window.guardianCharts = {};
  Object.keys(data).forEach(function (id) {
    window.guardianCharts[id] = new Chart(document.getElementById(id), data[id]);
  });
})();
`;

function kpis(report: FinanceReport): string {
  const t = report.totals;
  const items: [string, string][] = [
    ['Volumes', String(t.volumes)],
    ['Rescues / reverts', `${t.modifications.rescue} / ${t.modifications.revert}`],
    ['Actual cost', `$${usd(t.cost.actualUSD)}`],
    ['Unaided (original type)', `$${usd(t.cost.unaidedUSD)}`],
    ['gp3 for good', `$${usd(t.cost.allGp3USD)}`],
    ['Throttling prevented (est.)', `${hours(t.preventedThrottling.seconds)} h`],
    ['Alerts sent', String(t.alertsSent)],
    ['Open savings', `$${usd(t.recommendedMonthlySavingsUSD)}/month`],
  ];
  return `<div class="kpis">${items.map(([k, v]) => `<div class="kpi">${escapeHtml(k)}<b>${escapeHtml(v)}</b></div>`).join('')}</div>`;
}

function volumeRow(v: VolumeReport, types: readonly string[]): string {
  const cells = [
    escapeHtml(v.volumeId),
    `<td class="n">${v.sizeGiB ?? '-'}</td>`,
    escapeHtml(v.originalType === v.finalType ? (v.originalType ?? '-') : `${v.originalType ?? '-'} → ${v.finalType ?? '-'}`),
    `<td class="n">${v.modifications.rescue}</td>`,
    `<td class="n">${v.modifications.revert}</td>`,
    `<td class="n">${v.modifications.failed}</td>`,
    ...types.map((t) => `<td class="n">${hours(v.secondsByType[t as keyof typeof v.secondsByType] ?? 0)}</td>`),
    `<td class="n">${v.cost === undefined ? '-' : usd(v.cost.actualUSD)}</td>`,
    `<td class="n">${v.cost === undefined ? '-' : usd(v.cost.unaidedUSD)}</td>`,
    `<td class="n">${v.cost === undefined ? '-' : usd(v.cost.allGp3USD)}</td>`,
    `<td class="n">${hours(v.preventedThrottling.seconds)}</td>`,
    `<td class="n">${v.alertsSent}</td>`,
    escapeHtml(v.recommendations.map((r) => r.summary).join('; ')),
  ];
  return `<tr>${cells.map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`;
}

function volumeTable(report: FinanceReport): string {
  const types = typesUsed(report.volumes.map((v) => v.secondsByType));
  const head = ['volume', 'GiB', 'type', 'rescues', 'reverts', 'failed', ...types.map((t) => `h ${t}`), 'actual $', 'unaided $', 'gp3 $', 'prevented h', 'alerts', 'recommendation'];
  return `<table id="volumes"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${report.volumes
    .map((v) => volumeRow(v, types))
    .join('')}</tbody></table>`;
}

function reasonTable(report: FinanceReport): string {
  if (report.totals.reasons.length === 0) return '<p class="note">No modification applied in this period.</p>';
  const rows = report.totals.reasons.map((r) => `<tr><td>${escapeHtml(r.kind)}</td><td>${escapeHtml(r.reason)}</td><td class="n">${r.count}</td></tr>`);
  return `<table id="reasons"><thead><tr><th>kind</th><th>reason</th><th>count</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function roundTripTable(report: FinanceReport): string {
  const rows = report.volumes.flatMap((v) =>
    v.roundTrips.map(
      (r) =>
        `<tr><td>${escapeHtml(v.volumeId)}</td><td>${isoUtc(r.rescueEpochSeconds)}</td><td>${isoUtc(r.revertEpochSeconds)}</td><td class="n">${percent(r.balanceBeforePercent)}</td><td class="n">${percent(r.firstBalanceAfterPercent)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p class="note">No completed round trip in this period.</p>';
  return `<table><thead><tr><th>volume</th><th>rescued (UTC)</th><th>reverted (UTC)</th><th>balance before</th><th>first balance after</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Renders the report as one self-contained HTML document (chart.js inlined; opens with no network). */
export function renderHtmlReport(report: FinanceReport): string {
  const period = `${isoUtc(report.period.sinceEpochSeconds)} to ${isoUtc(report.period.untilEpochSeconds)}`;
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
Throttling prevented is an upper-bound estimate from the forecasts recorded at each rescue.</p>
${kpis(report)}
<h2>Charts</h2>
<div class="charts">${canvases.map((id) => `<div class="chart"><canvas id="${id}" role="img" aria-label="${id}"></canvas></div>`).join('')}</div>
<h2>Volumes (${report.volumes.length}; charts show the top ${TOP_VOLUMES})</h2>
${volumeTable(report)}
<h2>Modifications by kind and reason</h2>
${reasonTable(report)}
<h2>Round trips: does the credit balance survive?</h2>
${roundTripTable(report)}
<script type="application/json" id="report-charts">${scriptJson(reportCharts(report))}</script>
<script>${chartJsUmdSource()}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}
