/**
 * `npm run bench:forecast [-- --traces DIR] [--json] [--horizon-minutes 30]`: scores the forecaster
 * against a static `BurstBalance < 20 %` alarm and Prometheus-style `predict_linear` on a fixed,
 * seeded suite of simulated volume-traces (issue 2 item 6). Prints a table (or JSON) and the run time.
 */
import { parseArgs } from 'node:util';
import { readTraceFile, type Trace } from '../../lambda/sim/index';
import { runCase, type CaseResult } from './forecast-run';
import { formatTable, summarizeResults } from './forecast-report';
import { buildSuite, findTraceFiles } from './forecast-suite';

/** Runs the benchmark with command-line `argv`; returns the exit code. */
export async function benchMain(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        traces: { type: 'string' },
        json: { type: 'boolean', default: false },
        'horizon-minutes': { type: 'string', default: '30' },
        family: { type: 'string' },
        details: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    err(`bench:forecast: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const horizonMinutes = Number(values['horizon-minutes']);
  if (!(horizonMinutes > 0)) {
    err(`bench:forecast: --horizon-minutes must be a positive number, got '${values['horizon-minutes']}'\n`);
    return 2;
  }
  const started = performance.now();
  const traces = new Map<string, Trace>();
  if (values.traces !== undefined) for (const file of findTraceFiles(values.traces)) traces.set(file, readTraceFile(file));
  const suite = buildSuite({ traceDir: values.traces, traceDurationSeconds: (file) => traces.get(file)?.durationSeconds ?? 0 })
    .filter((c) => values.family === undefined || c.family === values.family);
  const settings = { horizonSeconds: horizonMinutes * 60, intervalSeconds: 300, metricDelaySeconds: 120, startEpochSeconds: 1_767_225_600, traces };
  const results: CaseResult[] = [];
  for (const benchCase of suite) {
    const caseStarted = performance.now();
    const result = await runCase(benchCase, settings);
    results.push(result);
    if (values.details) err(`${describeCase(result)} (${((performance.now() - caseStarted) / 1000).toFixed(1)} s)\n`);
  }
  const summary = summarizeResults(results);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const meta = { horizonMinutes, intervalMinutes: settings.intervalSeconds / 60, metricDelayMinutes: settings.metricDelaySeconds / 60, cases: suite.length, traceFiles: traces.size, elapsedSeconds };
  if (values.json) out(`${JSON.stringify({ ...meta, summary }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  else {
    out(`forecast benchmark: ${suite.length} volume-traces (${traces.size} trace files), H = ${horizonMinutes} min, interval 5 min, metric delay 2 min\n\n`);
    out(`${formatTable(summary)}\n\n`);
  }
  err(`bench:forecast: ${suite.length} cases in ${elapsedSeconds.toFixed(1)} s\n`);
  return 0;
}

/** One line per case: exhaustions, misses and false episodes of the forecaster (for `--details`). */
function describeCase(result: CaseResult): string {
  const f = result.scores.forecaster;
  const t0 = 1_767_225_600;
  const h = (t: number) => `${((t - t0) / 3600).toFixed(2)}h`;
  const missed = f.exhaustions.filter((e) => e.feasible && !e.caught).map((e) => `${h(e.tEpochSeconds)}(lead ${e.leadSeconds === undefined ? '–' : Math.round(e.leadSeconds / 60)}m)`);
  const falseEps = f.episodes.filter((e) => e.isFalse).map((e) => h(e.startEpochSeconds));
  return `${result.benchCase.name}: exh ${f.exhaustions.length} feas ${f.exhaustions.filter((e) => e.feasible).length} missed-feasible [${missed.join(' ')}] false [${falseEps.join(' ')}]`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchMain(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench:forecast: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
