/**
 * `npm run bench:forecast [-- --traces DIR] [--recorded DIR] [--policy FILE] [--json] [--families]
 * [--family F] [--group smooth|spiky] [--calibration] [--dump-candidates FILE] [--markdown] [--details]
 * [--read-plan shipping|full|both]`: scores the shipping policy's two
 * alert tiers (pages and early warnings) against a static `BurstBalance < 20 %` alarm and
 * Prometheus-style `predict_linear` at H = 30, 60 and 180 min, on smooth and spiky volume-traces
 * separately (issue 16). `--recorded` defaults to the committed recordings in test/fixtures/traces.
 * The guardian forecasts from what the Lambda's scan reads (its cadence and read plan); with `both`
 * (the default) the suite runs again with every metric read every run and prints the two side by
 * side (issue 12).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { PolicySchema } from '../../lambda/core/policy/schema';
import { tierRuleOf } from '../../lambda/core/decision/triggers';
import { readTraceFile, type Trace } from '../../lambda/sim/index';
import { runCase, type CaseResult } from './forecast-run';
import { calibrationTable, formatCalibration, formatCalibrationMarkdown, formatMarkdown, formatTable, summarizeResults } from './forecast-report';
import { buildSuite, findRecordedTraces, findTraceFiles, type BenchCase } from './forecast-suite';
import { compareReadPlans, formatReadPlanMarkdown, formatReadPlanTable, readPlanCost } from './forecast-read-plan';

const DEFAULT_RECORDED_DIR = new URL('../fixtures/traces', import.meta.url).pathname;

/** Runs the benchmark with command-line `argv`; returns the exit code. */
export async function benchMain(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        traces: { type: 'string' },
        recorded: { type: 'string', default: DEFAULT_RECORDED_DIR },
        policy: { type: 'string' },
        json: { type: 'boolean', default: false },
        family: { type: 'string' },
        group: { type: 'string' },
        families: { type: 'boolean', default: false },
        calibration: { type: 'boolean', default: false },
        'dump-candidates': { type: 'string' },
        details: { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        'read-plan': { type: 'string', default: 'both' },
      },
    }));
  } catch (error) {
    err(`bench:forecast: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (values.group !== undefined && values.group !== 'smooth' && values.group !== 'spiky') {
    err(`bench:forecast: --group must be smooth or spiky, got '${values.group}'\n`);
    return 2;
  }
  const plan = values['read-plan'];
  if (plan !== 'shipping' && plan !== 'full' && plan !== 'both') {
    err(`bench:forecast: --read-plan must be shipping, full or both, got '${plan}'\n`);
    return 2;
  }
  // What ships: the default policy (or the one given), its horizons and thresholds.
  const policy = values.policy === undefined ? PolicySchema.parse({ version: 1 }) : parsePolicy(readFileSync(values.policy, 'utf8'), values.policy);
  const started = performance.now();
  const traces = new Map<string, Trace>();
  if (values.traces !== undefined) for (const file of findTraceFiles(values.traces)) traces.set(file, readTraceFile(file));
  const recordedDir = values.recorded === '' ? undefined : values.recorded;
  if (recordedDir !== undefined) for (const file of findRecordedTraces(recordedDir)) traces.set(file, readTraceFile(file));
  const suite = buildSuite({ traceDir: values.traces, recordedDir, traceDurationSeconds: (file) => traces.get(file)?.durationSeconds ?? 0 })
    .filter((c) => (values.family === undefined || c.family === values.family) && (values.group === undefined || c.group === values.group));
  const rule = tierRuleOf(policy, 300);
  const settings = { policy, rule, metricDelaySeconds: 120, startEpochSeconds: 1_767_225_600, traces };
  const runAll = async (readPlan: 'shipping' | 'full'): Promise<CaseResult[]> => runSuite(suite, { ...settings, readPlan }, values.details ? err : undefined);
  const results = await runAll(plan === 'full' ? 'full' : 'shipping');
  const fullResults = plan === 'both' ? await runAll('full') : undefined;
  const summary = summarizeResults(results, values.families);
  const comparison = fullResults === undefined ? undefined : {
    rows: compareReadPlans(summary, summarizeResults(fullResults)),
    cost: { shipping: readPlanCost(results), full: readPlanCost(fullResults) },
  };
  const candidates = results.flatMap((r) => r.candidates);
  const calibration = calibrationTable(candidates);
  if (values['dump-candidates'] !== undefined) writeFileSync(values['dump-candidates'], `${JSON.stringify(candidates)}\n`);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const a = policy.alerting;
  const meta = {
    policy: { pageHorizonMinutes: a.pageHorizonMinutes, earlyWarningHorizonMinutes: a.horizonMinutes, pageMinConfidence: a.pageMinConfidence, earlyWarningMinConfidence: a.minConfidence, floorPercent: a.floorPercent },
    intervalMinutes: 5, metricDelayMinutes: 2, cases: suite.length, traceFiles: traces.size, elapsedSeconds, readPlan: plan === 'full' ? 'full' : 'shipping',
    ...readPlanCost(results),
  };
  if (values.markdown) out(`${formatMarkdown(summary)}\n\n${formatCalibrationMarkdown(calibration)}\n${comparison === undefined ? '' : `\n${formatReadPlanMarkdown(comparison.rows, comparison.cost)}\n`}`);
  else if (values.json) out(`${JSON.stringify({ ...meta, summary, ...(comparison === undefined ? {} : { readPlanComparison: comparison }), ...(values.calibration ? { calibration } : {}) }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  else {
    out(`forecast benchmark: ${suite.length} volume-traces (${traces.size} trace files), interval 5 min, metric delay 2 min, read plan ${meta.readPlan}\n`);
    out(`policy: page within ${a.pageHorizonMinutes} min at page confidence >= ${a.pageMinConfidence}; early warning within ${a.horizonMinutes} min or BurstBalance <= ${a.floorPercent} %\n\n`);
    out(`${formatTable(summary)}\n\n`);
    if (values.calibration) out(`page-window forecasts by raw persistence score (came true = bucket empty within 6 h)\n${formatCalibration(calibration)}\n\n`);
    if (comparison !== undefined) out(`the shipping read plan (cadence + read plan, as the Lambda reads) beside the full read (every metric, every run)\n${formatReadPlanTable(comparison.rows, comparison.cost)}\n\n`);
  }
  err(`bench:forecast: ${suite.length} cases${fullResults === undefined ? '' : ' × 2 read plans'} in ${elapsedSeconds.toFixed(1)} s\n`);
  return 0;
}

/** Runs every case under one read plan, reporting each case on `details` when given. */
async function runSuite(suite: readonly BenchCase[], settings: Parameters<typeof runCase>[1], details: ((text: string) => void) | undefined): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const benchCase of suite) {
    const caseStarted = performance.now();
    const result = await runCase(benchCase, settings);
    results.push(result);
    details?.(`${settings.readPlan} ${describeCase(result)} (${((performance.now() - caseStarted) / 1000).toFixed(1)} s)\n`);
  }
  return results;
}

/** One line per case: exhaustions, misses and false episodes of the forecaster (for `--details`). */
function describeCase(result: CaseResult): string {
  const f = result.scores[30]?.page ?? { exhaustions: [], episodes: [] };
  const t0 = 1_767_225_600;
  const h = (t: number) => `${((t - t0) / 3600).toFixed(2)}h`;
  const missed = f.exhaustions.filter((e) => e.feasible && !e.caught).map((e) => `${h(e.tEpochSeconds)}(lead ${e.leadSeconds === undefined ? '–' : Math.round(e.leadSeconds / 60)}m)`);
  const falseEps = f.episodes.filter((e) => e.isFalse).map((e) => h(e.startEpochSeconds));
  return `${result.benchCase.name} [page, H = 30]: exh ${f.exhaustions.length} feas ${f.exhaustions.filter((e) => e.feasible).length} missed-feasible [${missed.join(' ')}] false [${falseEps.join(' ')}]`;
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
