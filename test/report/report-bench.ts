/**
 * Report benchmark: builds and renders finance's report for seeded fleets of growing size and prints
 * wall times, output sizes and peak memory. Numbers only; nothing asserted.
 * Run: `npm run bench:report -- [--volumes 100,1000,5000] [--json]`.
 */
import { parseArgs } from 'node:util';
import { buildFinanceReport } from '../../lambda/core/report/report';
import { renderReportCsv } from '../../lambda/report/csv';
import { renderHtmlReport } from '../../lambda/report/html';
import { bundledPrices } from '../../lambda/report/report-query';
import { renderReportTable } from '../../lambda/report/table';
import { DEC_1, fleetHistory, SEP_1 } from '../fixtures/history/seed';

interface Row {
  volumes: number;
  events: number;
  modifications: number;
  buildMs: number;
  tableMs: number;
  csvMs: number;
  htmlMs: number;
  csvBytes: number;
  htmlBytes: number;
  peakRssMB: number;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: Math.round((performance.now() - start) * 10) / 10 };
}

function measure(volumes: number): Row {
  const history = fleetHistory(volumes, 11);
  const build = timed(() =>
    buildFinanceReport({
      period: { sinceEpochSeconds: SEP_1, untilEpochSeconds: DEC_1 },
      generatedAtEpochSeconds: DEC_1,
      ...bundledPrices('us-east-1'),
      events: history.events,
      modifications: history.modifications,
    }),
  );
  const table = timed(() => renderReportTable(build.value));
  const csv = timed(() => renderReportCsv(build.value));
  const html = timed(() => renderHtmlReport(build.value));
  return {
    volumes,
    events: history.events.length,
    modifications: history.modifications.length,
    buildMs: build.ms,
    tableMs: table.ms,
    csvMs: csv.ms,
    htmlMs: html.ms,
    csvBytes: Buffer.byteLength(csv.value),
    htmlBytes: Buffer.byteLength(html.value),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

const { values } = parseArgs({ options: { volumes: { type: 'string', default: '100,1000,5000' }, json: { type: 'boolean', default: false } } });
const rows = values.volumes.split(',').map((v) => measure(Number(v)));
if (values.json) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else {
  const headers = Object.keys(rows[0] ?? {}) as (keyof Row)[];
  process.stdout.write(`${headers.join('\t')}\n${rows.map((r) => headers.map((h) => String(r[h])).join('\t')).join('\n')}\n`);
}
