/**
 * `burst-guardian simulate`: runs the forecaster on one simulated volume (issue 2 item 5).
 * Without a policy it only forecasts. Extension point for the guardian loop (`--policy`, `--act`,
 * `--report-html`): add the options to `SIMULATE_OPTIONS`, read them in `parseSimulateArgs`, and
 * pass an `onForecast` hook to `runForecastSimulation` from `runSimulate`.
 */
import type { ParseArgsConfig } from 'node:util';
import { SimulationInputError, UsageError } from '../core/errors';
import { INSTANCE_EBS_TABLE } from '../core/credit/instance-ebs';
import type { BurstableVolumeType } from '../core/types';
import { readTraceFile, scenarioWorkload, traceWorkload, type TraceGap, type WorkloadFactory } from '../sim/index';
import { alertEpisodes, runForecastSimulation, type ForecastRunReport } from '../sim/forecast-run';
import { formatHours, renderBalanceChart } from './chart';
import { readPolicyFile, runActingSimulation, writeActingSummary, writeSimulatedReport } from './simulate-policy';
import type { CliCommand, CliIo } from '../shared/cli-io';
import { HELP_OPTION, OUTPUT_OPTIONS, outputFormatOf, parseCommandArgs } from './args';

/** Monday 2026-01-05 00:00 UTC: simulations start at a fixed instant so diurnal scenarios are reproducible. */
export const SIMULATION_START_EPOCH_SECONDS = 1_767_571_200;
const DEFAULT_SCENARIO_HOURS = 24;
const MAX_DURATION_HOURS = 24 * 366;

