/**
 * `burst-guardian report [--table NAME | --stack NAME] [--since DATE] [--until DATE]
 * [--format table|csv|json|html] [--out FILE] [--region R] [--profile P]`: finance's report over a
 * period, UTC calendar months, bundled prices (issue 7 item 2).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors';
import type { FinanceReport } from '../core/report';
import { monthLabelOf, parseReportDate } from '../core/report-calendar';
import { renderReportCsv } from '../report/csv';
import { AWS_HISTORY_SOURCE, openHistoryStore, regionOf, tableLocatorOf, type HistorySourceDeps } from '../report/history-source';
import { renderHtmlReport } from '../report/html';
import { renderReportJson } from '../report/json';
import { createProgress } from '../report/progress';
import { bundledPrices, queryFinanceReport } from '../report/report-query';
import { renderReportTable } from '../report/table';
import type { CliCommand } from './io';

const OPTIONS = {
  table: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  format: { type: 'string', default: 'table' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: burst-guardian report (--table NAME | --stack NAME) [--since DATE] [--until DATE]
         [--format table|csv|json|html] [--out FILE] [--region R] [--profile P]
  DATE: YYYY-MM, YYYY-MM-DD or an ISO-8601 instant, UTC unless it carries an offset.
  The period is [since, until): --since 2026-09 --until 2026-12 covers September to November.
  Defaults: until = now, since = the start of the UTC month until falls in. Prices: bundled, for --region.
`;

const FORMATS = {
  table: renderReportTable,
  csv: renderReportCsv,
  json: renderReportJson,
  html: renderHtmlReport,
} as const satisfies Record<string, (report: FinanceReport) => string>;

/** Dependencies of the command: AWS clients and the clock (tests inject them). */
export interface ReportCommandDeps {
  readonly source: HistorySourceDeps;
  readonly nowMs: () => number;
}

function dateOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const parsed = parseReportDate(text);
  if (parsed === undefined) throw new UsageError(`--${name} '${text}' is not a date (YYYY-MM, YYYY-MM-DD or ISO-8601)`);
  return parsed;
}

/** Builds the `report` command over the given clients and clock. */
export function createReportCommand(deps: ReportCommandDeps): CliCommand {
  return async (argv, io) => {
    let values;
    try {
      ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
    } catch (error) {
      throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { cause: error });
    }
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (!(values.format in FORMATS)) throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}, not '${values.format}'`);
    const render = FORMATS[values.format as keyof typeof FORMATS];
    const locator = tableLocatorOf(values);
    const nowEpochSeconds = Math.floor(deps.nowMs() / 1000);
    const until = dateOption('until', values.until, nowEpochSeconds);
    // The month `until` falls in (at exactly a month start: the month that just ended).
    const since = dateOption('since', values.since, parseReportDate(monthLabelOf(until - 1)) ?? until);
    if (until <= since) throw new UsageError(`--until must be after --since (got ${values.since ?? 'month start'} → ${values.until ?? 'now'})`);
    const region = regionOf(values.region, io.env);
    const { store } = await openHistoryStore(locator, { region, profile: values.profile }, deps.source);
    const progress = createProgress(io, { nowMs: deps.nowMs });
    let report: FinanceReport;
    try {
      report = await queryFinanceReport(store, {
        period: { sinceEpochSeconds: since, untilEpochSeconds: until },
        nowEpochSeconds,
        ...bundledPrices(region),
        onProgress: (text) => progress.update(text),
      });
    } finally {
      progress.done();
    }
    const text = render(report);
    if (values.out === undefined) {
      io.stdout(text);
      return 0;
    }
    const file = resolve(io.cwd, values.out);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
    io.stdout(`wrote ${file} (${values.format}, ${report.volumes.length} volumes)\n`);
    return 0;
  };
}

/** The `report` command with the caller's AWS credentials and the system clock. */
export const runReport: CliCommand = createReportCommand({ source: AWS_HISTORY_SOURCE, nowMs: () => Date.now() });
