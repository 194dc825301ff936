import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFinanceReport } from '../../lambda/core/report/report';
import { buildVolumeHistory } from '../../lambda/core/report/history';
import { createProgress } from '../../lambda/report/progress';
import { CSV_COLUMNS, csvField, renderReportCsv } from '../../lambda/report/csv';
import { escapeHtml, renderHtmlReport } from '../../lambda/report/html';
import { renderHistoryJson, renderReportJson } from '../../lambda/report/json';
import { renderHistoryTable, renderReportTable } from '../../lambda/report/table';
import { bundledPrices } from '../../lambda/report/report-query';
import { BOUNDARY, FLIP_REVERT, handComputedHistory, NOV_1, OCT_1 } from '../fixtures/history/seed';
import { parseCsv } from './cli-harness';
import { reportWithTallies, TALLY } from '../core/report/report-fixtures';

const hand = handComputedHistory();
const october = buildFinanceReport({
  period: { sinceEpochSeconds: OCT_1, untilEpochSeconds: NOV_1 },
  generatedAtEpochSeconds: NOV_1,
  ...bundledPrices('us-east-1'),
  events: [
    ...hand.events,
    // On a volume the report makes no price judgement for, so the recorded line is the one shown.
    { volumeId: BOUNDARY, tEpochSeconds: OCT_1 + 30 * 86_400, kind: 'recommendation', runId: 'r', summary: 'keep "gp3", <b>really</b>', details: { monthlySavingsUSD: 2 } },
  ],
  modifications: hand.modifications,
});

describe('CSV (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['', ''],
  ])('writes %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('round-trips any text through quoting and parsing', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (cells) => {
        const text = `${cells.map((_, i) => `c${i}`).join(',')}\r\n${cells.map(csvField).join(',')}\r\n`;
        expect(parseCsv(text)).toEqual([Object.fromEntries(cells.map((c, i) => [`c${i}`, c]))]);
      }),
    );
  });

  it('writes one header, a row per volume, per month and a total, every line ending in CRLF', () => {
    const csv = renderReportCsv(october);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.at(-1)).toBe('');
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n(?!")/);
    expect(parseCsv(csv).map((r) => r['scope'])).toEqual(['volume', 'volume', 'month', 'total']);
  });
});

describe('table, JSON and HTML', () => {
  it('prints the period, totals and each volume in the table', () => {
    const text = renderReportTable(october);
    expect(text).toContain('Guardian report 2026-10-01T00:00:00Z to 2026-11-01T00:00:00Z (prices: bundled us-east-1 list prices)');
    expect(text).toMatch(/2026-10\s+31\.41\s+30\.00\s+29\.00/);
    expect(text).toContain('keep "gp3", <b>really</b>');
  });

  it('keeps the report values in JSON with ISO copies of the instants', () => {
    const json = JSON.parse(renderReportJson(october)) as { periodStart: string; totals: { cost: { unaidedUSD: number } } };
    expect(json.periodStart).toBe('2026-10-01T00:00:00Z');
    expect(json.totals.cost.unaidedUSD).toBeCloseTo(30, 9);
  });

  it('versions the JSON, rounds money to cents and puts an ISO-8601 time beside every epoch', () => {
    const doc = JSON.parse(renderReportJson(october)) as Record<string, unknown>;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.netSavingUSD).toBeCloseTo(october.totals.cost.unaidedUSD - october.totals.cost.actualUSD, 2);
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (value === null || typeof value !== 'object') return;
      for (const [key, field] of Object.entries(value)) {
        if (key.endsWith('USD') && typeof field === 'number') expect(Math.round(field * 100) / 100, key).toBe(field);
        if (key.endsWith('EpochSeconds') && typeof field === 'number') {
          const iso = (value as Record<string, unknown>)[`${key.slice(0, -'EpochSeconds'.length)}Time`];
          expect(iso, key).toBe(new Date(field * 1000).toISOString().replace('.000Z', 'Z'));
        }
        visit(field);
      }
    };
    visit(doc);
    expect(JSON.stringify(doc)).toMatch(/"sinceTime":"2026-10-01T00:00:00Z"/);
  });

  it('states the net saving against doing nothing as the headline, with a totals row and separated dollars', () => {
    const html = renderHtmlReport(october);
    expect(html).toMatch(/<p class="headline" id="headline">Against doing nothing \(every volume left on its original type, \$[\d,]+\.\d\d\), the guardian's period cost \$[\d,]+\.\d\d: a net <b class="(saving|cost)">(saving|cost) of \$[\d,]+\.\d\d<\/b>\.<\/p>/);
    expect(html).toContain('<tfoot><tr><td>total</td>');
    const big = { ...october, totals: { ...october.totals, cost: { ...october.totals.cost, actualUSD: 12_345.678, unaidedUSD: 23_456.789 } } };
    expect(renderHtmlReport(big)).toContain('a net <b class="saving">saving of $11,111.11</b>');
  });

  it('escapes text in the HTML and in the embedded chart data', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderHtmlReport(october);
    expect(html).toContain('keep &quot;gp3&quot;, &lt;b&gt;really&lt;/b&gt;');
    expect(html).not.toContain('<b>really</b>');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toMatch(/sourceMappingURL|<link|@import|url\(/);
    expect(html).toMatch(/<td>rescue<\/td><td>forecast<\/td><td class="n">1<\/td>/);
  });

  it('renders a history with states, reasons and round trips in table and JSON', () => {
    const history = buildVolumeHistory(FLIP_REVERT, hand.events, hand.modifications);
    expect(renderHistoryTable(history)).toMatch(/2026-10-10T12:00:00Z\s+modify:rescue\s+completed\s+gp2 → gp3 \(3000 IOPS, 125 MiB\/s\), 100 GiB\s+forecast: bucket empty within the horizon; balance before 12\.5%/);
    expect(JSON.parse(renderHistoryJson(history))).toMatchObject({ volumeId: FLIP_REVERT, roundTrips: [{ rescueTime: '2026-10-10T12:00:00Z', firstBalanceAfterPercent: 40 }] });
  });
});

