/**
 * `npm run bench:scan [-- --volumes N] [--latency-ms L] [--throttle-rate P] [--json]` (issue 4
 * item 5): N volumes (default 10,000) through the real inventory and metrics adapters against
 * mocked EC2 and CloudWatch with per-call latency and occasional throttling, then the forecaster.
 * Prints calls per API, metrics requested, projected monthly CloudWatch cost at a 5-minute
 * schedule, wall time and peak RSS, next to the one-GetMetricStatistics-per-volume-per-metric pattern.
 * GetMetricData and GetMetricStatistics both cost $0.01 per 1,000 metrics/requests:
 * https://aws.amazon.com/cloudwatch/pricing/
 */
import { parseArgs } from 'node:util';
import { CloudWatchBurstMetricsReader, MAX_QUERIES_PER_CALL } from '../../lambda/aws/cloudwatch-burst-metrics-reader';
import { Ec2VolumeInventory } from '../../lambda/aws/ec2-volume-inventory';
import { forecastExhaustion } from '../../lambda/core/forecast/forecast';
import { createMockClients } from './scan-bench-mocks';

/** USD per 1,000 metrics requested (GetMetricData) or requests (GetMetricStatistics). */
export const USD_PER_1000_METRICS = 0.01;
/** Scans per month at a 5-minute schedule, on AWS's 730-hour month. */
export const SCANS_PER_MONTH = (730 * 60) / 5;
const NOW = 1_767_225_600;
const LOOKBACK_SECONDS = 3 * 3600;

/** The figures the benchmark reports (also its `--json` output). */
export interface ScanBenchResult {
  readonly volumes: number;
  readonly latencyMs: number;
  readonly calls: { DescribeVolumes: number; GetMetricData: number };
  readonly throttledCalls: { DescribeVolumes: number; GetMetricData: number };
  readonly getMetricDataBound: number;
  readonly metricsRequested: number;
  readonly metricsPerVolume: number;
  readonly monthlyCostUSD: number;
  readonly peakQueriesPerCall: number;
  readonly peakDatapointsPerCall: number;
  readonly volumesWithErrors: number;
  readonly forecasts: Record<string, number>;
  readonly peer: { readonly GetMetricStatisticsCallsPerScan: number; readonly monthlyCalls: number; readonly monthlyCostUSD: number };
  readonly wallMs: number;
  readonly phasesMs: { readonly inventory: number; readonly metricsAndForecast: number; readonly forecastCpu: number };
  readonly peakRssMB: number;
}