/** The option table (node:util parseArgs, strict). */
export const SIMULATE_OPTIONS = {
  trace: { type: 'string' },
  scenario: { type: 'string' },
  'size-gib': { type: 'string' },
  type: { type: 'string', default: 'gp2' },
  'horizon-minutes': { type: 'string', default: '30' },
  'interval-minutes': { type: 'string', default: '5' },
  'metric-delay-minutes': { type: 'string', default: '2' },
  'duration-hours': { type: 'string' },
  seed: { type: 'string', default: '1' },
  ...OUTPUT_OPTIONS,
  policy: { type: 'string' },
  act: { type: 'boolean', default: false },
  'report-html': { type: 'string' },
  volumes: { type: 'string', default: '1' },
  tag: { type: 'string', multiple: true },
  'instance-type': { type: 'string' },
  ...HELP_OPTION,
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: burst-guardian simulate (--trace FILE.csv | --scenario NAME[:ARG]) --size-gib N
         [--type gp2|st1|sc1] [--horizon-minutes 30] [--interval-minutes 5]
         [--metric-delay-minutes 2] [--duration-hours N] [--seed N]
         [--output table|json|text] [--json]
         [--policy FILE [--act] [--report-html FILE] [--volumes N] [--tag KEY=VALUE]...
          [--instance-type TYPE]]
--output json (or --json) prints one JSON document; table and text print the readable summary.
--policy runs the whole guardian loop (forecast, decide, modify, notify) on the simulated volume;
it modifies only when the policy says dryRun: false or --act is given (--act overrides the dry run).
--volumes N simulates N identical volumes on one fleet; --tag adds a tag to each (e.g. role=etcd for a schedule).
--instance-type TYPE attaches them all to one instance of that size; a size with its own EBS burst
bucket (m5/m6i/m7g/c5/c6i/r5/r6i up to 2xlarge or 4xlarge, every t3) drains it and, when it is
empty, holds the volumes together to the instance's EBS baseline.
scenarios: constant:IOPS, diurnal[:peakIOPS], ci-host[:startsPerMinute], nightly-batch[:IOPS], spikes[:IOPS], step[:IOPS]
trace CSV: header t_seconds,read_ops,write_ops; ops per row interval at a fixed step
`;

/** Parsed and validated `simulate` arguments. */
export interface SimulateArgs {
  readonly source: { readonly kind: 'trace'; readonly file: string } | { readonly kind: 'scenario'; readonly name: string };
  readonly workload: WorkloadFactory;
  /** Stretches of a trace with no rows: no metrics are published there (the volume idles). */
  readonly gaps: readonly TraceGap[];
  readonly type: BurstableVolumeType;
  readonly sizeGiB: number;
  readonly horizonSeconds: number;
  readonly intervalSeconds: number;
  readonly metricDelaySeconds: number;
  readonly durationSeconds: number;
  readonly seed: number;
  readonly json: boolean;
  /** `--policy FILE`: run the acting guardian loop with this policy. */
  readonly policyFile?: string;
  /** `--act`: modify even when the policy says dry run. */
  readonly act: boolean;
  /** `--report-html FILE`: write finance's HTML report of the simulated run. */
  readonly reportHtmlFile?: string;
  /** `--volumes N`: identical volumes on the fleet (guardian loop only). */
  readonly volumes: number;
  /** `--tag KEY=VALUE`: extra tags on every simulated volume (guardian loop only). */
  readonly tags: Readonly<Record<string, string>>;
  /** `--instance-type TYPE`: the volumes' instance (guardian loop only). */
  readonly instanceType?: string;
}

/** Parses `simulate` arguments; throws `UsageError` naming the problem. Returns undefined for `--help`. */
export function parseSimulateArgs(argv: readonly string[], cwd: string): SimulateArgs | undefined {
  const { values } = parseCommandArgs(argv, SIMULATE_OPTIONS, USAGE);
  if (values.help) return undefined;
  const json = outputFormatOf(values) === 'json';
  if ((values.trace === undefined) === (values.scenario === undefined)) throw new UsageError('give exactly one of --trace FILE.csv or --scenario NAME[:ARG]');
  const type = values.type;
  if (type !== 'gp2' && type !== 'st1' && type !== 'sc1') throw new UsageError(`--type must be gp2, st1 or sc1, got '${type}'`);
  if (values['size-gib'] === undefined) throw new UsageError('--size-gib N is required');
  const sizeGiB = numberOption('--size-gib', values['size-gib'], { min: type === 'gp2' ? 1 : 125, max: 16_384, integer: true });
  const horizonSeconds = 60 * numberOption('--horizon-minutes', values['horizon-minutes'], { min: 1, max: 24 * 60 });
  const intervalSeconds = 60 * numberOption('--interval-minutes', values['interval-minutes'], { min: 1, max: 24 * 60 });
  const metricDelaySeconds = 60 * numberOption('--metric-delay-minutes', values['metric-delay-minutes'], { min: 0, max: 24 * 60 });
  const seed = numberOption('--seed', values.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  const { source, workload, traceSeconds, gaps } = loadWorkload(values.trace, values.scenario, cwd);
  const durationSeconds = values['duration-hours'] === undefined
    ? (traceSeconds ?? DEFAULT_SCENARIO_HOURS * 3600)
    : 3600 * numberOption('--duration-hours', values['duration-hours'], { min: 1 / 60, max: MAX_DURATION_HOURS });
  if (values.policy === undefined && (values.act || values['report-html'] !== undefined)) throw new UsageError('--act and --report-html need --policy FILE');
  const volumes = numberOption('--volumes', values.volumes, { min: 1, max: 50, integer: true });
  const tags = Object.fromEntries((values.tag ?? []).map((t) => {
    const m = /^([^=]+)=(.*)$/.exec(t);
    if (m === null) throw new UsageError(`--tag must be KEY=VALUE, got '${t}'`);
    return [m[1], m[2]];
  }));
  if (values.policy === undefined && (volumes > 1 || Object.keys(tags).length > 0 || values['instance-type'] !== undefined)) throw new UsageError('--volumes, --tag and --instance-type need --policy FILE');
  const instanceType = values['instance-type'];
  if (instanceType !== undefined && !INSTANCE_EBS_TABLE.has(instanceType)) throw new UsageError(`--instance-type must be one of ${[...INSTANCE_EBS_TABLE.keys()].join(', ')}, got '${instanceType}'`);
  return {
    source, workload, gaps, type, sizeGiB, horizonSeconds, intervalSeconds, metricDelaySeconds, durationSeconds, seed, json, act: values.act, volumes, tags,
    ...(values.policy === undefined ? {} : { policyFile: values.policy }),
    ...(values['report-html'] === undefined ? {} : { reportHtmlFile: values['report-html'] }),
    ...(instanceType === undefined ? {} : { instanceType }),
  };
}

function loadWorkload(trace: string | undefined, scenario: string | undefined, cwd: string) {
  try {
    if (trace !== undefined) {
      const parsed = readTraceFile(trace.startsWith('/') ? trace : `${cwd}/${trace}`);
      return { source: { kind: 'trace' as const, file: trace }, workload: traceWorkload(parsed), traceSeconds: parsed.durationSeconds, gaps: parsed.gaps };
    }
    return { source: { kind: 'scenario' as const, name: scenario ?? '' }, workload: scenarioWorkload(scenario ?? ''), traceSeconds: undefined, gaps: [] };
  } catch (error) {
    if (error instanceof SimulationInputError) throw new UsageError(error.message.replaceAll('\n', ' '), { cause: error });
    throw error;
  }
}

function numberOption(name: string, text: string, limits: { min: number; max: number; integer?: boolean }): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${name} must be a number, got '${text}'`);
  if (limits.integer === true && !Number.isInteger(value)) throw new UsageError(`${name} must be a whole number, got '${text}'`);
  if (value < limits.min || value > limits.max) throw new UsageError(`${name} must be between ${limits.min} and ${limits.max}, got '${text}'`);
  return value;
}