describe('prevented throttling says how it was obtained', () => {
  // FLIP_REVERT replayed (1,000 s at the burst ceiling, 5,400 s if steady), BOUNDARY estimated (3,600 s).
  const mixed = reportWithTallies({ [FLIP_REVERT]: TALLY });

  it('keeps the CSV\'s columns in place and adds the basis and both parts at the end', () => {
    // Then the running-cost columns, added after them, then the RDS columns (issue 15 part 2), then the instance ones (part 1).
    expect(CSV_COLUMNS.slice(-16, -10)).toEqual(['prevented_basis', 'prevented_replayed_hours', 'prevented_replayed_if_steady_hours', 'prevented_estimated_hours', 'running_cost_usd', 'net_of_running_cost_usd']);
    expect(CSV_COLUMNS.slice(-10, -3)).toEqual(['resource_kind', 'requested_at', 'status', 'monthly_cost_delta_usd', 'engine', 'account_id', 'region']);
    expect(CSV_COLUMNS.slice(-3)).toEqual(['instance_type', 'pages_sent', 'refused_flips']);
    expect(CSV_COLUMNS.indexOf('prevented_throttling_hours')).toBe(23);
    const total = parseCsv(renderReportCsv(mixed)).find((row) => row.scope === 'total');
    expect(total).toMatchObject({ prevented_throttling_hours: '1.28', prevented_basis: 'mixed', prevented_replayed_hours: '0.28', prevented_replayed_if_steady_hours: '1.50', prevented_estimated_hours: '1.00' });
  });

  it('labels the HTML tile and the table by basis, and says which hours are replayed and which estimated', () => {
    const html = renderHtmlReport(mixed);
    expect(html).toContain('Throttling prevented (replayed + estimated)<b>1.28 h</b>');
    expect(html).toContain('0.28 h replayed from the demand observed while flipped');
    expect(html).toContain('up to 1.50 h if it was steady within each minute');
    expect(html).toContain('1.00 h estimated for 1 rescue(s) recorded without a replay');
    expect(renderReportTable(mixed)).toContain('Throttling prevented (replayed + estimated): 2 episode(s), 1.28 h, 11340000 I/Os deferred');
    expect(renderHtmlReport(reportWithTallies({ [FLIP_REVERT]: TALLY }, OCT_1, NOV_1))).toContain('Throttling prevented (replayed)<b>0.28 h</b>');
  });

  it('gives both parts in JSON', () => {
    expect(JSON.parse(renderReportJson(mixed)).totals.preventedThrottling).toMatchObject({
      basis: 'mixed', seconds: 4_600, replay: { seconds: 1_000, secondsIfSteady: 5_400 }, estimate: { seconds: 3_600 },
    });
  });
});

describe('progress line', () => {
  it('draws only on a terminal after the delay, and erases itself', () => {
    let t = 0;
    let err = '';
    const progress = createProgress({ stdout: () => {}, stderr: (s) => (err += s), env: {}, cwd: '/', stderrIsTty: true }, { nowMs: () => t, delayMs: 1_000 });
    progress.update('early');
    t = 1_500;
    progress.update('month 1/2');
    progress.done();
    expect(err).toBe('\rmonth 1/2\r         \r');
  });
});
