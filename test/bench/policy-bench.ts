/**
 * `npm run bench:policy [-- --json] [--policy FILE] [--traces DIR] [--family NAME] [--details] [--read-plan shipping|full|both]`: the acting guardian
 * (runScan with the rescuing fixture policy) on the forecast suite's gp2 volume-traces (issue 3
 * item 6). Per family: throttled seconds with vs without the guardian, extra cost vs an oracle,
 * ledger violations, modifications per volume-day. st1/sc1 cases are left out: the rescuing policy
 * selects gp2 only (st1/sc1 are alert-only by default). Prints a table (or JSON) and the run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePolicy, type Policy } from '../../lambda/core/policy/policy';
import { priceOf, SECONDS_PER_MONTH } from '../../lambda/core/decision/pricing';
import { runGuardianSimulation } from '../../lambda/sim/guardian-run';
import { readTraceFile, scenarioWorkload, traceWorkload, type SimulationResult, type Trace } from '../../lambda/sim/index';
import { buildSuite, findTraceFiles, type BenchCase } from './forecast-suite';

const POLICY_FILE = join(import.meta.dirname, '..', 'fixtures', 'policies', 'rescue-live.yaml');
const START_EPOCH_SECONDS = 1_767_225_600;
const REGION = 'us-east-1';
/** The simulator's gp2 I/O size (16 KiB), to turn demanded IOPS into MiB/s for the oracle's gp3 throughput. */
const IO_SIZE_MIB = 16 / 1024;

/** One case's measured outcome. */
export interface PolicyCaseResult {
  readonly family: string;
  readonly name: string;
  readonly volumeDays: number;
  readonly throttledSeconds: number;
  readonly unaidedThrottledSeconds: number;
  readonly costUSD: number;
  readonly unaidedCostUSD: number;
  readonly oracleCostUSD: number;
  readonly modifications: number;
  readonly ledgerViolations: number;
  readonly scanErrors: number;
  /** GetMetricData metrics the scans requested. */
  readonly metricsRequested: number;
}

/**
 * The oracle's cost: gp2 all along, except that during each throttled second of the unaided run it
 * holds gp3 sized to that 5-minute interval's mean demand (≥ 3,000 IOPS and 125 MiB/s, within gp3's
 * 500 IOPS/GiB and 80,000 IOPS: https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html),
 * billed per second with no modification latency or limits. Not a lower bound on cost: gp3 at its
 * baseline is cheaper than gp2 for most sizes, so a guardian that stays on gp3 can cost less.
 */
export function oracleCostUSD(unaided: SimulationResult, region: string): number {
  const gp2 = { type: 'gp2' as const, sizeGiB: unaided.volume.sizeGiB };
  const gp2Monthly = priceOf(gp2, region).monthlyUSD;
  let total = (gp2Monthly * unaided.durationSeconds) / SECONDS_PER_MONTH;
  for (const interval of unaided.intervals) {
    if (interval.throttledSeconds <= 0) continue;
    const maxIops = Math.min(80_000, Math.max(3000, 500 * gp2.sizeGiB));
    const iops = Math.min(maxIops, Math.max(3000, Math.ceil(interval.meanDemandPerSecond)));
    const throughputMiBps = Math.min(2000, 0.25 * iops, Math.max(125, Math.ceil(interval.meanDemandPerSecond * IO_SIZE_MIB)));
    const gp3Monthly = priceOf({ type: 'gp3', sizeGiB: gp2.sizeGiB, iops, throughputMiBps }, region).monthlyUSD;
    total += ((gp3Monthly - gp2Monthly) * interval.throttledSeconds) / SECONDS_PER_MONTH;
  }
  return total;
}

