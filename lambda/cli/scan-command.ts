/**
 * `burst-guardian scan [--policy FILE] [--region R] [--profile P] [--table NAME] [--topic-arn ARN]
 * [--execute] [--json]`: the Lambda's scan (`runScan`, same adapters) with the caller's credentials
 * (issue 4 item 4). Without `--execute` it is always a dry run; with it, only what the policy allows
 * (a policy with `dryRun: true` still modifies nothing). Acting needs `--table`: every modification
 * is recorded as an intent in the history table before ModifyVolume (DESIGN.md §3), and the ledger
 * there is what keeps the 4-per-24h budget; without a table nothing is recorded.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { DynamoDbHistoryStore } from '../aws/dynamodb-history-store';
import { SnsNotifier } from '../aws/sns-notifier';
import { routingNotifier } from '../core/notification/route';
import { UsageError } from '../core/errors';
import { formatBody, formatDuration, formatSubject } from '../core/notification/format';
import { parsePolicy } from '../core/policy/policy';
import type { HistoryStore, NotificationDeployment, Notifier } from '../core/ports';
import { runScan } from '../core/scan/scan';
import { assessScanWatch } from '../core/scan/watch';
import type { ScanReport, VolumeScanResult } from '../core/scan/types';
import type { RdsScanResult } from '../core/scan/rds-scan';
import { rdsResourceKey } from '../core/rds-ports';
import type { Forecast } from '../core/types';
import { PortObserver } from '../handlers/port-observer';
import { createAwsPorts, createGuardianClients, type GuardianClients } from '../handlers/wiring';
import { rdsScanPorts } from '../handlers/rds-wiring';
import { regionOf, sessionClientConfig, type AwsSessionOptions } from './history-source';
import { MemoryHistoryStore } from '../sim/memory-history-store';
import type { CliCommand, CliIo } from '../shared/cli-io';
import { AWS_SESSION_HELP, HELP_OPTION, OUTPUT_HELP, OUTPUT_OPTIONS, outputFormatOf, parseCommandArgs, renderTextRows, type OutputFormat } from './args';

const OPTIONS = {
  policy: { type: 'string', default: 'policy.yaml' },
  region: { type: 'string' },
  profile: { type: 'string' },
  table: { type: 'string' },
  'topic-arn': { type: 'string' },
  'notice-topic-arn': { type: 'string' },
  execute: { type: 'boolean', default: false },
  ...OUTPUT_OPTIONS,
  ...HELP_OPTION,
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: burst-guardian scan [--policy FILE] [--region R] [--profile P] [--table NAME] [--topic-arn ARN] [--notice-topic-arn ARN]
         [--execute] [--output table|json|text] [--json]
  Runs one scan of your volumes with your AWS credentials and prints what it sees and decides.
  --policy FILE     policy file (default policy.yaml)
  --table NAME      the guardian's history table (ledger); without it nothing is recorded
  --topic-arn ARN   send notifications to this SNS topic; without it they are printed to stderr
  --notice-topic-arn ARN  send early warnings and notices here instead (pages stay on --topic-arn)
  --execute         allow ModifyVolume (only if the policy has dryRun: false; needs --table)
${AWS_SESSION_HELP}${OUTPUT_HELP}`;

/** What the command needs from the outside world (tests inject mocked clients and a clock). */
export interface ScanCommandDeps {
  readonly clients: (session: AwsSessionOptions) => GuardianClients;
  readonly nowEpochSeconds: () => number;
  readonly readText: (path: string) => Promise<string>;
  readonly runId?: () => string;
}