/** Runs one benchmark scan. */
export async function runScanBench(options: { volumes: number; latencyMs: number; throttleRate: number; seed: number }): Promise<ScanBenchResult> {
  const mocks = createMockClients(options);
  {
    const started = performance.now();
    const inventory = new Ec2VolumeInventory({ client: mocks.ec2 });
    const reader = new CloudWatchBurstMetricsReader({ client: mocks.cloudWatch, maxConcurrentCalls: 4 });
    const volumes = await inventory.listVolumes({});
    const inventoryDone = performance.now();
    // Stream: forecast each volume as soon as its metrics are in, so the fleet never sits in memory.
    const forecasts: Record<string, number> = {};
    const byId = new Map(volumes.map((v) => [v.volumeId, v]));
    let volumesWithErrors = 0;
    let forecastMs = 0;
    const { metricsRequested } = await reader.streamMetrics(
      { volumes, startEpochSeconds: NOW - LOOKBACK_SECONDS, endEpochSeconds: NOW, periodSeconds: 60 },
      (outcome) => {
        if (outcome.kind === 'error') {
          volumesWithErrors++;
          return;
        }
        const volume = byId.get(outcome.series.volumeId);
        if (volume === undefined) return;
        const t0 = performance.now();
        const kind = forecastExhaustion(outcome.series, volume, NOW).kind;
        forecastMs += performance.now() - t0;
        forecasts[kind] = (forecasts[kind] ?? 0) + 1;
      },
    );
    const ended = performance.now();
    const wallMs = ended - started;
    const phasesMs = { inventory: Math.round(inventoryDone - started), metricsAndForecast: Math.round(ended - inventoryDone), forecastCpu: Math.round(forecastMs) };
    // Queries planned once per volume and metric; the peer tool makes one call for each.
    const queriesPerScan = metricsRequested;
    const c = mocks.counters;
    return {
      volumes: volumes.length,
      latencyMs: options.latencyMs,
      calls: { ...c.calls },
      throttledCalls: { ...c.throttled },
      getMetricDataBound: Math.ceil(queriesPerScan / MAX_QUERIES_PER_CALL),
      metricsRequested: metricsRequested,
      metricsPerVolume: volumes.length === 0 ? 0 : metricsRequested / volumes.length,
      monthlyCostUSD: round2((metricsRequested * SCANS_PER_MONTH * USD_PER_1000_METRICS) / 1000),
      peakQueriesPerCall: c.peakQueriesPerCall,
      peakDatapointsPerCall: c.peakDatapointsPerCall,
      volumesWithErrors: volumesWithErrors,
      forecasts,
      peer: {
        GetMetricStatisticsCallsPerScan: queriesPerScan,
        monthlyCalls: queriesPerScan * SCANS_PER_MONTH,
        monthlyCostUSD: round2((queriesPerScan * SCANS_PER_MONTH * USD_PER_1000_METRICS) / 1000),
      },
      wallMs: Math.round(wallMs),
      phasesMs,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Human-readable report. */
export function formatReport(r: ScanBenchResult): string {
  const lines = [
    `bench:scan  ${r.volumes} volumes, ${r.latencyMs} ms per call`,
    `  DescribeVolumes  ${r.calls.DescribeVolumes} calls (+${r.throttledCalls.DescribeVolumes} throttled after the SDK's retries)  bar <= 20`,
    `  GetMetricData    ${r.calls.GetMetricData} calls (+${r.throttledCalls.GetMetricData} throttled after the SDK's retries)  bar <= ceil(${r.metricsRequested} / 500) = ${r.getMetricDataBound}`,
    `  peak per call    ${r.peakQueriesPerCall} queries, ${r.peakDatapointsPerCall} datapoints (limits 500 / 100,800)`,
    `  metrics          ${r.metricsRequested} requested (${r.metricsPerVolume.toFixed(2)} per volume), ${r.volumesWithErrors} volumes with errors`,
    `  cost             $${r.monthlyCostUSD.toFixed(2)}/month at a 5-minute schedule (${SCANS_PER_MONTH} scans)`,
    `  peer pattern     ${r.peer.GetMetricStatisticsCallsPerScan} GetMetricStatistics calls per scan, ${r.peer.monthlyCalls} a month, $${r.peer.monthlyCostUSD.toFixed(2)}/month`,
    `  forecasts        ${Object.entries(r.forecasts).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  wall             ${r.wallMs} ms (inventory ${r.phasesMs.inventory}, metrics+forecast ${r.phasesMs.metricsAndForecast}, of which forecast CPU ${r.phasesMs.forecastCpu})   peak RSS ${r.peakRssMB} MB`,
  ];
  return `${lines.join('\n')}\n`;
}

/** CLI entry: returns the exit code (2 on bad usage). */
export async function benchMain(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        volumes: { type: 'string', default: '10000' },
        'latency-ms': { type: 'string', default: '50' },
        'throttle-rate': { type: 'string', default: '0' },
        seed: { type: 'string', default: '42' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    err(`bench:scan: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const volumes = Number(values.volumes);
  const latencyMs = Number(values['latency-ms']);
  const throttleRate = Number(values['throttle-rate']);
  const seed = Number(values.seed);
  if (!Number.isInteger(volumes) || volumes < 0 || !(latencyMs >= 0) || !(throttleRate >= 0 && throttleRate < 1) || !Number.isInteger(seed)) {
    err('bench:scan: --volumes must be an integer >= 0, --latency-ms >= 0, --throttle-rate in [0, 1), --seed an integer\n');
    return 2;
  }
  const result = await runScanBench({ volumes, latencyMs, throttleRate, seed });
  out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
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