/** Runs one suite case with the guardian acting under `policy`. */
export async function runPolicyCase(benchCase: BenchCase, policy: Policy, traces: ReadonlyMap<string, Trace>, readPlan: 'shipping' | 'full' = 'shipping'): Promise<PolicyCaseResult> {
  const workload = 'scenario' in benchCase.workload ? scenarioWorkload(benchCase.workload.scenario) : traceWorkload(traceOf(traces, benchCase.workload.traceFile));
  const { report, unaided } = await runGuardianSimulation({
    volume: { ...benchCase.volume, volumeId: 'vol-0bench', tags: { Name: benchCase.name } }, workload, policy, region: REGION,
    startEpochSeconds: START_EPOCH_SECONDS, durationSeconds: benchCase.durationSeconds, seed: benchCase.seed, intervalSeconds: 300, metricDelaySeconds: 120, readPlan,
  });
  return {
    family: benchCase.family, name: benchCase.name, volumeDays: benchCase.durationSeconds / 86_400,
    throttledSeconds: report.throttledSeconds, unaidedThrottledSeconds: report.unaidedThrottledSeconds,
    costUSD: report.costUSD, unaidedCostUSD: report.unaidedCostUSD, oracleCostUSD: oracleCostUSD(unaided, REGION),
    modifications: report.modifications.length, ledgerViolations: report.ledgerViolations.length, scanErrors: report.scanErrors, metricsRequested: report.metricsRequested,
  };
}

function traceOf(traces: ReadonlyMap<string, Trace>, file: string): Trace {
  const trace = traces.get(file);
  if (trace === undefined) throw new Error(`trace ${file} was not loaded`);
  return trace;
}

/** Totals of a group of cases. */
export interface PolicySummary {
  readonly family: string;
  readonly cases: number;
  readonly volumeDays: number;
  readonly unaidedThrottledSeconds: number;
  readonly throttledSeconds: number;
  /** 100 × (unaided − guarded) / unaided; 100 when nothing was throttled unaided. */
  readonly throttlingRemovedPercent: number;
  readonly costUSD: number;
  readonly oracleCostUSD: number;
  readonly unaidedCostUSD: number;
  readonly extraVsOracleUSD: number;
  readonly modifications: number;
  readonly modificationsPerVolumeDay: number;
  readonly ledgerViolations: number;
  readonly scanErrors: number;
  readonly metricsPerVolumeDay: number;
}