/** Builds the `scan` command over injected clients. */
export function createScanCommand(deps: ScanCommandDeps): CliCommand {
  return async (argv, io) => {
    const values = parseCommandArgs(argv, OPTIONS, USAGE).values;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const output = outputFormatOf(values);
    if (values.execute && values.table === undefined) {
      throw new UsageError('--execute needs --table NAME: a modification is only made after its intent is recorded in the ledger');
    }
    const policyPath = resolve(io.cwd, values.policy);
    const policy = parsePolicy(await deps.readText(policyPath), values.policy);
    const session: AwsSessionOptions = { ...optional('region', regionOf(values.region, io.env)), ...optional('profile', values.profile) };
    const clients = deps.clients(session);
    const ports = { ...createAwsPorts(clients, { tableName: values.table ?? '', topicArn: values['topic-arn'] ?? '' }), rds: rdsScanPorts(clients, session.region) };
    const history = historyFor(values, clients);
    const snsTo = (topicArn: string) => new SnsNotifier({ client: clients.sns, topicArn, ...optional('historyTableName', values.table) });
    const notifier: Notifier = values['topic-arn'] === undefined
      ? stderrNotifier(io, { ...optional('region', session.region), ...optional('historyTableName', values.table) })
      : routingNotifier({ page: snsTo(values['topic-arn']), notice: snsTo(values['notice-topic-arn'] ?? values['topic-arn']) });
    explainMode(io, { execute: values.execute, policyDryRun: policy.dryRun, table: values.table });
    const observer = new PortObserver();
    const report = await runScan(
      {
        ...observer.observe({ ...ports, history, notifier }),
        policy,
        runId: deps.runId?.() ?? `cli-${deps.nowEpochSeconds()}`,
        dryRun: !values.execute,
        ...optional('region', session.region),
      },
      deps.nowEpochSeconds(),
    );
    io.stdout(renderScan(report, output));
    // Exit 1 when the scan was blind, by the same rule as the Lambda's ScanSucceeded (core/scan/watch.ts).
    const watch = assessScanWatch(observer.tallies());
    if (!watch.watched) io.stderr(`the scan could not watch: ${watch.reasons.join('; ')}\n`);
    return watch.watched ? 0 : 1;
  };
}

interface ScanOptions {
  readonly table?: string;
  readonly 'topic-arn'?: string;
  readonly 'notice-topic-arn'?: string;
  readonly execute: boolean;
}

const SCAN_COLUMNS = ['volume', 'name', 'size', 'type', 'balance', 'forecast', 'decision', 'reason'] as const;

