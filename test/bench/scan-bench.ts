/**
 * `npm run bench:scan [-- --volumes 10000,20000,50000] [--scans 6] [--burst 4] [--hours 24] [--latency-ms 50]
 * [--memory-mib 1024] [--timeout-s 300] [--no-ledger-index] [--burstable-instance-share 0.5] [--json]`
 * (issues 11 item 7, 12 and 15).
 *
 * The real scan handler path (`createWiredScan` → `runScan`, the shipped default policy, probe
 * namespace set as the stack sets it) over EC2/CloudWatch/SNS fakes that answer as AWS documents
 * (scan-bench-aws.ts) and the DynamoDB history on dynalite, on issue 12's fleet mix
 * (scan-bench-fleet.ts). Each fleet size runs in its own Node process with `--max-old-space-size`
 * at the Lambda's memory size, and the scan gets the Lambda's remaining time (timeout − elapsed),
 * so "complete or resume within the timeout at the deployed memory" is what is measured. Scans are
 * spread over the simulated hours; the month is projected from their averages (scan-bench-cost.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynalite } from '../helpers/dynalite';
import { countEmfMetrics, monthlyCost, SCANS_PER_MONTH, type MonthlyCost } from './scan-bench-cost';
import type { ChildFigures } from './scan-bench-run';

/**
 * Share of the instances that are sizes with their own EBS bucket (m5/c5/r5 below 4xlarge, t3): an
 * assumption, not a survey (docs/scan-benchmark.md); 0 reproduces the figures from before instance
 * types mattered.
 */
export const DEFAULT_BURSTABLE_SHARE = 0.5;

/** Options of one benchmark run. */
export interface ScanBenchOptions {
  readonly volumes: number;
  /** Sampled hours over the simulated span. */
  readonly scans: number;
  /** Consecutive scans 5 minutes apart at each sampled hour (the first reads every volume). @default 4 */
  readonly burst?: number;
  readonly hours: number;
  readonly latencyMs: number;
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** Turns lever 4 off: the ledger is read per volume. */
  readonly noLedgerIndex?: boolean;
  /** Share of the instances that are sizes with an EBS burst bucket (scan-bench-instances.ts). @default 0.5 */
  readonly burstableInstanceShare?: number;
}

/** The figures of one fleet size (also the `--json` output, one per size). */
export interface ScanBenchResult {
  readonly volumes: number;
  readonly volumesInAccount: number;
  readonly managedGp2Volumes: number;
  readonly scans: number;
  readonly simulatedHours: number;
  readonly setup: { readonly latencyMs: number; readonly memoryMiB: number; readonly timeoutSeconds: number; readonly ledgerIndex: boolean; readonly burstableInstanceShare: number };
  /** API calls per scan, averaged. */
  readonly calls: Record<string, number>;
  /** Metrics requested per scan, averaged. */
  readonly metricsRequested: number;
  readonly metricsRequestedPerVolumeMonth: number;
  /** Of the metrics requested per scan, the instances' `EBSIOBalance%`/`EBSByteBalance%` (counted at the fake), and their share. */
  readonly instanceMetricsRequested: number;
  readonly instanceMetricsShare: number;
  /** Their part of the month's GetMetricData (USD). */
  readonly instanceMetricsMonthlyUSD: number;
  readonly dynamoDbPerScan: { readonly readRequestUnits: number; readonly writeRequestUnits: number; readonly readRequests: number; readonly writeRequests: number };
  readonly customMetricsPerScan: number;
  readonly monthlyCostUSD: number;
  readonly monthlyCostBreakdownUSD: MonthlyCost;
  readonly costPerVolumeMonthUSD: number;
  /** Slowest scan, ms (the one that must fit the Lambda timeout). */
  readonly wallMs: number;
  readonly wallMsMean: number;
  readonly volumesDeferredMax: number;
  /** Quiet volumes left for a later scan by the adaptive cadence, per steady-state scan. */
  readonly volumesRestingPerScan: number;
  /** The first scan of each burst (no busy set: reads every volume), averaged. */
  readonly coldScan: { readonly metricsRequested: number; readonly wallMs: number } | undefined;
  readonly errorsByStage: Record<string, number>;
  readonly peakQueriesPerCall: number;
  readonly peakDatapointsPerCall: number;
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
}

