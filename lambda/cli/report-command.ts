/**
 * `burst-guardian report [--table NAME | --stack NAME] [--since DATE] [--until DATE]
 * [--format table|csv|json|html] [--out FILE] [--region R] [--profile P]`: finance's report over a
 * period, UTC calendar months, bundled prices (issue 7 item 2).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { PricingClient } from '@aws-sdk/client-pricing';
import { fromIni } from '@aws-sdk/credential-providers';
import { PriceListPriceReader, type PriceBookSource } from '../aws/pricing-price-list-reader';
import { UsageError } from '../core/errors';
import type { FinanceReport, ReportPeriod } from '../core/report/report';
import { monthLabelOf, parseReportDate } from '../core/report/calendar';
import { renderReportCsv } from '../report/csv';
import { AWS_HISTORY_SOURCE, openHistoryStore, regionOf, tableLocatorOf, type HistorySourceDeps, type TableLocator } from './history-source';
import { renderHtmlReport } from '../report/html';
import { renderReportJson } from '../report/json';
import { createProgress } from '../report/progress';
import { bookPrices, bundledPrices, DEFAULT_LOOKBACK_MONTHS, queryFinanceReport } from '../report/report-query';
import { renderReportTable } from '../report/table';
import { parseBreakdownKey, type Breakdown, type BreakdownKey } from '../core/report/breakdown';
import { queryBreakdown, renderBreakdownCsv, renderBreakdownTable, withBreakdownJson } from '../report/breakdown';
import type { CliCommand, CliIo } from '../shared/cli-io';
import { AWS_SESSION_HELP, HELP_OPTION, parseCommandArgs } from './args';

const OPTIONS = {
  table: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  format: { type: 'string', default: 'table' },
  out: { type: 'string' },
  by: { type: 'string' },
  'lookback-months': { type: 'string', default: String(DEFAULT_LOOKBACK_MONTHS) },
  ...HELP_OPTION,
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: burst-guardian report (--table NAME | --stack NAME) [--since DATE] [--until DATE]
         [--format table|csv|json|html] [--out FILE] [--region R] [--profile P] [--lookback-months 3]
         [--by account|region|tag:KEY]
  --by: totals per account, region or tag value (e.g. --by tag:team), adding up to the organization total
        (every format; with the guardian's own running cost per account or region when the history records it).
  DATE: YYYY-MM, YYYY-MM-DD or an ISO-8601 instant, UTC unless it carries an offset.
  The period is [since, until): --since 2026-09 --until 2026-12 covers September to November.
  Defaults: until = now, since = the start of the UTC month until falls in. Prices: today's AWS Price List API
  figures for --region (pricing:GetProducts), the bundled table for any it cannot give; the report names each figure's source.
  --lookback-months: months before the period searched for volumes rescued then and still off their type.
  --format          table (default), csv, json or html (--out FILE writes it to a file)
${AWS_SESSION_HELP}`;

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
  /** Where prices come from; absent = the bundled table only. */
  readonly prices?: (session: { readonly profile?: string }) => PriceBookSource;
}

function dateOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const parsed = parseReportDate(text);
  if (parsed === undefined) throw new UsageError(`--${name} '${text}' is not a date (YYYY-MM, YYYY-MM-DD or ISO-8601)`);
  return parsed;
}

/** Parsed and validated `report` arguments. */
export interface ReportArgs {
  readonly locator: TableLocator;
  readonly region?: string;
  readonly profile?: string;
  readonly period: ReportPeriod;
  readonly format: keyof typeof FORMATS;
  readonly out?: string;
  readonly lookbackMonths: number;
  readonly by?: BreakdownKey;
}

/** Parses `report` arguments against `now`; throws `UsageError` naming the problem. Undefined for `--help`. */
export function parseReportArgs(argv: readonly string[], nowEpochSeconds: number, env: CliIo['env']): ReportArgs | undefined {
  const { values } = parseCommandArgs(argv, OPTIONS, USAGE);
  if (values.help) return undefined;
  if (!(values.format in FORMATS)) throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}, not '${values.format}'`);
  const locator = tableLocatorOf(values);
  const until = dateOption('until', values.until, nowEpochSeconds);
  // The month `until` falls in (at exactly a month start: the month that just ended).
  const since = dateOption('since', values.since, parseReportDate(monthLabelOf(until - 1)) ?? until);
  if (until <= since) throw new UsageError(`--until must be after --since (got ${values.since ?? 'month start'} → ${values.until ?? 'now'})`);
  const lookbackMonths = Number(values['lookback-months']);
  if (!Number.isInteger(lookbackMonths) || lookbackMonths < 0 || lookbackMonths > 36) {
    throw new UsageError(`--lookback-months must be a whole number from 0 to 36, not '${values['lookback-months']}'`);
  }
  return {
    lookbackMonths,
    locator,
    region: regionOf(values.region, env),
    profile: values.profile,
    period: { sinceEpochSeconds: since, untilEpochSeconds: until },
    format: values.format as keyof typeof FORMATS,
    out: values.out,
    ...(values.by === undefined ? {} : { by: parseBreakdownKey(values.by) }),
  };
}

/** The report in `format`, with the breakdown (when asked for) where that format puts it. */
function renderWithBreakdown(format: ReportArgs['format'], report: FinanceReport, breakdown: Breakdown | undefined): string {
  if (breakdown === undefined) return FORMATS[format](report);
  if (format === 'html') return renderHtmlReport(report, { breakdown });
  if (format === 'json') return withBreakdownJson(renderReportJson(report), breakdown);
  return FORMATS[format](report) + (format === 'csv' ? renderBreakdownCsv(breakdown) : renderBreakdownTable(breakdown));
}

/** Builds the `report` command over the given clients and clock. */
export function createReportCommand(deps: ReportCommandDeps): CliCommand {
  return async (argv, io) => {
    const nowEpochSeconds = Math.floor(deps.nowMs() / 1000);
    const args = parseReportArgs(argv, nowEpochSeconds, io.env);
    if (args === undefined) {
      io.stdout(USAGE);
      return 0;
    }
    const { store } = await openHistoryStore(args.locator, { region: args.region, profile: args.profile }, deps.source);
    const progress = createProgress(io, { nowMs: deps.nowMs });
    let report: FinanceReport;
    try {
      report = await queryFinanceReport(store, {
        period: args.period,
        nowEpochSeconds,
        ...(deps.prices === undefined
          ? bundledPrices(args.region)
          : bookPrices(await deps.prices({ ...(args.profile === undefined ? {} : { profile: args.profile }) }).priceBook(args.region ?? 'us-east-1', nowEpochSeconds))),
        lookbackMonths: args.lookbackMonths,
        onProgress: (text) => progress.update(text),
      });
    } finally {
      progress.done();
    }
    const breakdown = args.by === undefined ? undefined : await queryBreakdown(store, report, args.by);
    const text = renderWithBreakdown(args.format, report, breakdown);
    if (args.out === undefined) {
      io.stdout(text);
      return 0;
    }
    const file = resolve(io.cwd, args.out);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
    io.stdout(`wrote ${file} (${args.format}, ${report.volumes.length} volumes)\n`);
    return 0;
  };
}

/** The `report` command with the caller's AWS credentials and the system clock. */
export const runReport: CliCommand = createReportCommand({
  source: AWS_HISTORY_SOURCE,
  nowMs: () => Date.now(),
  // The Price List Query API answers from us-east-1 whatever Region is reported on.
  prices: (session) => new PriceListPriceReader({ client: new PricingClient({ region: 'us-east-1', ...(session.profile === undefined ? {} : { credentials: fromIni({ profile: session.profile }) }) }) }),
});