/** The report in the chosen format. */
function renderScan(report: ScanReport, output: OutputFormat): string {
  if (output === 'json') return `${JSON.stringify(toJson(report), null, 2)}\n`;
  if (output === 'text') return renderTextRows([...report.results.map(rowOf), ...(report.rds?.results ?? []).map(rdsRowOf)].map((row) => SCAN_COLUMNS.map((c) => row[c] ?? '')));
  return renderScanTable(report);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

/** Says on stderr, before anything happens, whether this run can modify volumes and where history goes. */
function explainMode(io: CliIo, mode: { execute: boolean; policyDryRun: boolean; table: string | undefined }): void {
  if (!mode.execute) io.stderr('dry run: no volume is modified (add --execute to allow what the policy allows)\n');
  else if (mode.policyDryRun) io.stderr('dry run: the policy says dryRun: true, so --execute modifies nothing\n');
  else io.stderr('EXECUTE: volumes the policy selects may be modified now\n');
  if (mode.table === undefined) io.stderr('no --table: history kept in memory only, nothing is recorded\n');
  else if (!mode.execute) io.stderr(`--table without --execute: the ledger in ${mode.table} is read, nothing is written to it\n`);
}

/**
 * The history a run uses: memory without `--table`; the table with `--execute`; without `--execute`
 * the table read-only, so a dry run from a laptop can never mark an alert as sent (notification
 * dedup state) or write events into the Lambda's ledger. Printed notifications are never marked sent.
 */
function historyFor(values: ScanOptions, clients: GuardianClients): HistoryStore {
  if (values.table === undefined) return new MemoryHistoryStore();
  const table = new DynamoDbHistoryStore({ client: clients.dynamo, tableName: values.table });
  const discard = async (): Promise<void> => undefined;
  // Notifications only printed (no --topic-arn) were not sent: their dedup state must not be stored.
  if (values.execute) return values['topic-arn'] === undefined ? Object.assign(Object.create(table) as HistoryStore, { putNotificationState: discard }) : table;
  return {
    appendEvent: discard,
    putIntent: discard,
    updateModification: discard,
    putNotificationState: discard,
    listModifications: async (volumeId, since) => table.listModifications(volumeId, since),
    listOpenModifications: async () => table.listOpenModifications(),
    listEvents: async (volumeId, range) => table.listEvents(volumeId, range),
    listMonth: async (month) => table.listMonth(month),
    getNotificationState: async (volumeId) => table.getNotificationState(volumeId),
  };
}

/** Prints notifications on stderr instead of sending them (no --topic-arn): the subject and the email body. */
function stderrNotifier(io: CliIo, deployment: NotificationDeployment): Notifier {
  return {
    notify: async (original) => {
      const notification = { ...original, deployment: { ...deployment, ...original.deployment } };
      io.stderr(`notification (not sent): ${formatSubject(notification)}\n${formatBody(notification).split('\n').map((line) => `  ${line}`).join('\n')}\n`);
    },
  };
}

/** One short phrase per forecast kind. */
export function describeForecast(forecast: Forecast): string {
  switch (forecast.kind) {
    case 'draining':
      return `empty in ${formatDuration(forecast.secondsToEmpty)}`;
    case 'refilling':
      return `refilling (full in ${formatDuration(forecast.secondsToFull)})`;
    case 'empty':
      return 'EMPTY (throttled)';
    case 'insufficient-data':
    case 'not-burstable':
      return forecast.kind;
    default:
      return forecast.kind;
  }
}

function balanceOf(forecast: Forecast): string {
  return 'balancePercent' in forecast && typeof forecast.balancePercent === 'number' ? `${forecast.balancePercent.toFixed(1)}%` : '-';
}

/** An RDS DB instance's row in the same columns: `rds:<identifier>`, its engine as the name. */
function rdsRowOf(result: RdsScanResult): Record<string, string> {
  const action = result.action === 'none' ? '' : ` (${result.action})`;
  return {
    volume: rdsResourceKey(result.instance.identifier),
    name: result.instance.engine,
    size: `${result.instance.allocatedStorageGiB} GiB`,
    type: result.instance.storageType,
    balance: balanceOf(result.forecast),
    forecast: describeForecast(result.forecast),
    decision: `${result.decision.kind}${action}`,
    reason: result.error ?? result.decision.reasons.join('; '),
  };
}

function rowOf(result: VolumeScanResult): Record<string, string> {
  const action = result.action === 'none' ? '' : ` (${result.action})`;
  return {
    volume: result.volume.volumeId,
    name: result.volume.tags.Name ?? '-',
    size: `${result.volume.sizeGiB} GiB`,
    type: result.volume.type,
    balance: balanceOf(result.forecast),
    forecast: describeForecast(result.forecast),
    decision: `${result.decision.kind}${action}`,
    reason: result.error ?? result.decision.reasons.join('; '),
  };
}

/** The human table: one row per volume, then errors and a summary line. */
export function renderScanTable(report: ScanReport): string {
  const rows = [...report.results.map(rowOf), ...(report.rds?.results ?? []).map(rdsRowOf)];
  const columns = SCAN_COLUMNS;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))];
  for (const error of report.errors) out.push(`error [${error.stage}]${error.volumeId === undefined ? '' : ` ${error.volumeId}`}: ${error.message}`);
  const c = report.counts;
  out.push(
    `${report.volumesScanned} volume(s)${report.rds === undefined ? '' : ` and ${report.rds.results.length} DB instance(s) (of ${report.rds.instancesListed} listed)`} scanned${report.dryRun ? ' (dry run)' : ''}: ${c.alerts} alert(s), ${c.rescues} rescue(s), ${c.reverts} revert(s), ${c.blocked} blocked, ${c.errors} error(s); ${report.metricsRequested} metrics requested`,
  );
  return `${out.join('\n')}\n`;
}

function toJson(report: ScanReport): Record<string, unknown> {
  return {
    runId: report.runId,
    nowEpochSeconds: report.nowEpochSeconds,
    dryRun: report.dryRun,
    volumesScanned: report.volumesScanned,
    metricsRequested: report.metricsRequested,
    reconciled: report.reconciled,
    counts: report.counts,
    errors: report.errors,
    volumes: report.results.map((r) => ({ ...rowOf(r), sizeGiB: r.volume.sizeGiB, forecast: r.forecast, decision: r.decision, action: r.action })),
    ...(report.rds === undefined ? {} : { dbInstances: report.rds.results.map((r) => ({ ...rdsRowOf(r), sizeGiB: r.instance.allocatedStorageGiB, forecast: r.forecast, decision: r.decision, action: r.action })) }),
  };
}

/** The `scan` command with the caller's AWS credentials (a named profile's credentials and region when given). */
export const runScanCommand: CliCommand = createScanCommand({
  clients: (session) => createGuardianClients(sessionClientConfig(session)),
  nowEpochSeconds: () => Math.floor(Date.now() / 1000),
  readText: async (path) => readFile(path, 'utf8'),
});