/** The `simulate` command. */
export const runSimulate: CliCommand = async (argv, io) => {
  const args = parseSimulateArgs(argv, io.cwd);
  if (args === undefined) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.policyFile !== undefined) return runSimulateWithPolicy(args, args.policyFile, io);
  const { report } = await runForecastSimulation({
    volume: { type: args.type, sizeGiB: args.sizeGiB }, workload: args.workload, startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
    durationSeconds: args.durationSeconds, intervalSeconds: args.intervalSeconds, metricDelaySeconds: args.metricDelaySeconds,
    seed: args.seed, horizonSeconds: args.horizonSeconds, gaps: args.gaps,
  });
  const source = args.source.kind === 'trace' ? { trace: args.source.file } : { scenario: args.source.name };
  if (args.json) io.stdout(`${JSON.stringify({ ...source, ...report })}\n`);
  else writeSummary(io, args.source.kind === 'trace' ? `trace ${args.source.file}` : `scenario ${args.source.name}`, report);
  return 0;
};

/** `simulate --policy`: the acting guardian loop, its JSON or summary, and the optional HTML report. */
async function runSimulateWithPolicy(args: SimulateArgs, policyFile: string, io: CliIo): Promise<number> {
  const policy = await readPolicyFile(policyFile, io.cwd);
  const run = await runActingSimulation({ ...args, startEpochSeconds: SIMULATION_START_EPOCH_SECONDS }, policy, args.act);
  const htmlPath = args.reportHtmlFile === undefined ? undefined : await writeSimulatedReport(run, args.reportHtmlFile, io.cwd, policy.region ?? 'us-east-1');
  const source = args.source.kind === 'trace' ? { trace: args.source.file } : { scenario: args.source.name };
  if (args.json) io.stdout(`${JSON.stringify({ ...source, policy: policyFile, act: args.act, ...run.report, ...(htmlPath === undefined ? {} : { reportHtml: htmlPath }) })}\n`);
  else {
    writeActingSummary(io, args.source.kind === 'trace' ? `trace ${args.source.file}` : `scenario ${args.source.name}`, run);
    if (htmlPath !== undefined) io.stdout(`HTML report: ${htmlPath}\n`);
  }
  return 0;
}

