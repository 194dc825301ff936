/**
 * The HTML report opened in headless Debian Chromium (playwright-core): charts drawn with the
 * expected series, no console errors, no request but the file itself; a screenshot is kept in
 * test-artifacts/. Needs /usr/bin/chromium: run scripts/setup-chromium.sh (CI does).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFinanceReport } from '../../lambda/core/report/report';
import { breakDown } from '../../lambda/core/report/breakdown';
import { addUsageToDay, runningCost } from '../../lambda/core/report/running-cost';
import { renderHtmlReport } from '../../lambda/report/html';
import { bundledPrices } from '../../lambda/report/report-query';
import { DEC_1, SEP_1, seededHistory } from '../fixtures/history/seed';
import { rdsAlert, rdsChange } from '../fixtures/history/rds';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/setup-chromium.sh (as root) to install Debian's chromium for this test`);
  }
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
}, 60_000);
afterAll(async () => {
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a file, recording every request and console error; requests to anything else are aborted. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => (route.request().url() === pathToFileURL(file).href ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests, errors };
}

interface ChartSummary {
  id: string;
  type: string;
  datasets: { label: string; points: number; sum: number }[];
  paintedPixels: number;
}

describe('HTML report in headless Chromium', () => {
  const history = seededHistory(24);
  const report = buildFinanceReport({
    period: { sinceEpochSeconds: SEP_1, untilEpochSeconds: DEC_1 },
    generatedAtEpochSeconds: DEC_1,
    ...bundledPrices('us-east-1'),
    events: history.events,
    modifications: history.modifications,
  });
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtmlReport(report));

  it('draws all four charts with the expected series, offline, without console errors', async () => {
    const { page, requests, errors } = await open(file);
    const charts = await page.evaluate(() => {
      const registry = (window as unknown as { guardianCharts: Record<string, { config: { type: string }; data: { datasets: { label: string; data: number[] }[] }; canvas: HTMLCanvasElement }> }).guardianCharts;
      return Object.entries(registry).map(([id, chart]) => {
        const ctx = chart.canvas.getContext('2d');
        const pixels = ctx === null ? new Uint8ClampedArray() : ctx.getImageData(0, 0, chart.canvas.width, chart.canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted += 1;
        return {
          id,
          type: chart.config.type,
          datasets: chart.data.datasets.map((d) => ({ label: d.label, points: d.data.length, sum: d.data.reduce((s, x) => s + x, 0) })),
          paintedPixels: painted,
        };
      });
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-html.png'), fullPage: true });
    await page.close();

    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    const byId = new Map((charts as ChartSummary[]).map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['chart-cost-month', 'chart-hours', 'chart-modifications', 'chart-top-volumes']);
    for (const chart of byId.values()) expect(chart.paintedPixels, chart.id).toBeGreaterThan(2_000);
    const modifications = byId.get('chart-modifications');
    expect(modifications?.datasets.map((d) => d.label)).toEqual(['rescues', 'reverts', 'failed']);
    expect(modifications?.datasets[0]?.sum).toBe(report.totals.modifications.rescue);
    expect(modifications?.datasets[1]?.sum).toBe(report.totals.modifications.revert);
    const cost = byId.get('chart-cost-month');
    expect(cost?.datasets.map((d) => [d.label, d.points])).toEqual([
      ['actual (with the guardian)', 3],
      ['unaided (original type)', 3],
      ['gp3 for good', 3],
    ]);
    expect(cost?.datasets[0]?.sum).toBeCloseTo(report.totals.cost.actualUSD, 1);
    expect(byId.get('chart-hours')?.datasets.map((d) => d.label)).toEqual(['gp3', 'io1']);
    expect(byId.get('chart-top-volumes')?.datasets[0]?.points).toBe(15);
  }, 60_000);

  it.each([
    ['desktop', 1280, 900],
    ['phone', 390, 844],
  ])('reads on a %s (%i px): no page-level horizontal scroll, tables scroll in their box, every bar labelled', async (label, width, height) => {
    const { page, errors } = await open(file);
    await page.setViewportSize({ width, height });
    await page.reload({ waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const charts = (window as unknown as { guardianCharts: Record<string, { scales: Record<string, { ticks: { label: unknown }[] }>; data: { labels: string[] }; config: { options: { indexAxis?: string } } }> }).guardianCharts;
      const labelled = Object.fromEntries(
        Object.entries(charts).map(([id, chart]) => {
          const axis = chart.config.options.indexAxis === 'y' ? 'y' : 'x';
          return [id, { ticks: chart.scales[axis]?.ticks.length ?? 0, labels: chart.data.labels.length }];
        }),
      );
      const table = document.querySelector('#volumes');
      const box = table?.parentElement;
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        tableWider: (table?.scrollWidth ?? 0) > (box?.clientWidth ?? 0),
        boxOverflow: box === null || box === undefined ? '' : getComputedStyle(box).overflowX,
        headline: document.querySelector('#headline')?.textContent ?? '',
        totals: document.querySelector('#volumes tfoot')?.textContent ?? '',
        labelled,
      };
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `report-html-${label}-${width}.png`), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.boxOverflow).toBe('auto');
    if (width === 390) expect(layout.tableWider).toBe(true); // the table is wider than the phone and scrolls inside its box
    expect(layout.headline).toMatch(/Against doing nothing .* the guardian's period cost \$[\d,]+\.\d\d: a net (saving|cost) of \$[\d,]+\.\d\d\./);
    expect(layout.totals).toContain('total');
    // Every volume bar carries its label (none skipped to make room).
    for (const id of ['chart-top-volumes', 'chart-hours']) expect(layout.labelled[id]?.ticks, id).toBe(layout.labelled[id]?.labels);
  }, 60_000);

  it('with --by account and the running cost, still reads on a phone (390 px): the breakdown scrolls in its box', async () => {
    const labels = new Map(report.volumes.map((v, i) => [v.volumeId, { accountId: ['111111111111', '222222222222', '333333333333'][i % 3], region: i % 2 === 0 ? 'eu-west-1' : 'ap-southeast-2' }]));
    const usage = ['111111111111', '222222222222', '333333333333'].map((accountId, i) => addUsageToDay(undefined, {
      accountId, region: 'eu-west-1', tEpochSeconds: SEP_1 + 86_400 * (i + 1), metricsRequested: 250_000, memoryMiB: 1024, durationMs: 9_000_000, dynamoReadUnits: 90_000, dynamoWriteUnits: 40_000, metricSeries: 14,
    }));
    const withCost = { ...report, runningCost: runningCost(usage, report.period) };
    const byFile = join(dir, 'report-by.html');
    writeFileSync(byFile, renderHtmlReport(withCost, { breakdown: breakDown(withCost, labels, { kind: 'account' }) }));
    const { page, errors } = await open(byFile);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const box = (id: string) => {
        const table = document.querySelector(id);
        const parent = table?.parentElement;
        return { wider: (table?.scrollWidth ?? 0) > (parent?.clientWidth ?? 0), overflow: parent ? getComputedStyle(parent).overflowX : '', rows: table?.querySelectorAll('tbody tr').length ?? 0 };
      };
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, breakdown: box('#breakdown'), running: box('#running-cost-table'), footer: document.querySelector('#breakdown tfoot')?.textContent ?? '' };
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-html-by-account-390.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.breakdown).toEqual({ wider: true, overflow: 'auto', rows: 3 });
    expect(layout.running.overflow).toBe('auto');
    expect(layout.running.rows).toBe(4);
    expect(layout.footer).toContain('organization total');
  }, 60_000);

  it('with RDS DB instances, still reads on a phone (390 px): the RDS table scrolls in its box', async () => {
    const ids = ['orders-db', 'analytics-warehouse-replica-eu-west-1-db', 'billing-db'];
    const withRds = buildFinanceReport({
      period: { sinceEpochSeconds: SEP_1, untilEpochSeconds: DEC_1 }, generatedAtEpochSeconds: DEC_1, ...bundledPrices('us-east-1'),
      events: [...history.events, rdsAlert('orders-db', SEP_1 + 3_600)],
      modifications: [...history.modifications, ...ids.map((id, i) => rdsChange(id, SEP_1 + 86_400 * (i + 1), { reason: 'forecast: BurstBalance empties in 32 min at the observed demand (model, confidence 0.8)' }))],
    });
    const rdsFile = join(dir, 'report-rds.html');
    writeFileSync(rdsFile, renderHtmlReport(withRds));
    const { page, errors } = await open(rdsFile);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const table = document.querySelector('#rds');
      const parent = table?.parentElement;
      return {
        scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
        wider: (table?.scrollWidth ?? 0) > (parent?.clientWidth ?? 0), overflow: parent ? getComputedStyle(parent).overflowX : '',
        rows: table?.querySelectorAll('tbody tr').length ?? 0, summary: document.querySelector('#rds-summary')?.textContent ?? '',
      };
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-html-rds-390.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout).toMatchObject({ wider: true, overflow: 'auto', rows: 3 });
    expect(layout.summary).toContain('3 storage change(s) asked for, 1 alert(s) sent.');
  }, 60_000);

  it('the overflow check can fail: a page with a wide unboxed table scrolls sideways at 390 px', async () => {
    const wide = join(dir, 'wide.html');
    writeFileSync(wide, '<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><table><tr><td style="white-space:nowrap">' + 'x'.repeat(400) + '</td></tr></table></body></html>');
    const { page } = await open(wide);
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    await page.close();
    expect(widths.scrollWidth).toBeGreaterThan(widths.innerWidth);
  }, 60_000);

  it('opens an empty period without errors', async () => {
    const empty = buildFinanceReport({ period: { sinceEpochSeconds: DEC_1, untilEpochSeconds: DEC_1 + 86_400 }, generatedAtEpochSeconds: DEC_1, ...bundledPrices('us-east-1'), events: [], modifications: [] });
    const emptyFile = join(dir, 'empty.html');
    writeFileSync(emptyFile, renderHtmlReport(empty));
    const { page, requests, errors } = await open(emptyFile);
    const chartCount = await page.evaluate(() => Object.keys((window as unknown as { guardianCharts: object }).guardianCharts).length);
    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(emptyFile).href]);
    expect(chartCount).toBe(4);
  }, 60_000);

  it('catches a page that reaches for the network (the check itself can fail)', async () => {
    const leaky = join(dir, 'leaky.html');
    writeFileSync(leaky, '<!doctype html><html><body><img src="http://127.0.0.1:9/pixel.png"></body></html>');
    const { page, requests } = await open(leaky);
    await page.close();
    expect(requests).toContain('http://127.0.0.1:9/pixel.png');
  }, 60_000);
});