/** Sums `results` under the label `family`. */
export function summarize(family: string, results: readonly PolicyCaseResult[]): PolicySummary {
  const sum = (f: (r: PolicyCaseResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  const unaided = sum((r) => r.unaidedThrottledSeconds);
  const throttled = sum((r) => r.throttledSeconds);
  const volumeDays = sum((r) => r.volumeDays);
  const costUSD = sum((r) => r.costUSD);
  const oracle = sum((r) => r.oracleCostUSD);
  return {
    family, cases: results.length, volumeDays, unaidedThrottledSeconds: unaided, throttledSeconds: throttled,
    throttlingRemovedPercent: unaided > 0 ? (100 * (unaided - throttled)) / unaided : 100,
    costUSD, oracleCostUSD: oracle, unaidedCostUSD: sum((r) => r.unaidedCostUSD), extraVsOracleUSD: costUSD - oracle,
    modifications: sum((r) => r.modifications), modificationsPerVolumeDay: volumeDays > 0 ? sum((r) => r.modifications) / volumeDays : 0,
    ledgerViolations: sum((r) => r.ledgerViolations), scanErrors: sum((r) => r.scanErrors),
    metricsPerVolumeDay: volumeDays > 0 ? sum((r) => r.metricsRequested) / volumeDays : 0,
  };
}

/** The summaries as a fixed-width table. */
export function formatPolicyTable(rows: readonly PolicySummary[]): string {
  const header = ['family', 'cases', 'unaided thr s', 'guarded thr s', 'removed %', 'cost $', 'oracle $', 'gp2 $', 'extra vs oracle $', 'mods', 'mods/vol-day', 'violations', 'scan errors', 'metrics/vol-day'];
  const body = rows.map((r) => [
    r.family, String(r.cases), r.unaidedThrottledSeconds.toFixed(0), r.throttledSeconds.toFixed(0), r.throttlingRemovedPercent.toFixed(2),
    r.costUSD.toFixed(2), r.oracleCostUSD.toFixed(2), r.unaidedCostUSD.toFixed(2), r.extraVsOracleUSD.toFixed(2),
    String(r.modifications), r.modificationsPerVolumeDay.toFixed(3), String(r.ledgerViolations), String(r.scanErrors), r.metricsPerVolumeDay.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

/** Runs the benchmark with command-line `argv`; returns the exit code. */
export async function policyBenchMain(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { policy: { type: 'string' }, traces: { type: 'string' }, json: { type: 'boolean', default: false }, family: { type: 'string' }, details: { type: 'boolean', default: false }, 'read-plan': { type: 'string', default: 'both' } } }));
  } catch (error) {
    err(`bench:policy: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const plan = values['read-plan'];
  if (plan !== 'shipping' && plan !== 'full' && plan !== 'both') {
    err(`bench:policy: --read-plan must be shipping, full or both, got '${plan}'\n`);
    return 2;
  }
  const started = performance.now();
  const policyFile = values.policy ?? POLICY_FILE;
  const policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile);
  const traces = new Map<string, Trace>();
  if (values.traces !== undefined) for (const file of findTraceFiles(values.traces)) traces.set(file, readTraceFile(file));
  const suite = buildSuite({ traceDir: values.traces, traceDurationSeconds: (file) => traces.get(file)?.durationSeconds ?? 0 })
    .filter((c) => c.volume.type === 'gp2' && (values.family === undefined || c.family === values.family));
  const runAll = async (readPlan: 'shipping' | 'full'): Promise<PolicySummary[]> => {
    const results: PolicyCaseResult[] = [];
    for (const benchCase of suite) {
      const result = await runPolicyCase(benchCase, policy, traces, readPlan);
      results.push(result);
      if (values.details) err(`${readPlan} ${result.name}: thr ${result.throttledSeconds.toFixed(0)}/${result.unaidedThrottledSeconds.toFixed(0)} s, ${result.modifications} mods, ${result.ledgerViolations} violations\n`);
    }
    const families = [...new Set(results.map((r) => r.family))];
    return [...families.map((f) => summarize(f, results.filter((r) => r.family === f))), summarize('ALL', results)];
  };
  // What ships is the scan's cadence and read plan; `both` also runs every metric every scan, for comparison (issue 12).
  const rows = await runAll(plan === 'full' ? 'full' : 'shipping');
  const fullRows = plan === 'both' ? await runAll('full') : undefined;
  const elapsedSeconds = (performance.now() - started) / 1000;
  const readPlan = plan === 'full' ? 'full' : 'shipping';
  if (values.json) out(`${JSON.stringify({ policy: values.policy ?? 'test/fixtures/policies/rescue-live.yaml', region: REGION, cases: suite.length, traceFiles: traces.size, elapsedSeconds, readPlan, summary: rows, ...(fullRows === undefined ? {} : { fullReadSummary: fullRows }) }, null, 2)}\n`);
  else {
    out(`policy benchmark: ${suite.length} gp2 volume-traces (${traces.size} trace files), ${values.policy ?? 'rescue-live.yaml'}, interval 5 min, metric delay 2 min\n\nread plan: ${readPlan}${readPlan === 'shipping' ? ' (the scan\'s cadence and read plan, as the Lambda reads)' : ' (every metric, every scan)'}\n${formatPolicyTable(rows)}\n\n`);
    if (fullRows !== undefined) out(`read plan: full (every metric, every scan), for comparison\n${formatPolicyTable(fullRows)}\n\n`);
  }
  err(`bench:policy: ${suite.length} cases${fullRows === undefined ? '' : ' × 2 read plans'} in ${elapsedSeconds.toFixed(1)} s\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  policyBenchMain(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench:policy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