/** Runs one fleet size in a child process against a fresh history table. */
export async function runScanBench(options: ScanBenchOptions): Promise<ScanBenchResult> {
  const dynamo = await startDynalite();
  const dir = mkdtempSync(join(tmpdir(), 'bench-scan-'));
  try {
    const table = await dynamo.createHistoryTable();
    const out = join(dir, 'figures.json');
    const args = [
      `--max-old-space-size=${options.memoryMiB}`, '--import', 'tsx', join(import.meta.dirname, 'scan-bench-run.ts'),
      '--endpoint', dynamo.endpoint, '--table', table, '--volumes', String(options.volumes), '--scans', String(options.scans), '--burst', String(options.burst ?? 4),
      '--hours', String(options.hours), '--latency-ms', String(options.latencyMs), '--timeout-s', String(options.timeoutSeconds), '--out', out,
      ...(options.noLedgerIndex === true ? ['--no-ledger-index'] : []), '--burstable-instance-share', String(options.burstableInstanceShare ?? DEFAULT_BURSTABLE_SHARE),
    ];
    const stdout = await runChild(args);
    return summarize(options, JSON.parse(readFileSync(out, 'utf8')) as ChildFigures, stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dynamo.stop();
  }
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'INFO' } });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new Error(`bench:scan child exited ${code}: ${Buffer.concat(errors).toString('utf8').slice(-2000)}`));
    });
  });
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function summarize(options: ScanBenchOptions, f: ChildFigures, stdout: string): ScanBenchResult {
  // Steady state: the scans that had the previous scan's busy set (all of them when bursts are 1 long).
  const warm = f.scans.filter((s) => s.warm);
  const scans = warm.length > 0 ? warm : f.scans;
  const emf = countEmfMetrics(stdout);
  const calls: Record<string, number> = {};
  for (const key of Object.keys(scans[0]?.calls ?? {})) calls[key] = round(mean(scans.map((s) => (s.calls as Record<string, number>)[key] ?? 0)), 1);
  const perScan = {
    metricsRequested: mean(scans.map((s) => s.metricsRequested)),
    instanceMetrics: mean(scans.map((s) => s.instanceMetricsRequested)),
    readRequestUnits: mean(scans.map((s) => s.dynamo.readRequestUnits)),
    writeRequestUnits: mean(scans.map((s) => s.dynamo.writeRequestUnits)),
    wallMs: mean(scans.map((s) => s.wallMs)),
    customMetrics: emf.datums / Math.max(1, f.scans.length),
    logBytes: emf.bytes / Math.max(1, f.scans.length),
  };
  const cost = monthlyCost(perScan, options.memoryMiB);
  const errorsByStage: Record<string, number> = {};
  for (const s of f.scans) for (const [stage, n] of Object.entries(s.errorsByStage)) errorsByStage[stage] = (errorsByStage[stage] ?? 0) + n;
  return {
    volumes: f.volumesListed,
    volumesInAccount: f.volumesInAccount,
    managedGp2Volumes: f.gp2Listed,
    scans: scans.length,
    simulatedHours: options.hours,
    setup: { latencyMs: options.latencyMs, memoryMiB: options.memoryMiB, timeoutSeconds: options.timeoutSeconds, ledgerIndex: options.noLedgerIndex !== true, burstableInstanceShare: options.burstableInstanceShare ?? DEFAULT_BURSTABLE_SHARE },
    calls,
    metricsRequested: Math.round(perScan.metricsRequested),
    metricsRequestedPerVolumeMonth: round((perScan.metricsRequested * SCANS_PER_MONTH) / Math.max(1, f.gp2Listed), 0),
    instanceMetricsRequested: Math.round(perScan.instanceMetrics),
    instanceMetricsShare: round(perScan.instanceMetrics / Math.max(1, perScan.metricsRequested), 3),
    instanceMetricsMonthlyUSD: round(cost.getMetricData * (perScan.instanceMetrics / Math.max(1, perScan.metricsRequested)), 2),
    dynamoDbPerScan: {
      readRequestUnits: round(perScan.readRequestUnits, 1), writeRequestUnits: round(perScan.writeRequestUnits, 1),
      readRequests: round(mean(scans.map((s) => s.dynamo.readRequests)), 1), writeRequests: round(mean(scans.map((s) => s.dynamo.writeRequests)), 1),
    },
    customMetricsPerScan: round(perScan.customMetrics, 1),
    monthlyCostUSD: round(cost.total, 2),
    monthlyCostBreakdownUSD: { getMetricData: round(cost.getMetricData, 2), dynamoDb: round(cost.dynamoDb, 2), lambda: round(cost.lambda, 2), customMetrics: round(cost.customMetrics, 2), logs: round(cost.logs, 2), total: round(cost.total, 2) },
    costPerVolumeMonthUSD: round(cost.total / Math.max(1, f.gp2Listed), 4),
    wallMs: Math.max(0, ...f.scans.map((s) => s.wallMs)),
    wallMsMean: Math.round(perScan.wallMs),
    volumesDeferredMax: Math.max(0, ...f.scans.map((s) => s.volumesDeferred)),
    volumesRestingPerScan: Math.round(mean(scans.map((s) => s.volumesResting))),
    coldScan: cold(f),
    errorsByStage,
    peakQueriesPerCall: f.peakQueriesPerCall,
    peakDatapointsPerCall: f.peakDatapointsPerCall,
    baselineRssMB: f.baselineRssMB,
    peakRssMB: f.peakRssMB,
  };
}

function cold(f: ChildFigures): ScanBenchResult['coldScan'] {
  const first = f.scans.filter((s) => !s.warm);
  if (first.length === 0 || first.length === f.scans.length) return undefined;
  return { metricsRequested: Math.round(mean(first.map((s) => s.metricsRequested))), wallMs: Math.round(mean(first.map((s) => s.wallMs))) };
}