/** Prints the readable summary: volume, chart, exhaustions with their lead, alert episodes. */
export function writeSummary(io: CliIo, sourceLabel: string, report: ForecastRunReport): void {
  const v = report.volume;
  const unit = v.unit === 'MiBps' ? 'MiB/s' : 'IOPS';
  const opsUnit = v.unit === 'MiBps' ? 'MiB/s (1 MiB I/Os)' : 'IOPS';
  const lines = [
    `${v.type} ${v.sizeGiB} GiB, ${sourceLabel}, ${formatHours(report.durationSeconds / 3600)} simulated (seed ${report.seed})`,
    `  baseline ${fmt(v.baselineIops)} ${unit}, burst ${fmt(v.burstIops)} ${unit}, bucket ${fmt(v.bucketCredits)} ${v.unit === 'MiBps' ? 'MiB of' : 'I/O'} credits`,
    `  guardian every ${report.intervalSeconds / 60} min, CloudWatch delay ${report.metricDelaySeconds / 60} min, alert horizon ${report.horizonSeconds / 60} min`,
    // st1/sc1 workloads are simulated as 1 MiB I/Os, so their ops/s equal MiB/s.
    `  demand ${fmt(report.meanDemandIops)} ${opsUnit} mean, served ${fmt(report.meanServedIops)} ${opsUnit} mean, throttled ${fmt(report.throttledSeconds)} s`,
    '',
    renderBalanceChart({
      title: 'BurstBalance (true, lowest per column)   A = alert   X = bucket empty',
      points: report.balance.map((b) => ({ tSeconds: b.tSeconds, value: b.balancePercent ?? undefined })),
      durationSeconds: report.durationSeconds,
      markers: [...report.alerts.map((a) => ({ tSeconds: a.tSeconds, symbol: 'A' })), ...report.exhaustions.map((e) => ({ tSeconds: e.tSeconds, symbol: 'X' }))],
    }),
    '',
    report.exhaustions.length === 0 ? 'bucket never emptied' : `bucket emptied ${report.exhaustions.length}×:`,
    ...report.exhaustions.map((e) => `  at ${clock(e.tSeconds)}: ${e.leadSeconds === null ? 'NO alert in the 6 h before' : `first alert ${minutes(e.leadSeconds)} earlier`}`),
    ...episodeLines(report),
  ];
  io.stdout(`${lines.join('\n')}\n`);
}

function episodeLines(report: ForecastRunReport): string[] {
  const episodes = alertEpisodes(report.alerts);
  if (episodes.length === 0) return ['no alerts'];
  return [`${report.alerts.length} alert run(s) in ${episodes.length} episode(s):`, ...episodes.slice(0, 12).map((episode) => {
    const first = episode[0];
    if (first === undefined) return '';
    const forecast = first.basis === 'empty' ? 'empty now' : `empty in ${minutes(first.secondsToEmpty)} (${first.basis}, confidence ${(first.confidence ?? 0).toFixed(2)})`;
    return `  from ${clock(first.tSeconds)}: balance ${first.balancePercent.toFixed(1)}%, ${forecast}; ${episode.length} run(s)`;
  }), ...(episodes.length > 12 ? [`  … ${episodes.length - 12} more`] : [])];
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : Math.round(value).toLocaleString('en-US');
}

function minutes(seconds: number): string {
  return `${Math.round(seconds / 60)} min`;
}

/** `+HH:MM` since the simulation start. */
function clock(tSeconds: number): string {
  const totalMinutes = Math.round(tSeconds / 60);
  return `+${String(Math.floor(totalMinutes / 60)).padStart(2, '0')}:${String(totalMinutes % 60).padStart(2, '0')}`;
}