function round(x: number, digits = 2): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

/** Human-readable report of one size. */
export function formatReport(r: ScanBenchResult): string {
  const c = r.monthlyCostBreakdownUSD;
  return [
    `bench:scan  ${r.volumes} volumes listed (${r.volumesInAccount} in the account, ${r.managedGp2Volumes} managed gp2), ${r.scans} steady-state scans over ${r.simulatedHours} simulated h, ${r.setup.latencyMs} ms per AWS call, ${r.setup.memoryMiB} MiB, timeout ${r.setup.timeoutSeconds} s, ledger ${r.setup.ledgerIndex ? 'from the sparse index' : 'per volume'}`,
    `  calls per scan   ${Object.entries(r.calls).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  metrics          ${r.metricsRequested} requested per scan, ${r.metricsRequestedPerVolumeMonth} per managed gp2 volume-month; largest call ${r.peakQueriesPerCall} queries / ${r.peakDatapointsPerCall} datapoints`,
    `  instance buckets ${r.instanceMetricsRequested} of them EBSIOBalance%/EBSByteBalance% (${(100 * r.instanceMetricsShare).toFixed(1)} %, $${r.instanceMetricsMonthlyUSD.toFixed(2)} a month), ${(100 * r.setup.burstableInstanceShare).toFixed(0)} % of the instances burstable`,
    `  DynamoDB / scan  ${r.dynamoDbPerScan.readRequestUnits} RRU in ${r.dynamoDbPerScan.readRequests} reads, ${r.dynamoDbPerScan.writeRequestUnits} WRU in ${r.dynamoDbPerScan.writeRequests} writes`,
    `  month (USD)      ${c.total.toFixed(2)} = GetMetricData ${c.getMetricData.toFixed(2)} + DynamoDB ${c.dynamoDb.toFixed(2)} + Lambda ${c.lambda.toFixed(2)} + custom metrics ${c.customMetrics.toFixed(2)} (${r.customMetricsPerScan} a scan) + logs ${c.logs.toFixed(2)}`,
    `  per volume-month $${r.costPerVolumeMonthUSD.toFixed(4)} per managed gp2 volume (goal ≤ $0.05)`,
    `  cadence          ${r.volumesRestingPerScan} quiet volumes resting per scan${r.coldScan === undefined ? '' : `; a cold scan (no busy set) requests ${r.coldScan.metricsRequested} metrics in ${r.coldScan.wallMs} ms`}`,
    `  wall             slowest scan ${r.wallMs} ms, mean ${r.wallMsMean} ms; most deferred ${r.volumesDeferredMax}; errors ${JSON.stringify(r.errorsByStage)}`,
    `  memory           peak RSS ${r.peakRssMB} MB (${r.baselineRssMB} MB before the first scan)`,
  ].join('\n') + '\n';
}

/** CLI entry: returns the exit code (2 on bad usage). */
export async function benchMain(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        volumes: { type: 'string', default: '10000' }, scans: { type: 'string', default: '6' }, burst: { type: 'string', default: '4' }, hours: { type: 'string', default: '24' },
        'latency-ms': { type: 'string', default: '50' }, 'memory-mib': { type: 'string', default: '1024' }, 'timeout-s': { type: 'string', default: '300' },
        'no-ledger-index': { type: 'boolean', default: false }, 'burstable-instance-share': { type: 'string', default: String(DEFAULT_BURSTABLE_SHARE) }, json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    err(`bench:scan: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const sizes = values.volumes.split(',').map(Number);
  const share = Number(values['burstable-instance-share']);
  if (!(share >= 0 && share <= 1)) {
    err(`bench:scan: --burstable-instance-share must be a number from 0 to 1, got '${values['burstable-instance-share']}'\n`);
    return 2;
  }
  const numbers = { burstableInstanceShare: share, scans: Number(values.scans), burst: Number(values.burst), hours: Number(values.hours), latencyMs: Number(values['latency-ms']), memoryMiB: Number(values['memory-mib']), timeoutSeconds: Number(values['timeout-s']) };
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(numbers.scans) || numbers.scans < 1 || !Number.isInteger(numbers.burst) || numbers.burst < 1 || !(numbers.hours > 0) || !(numbers.latencyMs >= 0) || !Number.isInteger(numbers.memoryMiB) || numbers.memoryMiB < 128 || !(numbers.timeoutSeconds > 0)) {
    err('bench:scan: --volumes must be whole numbers ≥ 1 (comma-separated), --scans and --burst whole numbers ≥ 1, --hours > 0, --latency-ms ≥ 0, --memory-mib ≥ 128, --timeout-s > 0\n');
    return 2;
  }
  const results: ScanBenchResult[] = [];
  for (const volumes of sizes) {
    const result = await runScanBench({ volumes, ...numbers, noLedgerIndex: values['no-ledger-index'] });
    results.push(result);
    if (!values.json) out(formatReport(result));
  }
  if (values.json) out(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchMain(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench:scan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
