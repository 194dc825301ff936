/**
 * `npm run bench:forecast:instance [-- --json]`: the forecast benchmark on instance EBS buckets
 * (issue 15 part 1). Two gp3 volumes (no bucket of their own: the instance is the only wall) on one
 * instance of each size below, under each workload family at multiples of the instance's baseline
 * IOPS; at every 5-minute guardian run the instance's delayed 5-minute `EBSIOBalance%` /
 * `EBSByteBalance%` (what GetMetricData returns) go through the shipping forecaster
 * (`forecastInstanceBucket`) and alert tiers (`alertTier`), against a static `< 20 %` alarm and
 * `predict_linear` on the lower of the two balances. Scored with the volume benchmark's rules
 * (forecast-score.ts): an exhaustion is caught at H when the first alert in the 6 h before came at
 * least H earlier; feasibility counts the 5-minute period on top of the 2-minute publication delay.
 */
import { parseArgs } from 'node:util';
import { predictLinearFires, staticAlarmFires } from '../../lambda/core/forecast/baseline-alerters';
import { alertTier } from '../../lambda/core/forecast/alert-tier';
import { forecastInstanceBucket, INSTANCE_METRIC_PERIOD_SECONDS } from '../../lambda/core/forecast/instance';
import { burstableInstanceSpec } from '../../lambda/core/credit/instance-ebs';
import { tierRuleOf } from '../../lambda/core/decision/triggers';
import { PolicySchema } from '../../lambda/core/policy/schema';
import type { MetricPoint } from '../../lambda/core/types';
import { runSimulation, scenarioWorkload } from '../../lambda/sim/index';
import { scoreVolume, summarize, type ScoreSummary, type VolumeScore } from './forecast-score';

const HOUR = 3600;
const DAY = 24 * HOUR;
const START = 1_767_225_600;
const INTERVAL = 300;
const DELAY = 120;
const INSTANCE_ID = 'i-bench';

/** Sizes: the families, an m5, a c5, a t3, an m6i and an r6i. */
export const BENCH_INSTANCE_TYPES = ['m5.large', 'c5.xlarge', 't3.medium', 'm6i.large', 'r6i.2xlarge'] as const;
/** Workload families × total demand as a multiple of the instance's baseline IOPS, and how long each runs. */
const FAMILIES: readonly { family: string; factors: readonly number[]; durationSeconds: number }[] = [
  { family: 'constant', factors: [0.8, 1.3, 2, 4], durationSeconds: 1 * DAY },
  { family: 'diurnal', factors: [1.3, 2, 4], durationSeconds: 3 * DAY },
  { family: 'nightly-batch', factors: [1.3, 2, 4], durationSeconds: 3 * DAY },
  { family: 'spikes', factors: [2, 4], durationSeconds: 2 * DAY },
  { family: 'step', factors: [1.3, 2, 4], durationSeconds: 1 * DAY },
];

/** The alerters compared at each horizon. */
export const INSTANCE_ALERTERS = ['page', 'early-warning', 'static<20%', 'predict_linear'] as const;
type Alerter = (typeof INSTANCE_ALERTERS)[number];
/** Horizons, minutes. */
export const INSTANCE_HORIZONS_MINUTES = [30, 60, 180] as const;

/** One case of the suite. */
export interface InstanceBenchCase {
  readonly name: string;
  readonly family: string;
  readonly instanceType: string;
  /** Per-volume scenario (two volumes share the total). */
  readonly scenario: string;
  readonly durationSeconds: number;
  readonly seed: number;
}

/** The fixed suite: every size × family × factor, seeds from the case index. */
export function buildInstanceSuite(): InstanceBenchCase[] {
  const cases: Omit<InstanceBenchCase, 'seed'>[] = [];
  for (const instanceType of BENCH_INSTANCE_TYPES) {
    const spec = burstableInstanceSpec(instanceType);
    if (spec === undefined) throw new Error(`${instanceType} has no bucket`);
    for (const { family, factors, durationSeconds } of FAMILIES) {
      for (const factor of factors) {
        const perVolume = Math.round((factor * spec.baselineIops) / 2);
        cases.push({ name: `${instanceType} ${family}:${perVolume} ×2 (${factor}× baseline)`, family, instanceType, scenario: `${family}:${perVolume}`, durationSeconds });
      }
    }
  }
  return cases.map((c, i) => ({ ...c, seed: 5000 + i }));
}

/** Pointwise lower of the two balances (the bucket that empties first). */
function lowerOf(io: readonly MetricPoint[], bytes: readonly MetricPoint[]): MetricPoint[] {
  const byT = new Map(bytes.map((p) => [p.tEpochSeconds, p.value]));
  return io.map((p) => ({ tEpochSeconds: p.tEpochSeconds, value: Math.min(p.value, byT.get(p.tEpochSeconds) ?? p.value) }));
}

/** Simulates one case and scores each alerter at each horizon. */
export async function runInstanceCase(c: InstanceBenchCase): Promise<Record<number, Record<Alerter, VolumeScore>>> {
  const policy = PolicySchema.parse({ version: 1 });
  const rule = tierRuleOf(policy, INTERVAL);
  const spec = burstableInstanceSpec(c.instanceType);
  if (spec === undefined) throw new Error(`${c.instanceType} has no bucket`);
  const times: Record<'page' | 'early-warning' | 'static<20%', number[]> = { page: [], 'early-warning': [], 'static<20%': [] };
  const linear = new Map<number, number[]>(INSTANCE_HORIZONS_MINUTES.map((m) => [m, []]));
  const idleEnds: number[] = [];
  const nearEmpty = new Set<number>();
  let served = 0;
  const gp3 = { type: 'gp3' as const, sizeGiB: 500, iops: 16_000, throughputMiBps: 1_000 };
  const result = await runSimulation({
    volume: { ...gp3, volumeId: 'vol-a' }, extraVolumes: [{ ...gp3, volumeId: 'vol-b' }], workload: scenarioWorkload(c.scenario),
    startEpochSeconds: START, durationSeconds: c.durationSeconds, intervalSeconds: INTERVAL, metricDelaySeconds: DELAY, seed: c.seed,
    instance: { instanceId: INSTANCE_ID, instanceType: c.instanceType },
    onInterval: async ({ nowEpochSeconds: now, fleet }) => {
      const host = fleet.instance(INSTANCE_ID);
      // Ground truth: was the instance's demand at or below its baseline over the interval? Is it empty now?
      const total = fleet.volume('vol-a').counters.demandOps + fleet.volume('vol-b').counters.demandOps;
      if ((total - served) / INTERVAL <= spec.baselineIops) idleEnds.push(now);
      served = total;
      const truth = host?.balances();
      if (truth !== undefined && Math.min(truth.io, truth.bytes) <= 1) nearEmpty.add(now);
      const balance = (await fleet.readInstanceBalances({ instanceIds: [INSTANCE_ID], startEpochSeconds: now - 3 * HOUR, endEpochSeconds: now })).get(INSTANCE_ID);
      if (balance === undefined) return;
      const forecast = forecastInstanceBucket(balance, spec, now, { intervalSeconds: INTERVAL });
      const verdict = alertTier(forecast.worst, rule, times.page.at(-1) === now - INTERVAL);
      if (verdict.tier === 'page') times.page.push(now);
      if (verdict.tier !== undefined) times['early-warning'].push(now);
      const series = { burstBalancePercent: lowerOf(balance.ioBalancePercent, balance.byteBalancePercent) };
      if (staticAlarmFires(series, now)) times['static<20%'].push(now);
      for (const [minutes, list] of linear) if (predictLinearFires(series, now, minutes * 60)) list.push(now);
    },
  });
  const exhaustions = (result.instance?.exhaustionsSeconds ?? []).map((s) => START + s);
  const out: Record<number, Record<Alerter, VolumeScore>> = {};
  for (const minutes of INSTANCE_HORIZONS_MINUTES) {
    const score = (alertTimes: readonly number[]) => scoreVolume({
      alertTimes, exhaustionTimes: exhaustions, idleIntervalEnds: idleEnds, horizonSeconds: minutes * 60, startEpochSeconds: START, endEpochSeconds: START + c.durationSeconds,
      isEmptyAt: (t) => nearEmpty.has(t), metricDelaySeconds: DELAY + INSTANCE_METRIC_PERIOD_SECONDS, intervalSeconds: INTERVAL,
    });
    out[minutes] = { page: score(times.page), 'early-warning': score(times['early-warning']), 'static<20%': score(times['static<20%']), predict_linear: score(linear.get(minutes) ?? []) };
  }
  return out;
}

/** Summaries per horizon and alerter over every case. */
export function summarizeInstanceBench(results: readonly Record<number, Record<Alerter, VolumeScore>>[]): Record<number, Record<Alerter, ScoreSummary>> {
  const out: Record<number, Record<Alerter, ScoreSummary>> = {};
  for (const minutes of INSTANCE_HORIZONS_MINUTES) {
    out[minutes] = Object.fromEntries(INSTANCE_ALERTERS.map((a) => [a, summarize(results.map((r) => r[minutes]?.[a]).filter((s) => s !== undefined))])) as Record<Alerter, ScoreSummary>;
  }
  return out;
}

function table(summary: Record<number, Record<Alerter, ScoreSummary>>): string {
  const fmt = (x: number, d = 2) => (Number.isNaN(x) ? '–' : x.toFixed(d));
  const lines: string[] = [];
  for (const minutes of INSTANCE_HORIZONS_MINUTES) {
    lines.push(`H = ${minutes} min`, 'alerter          exh  feas  caught  recall feas  median lead min  false ep  false/inst-day');
    for (const a of INSTANCE_ALERTERS) {
      const s = summary[minutes]?.[a];
      if (s === undefined) continue;
      lines.push(`${a.padEnd(15)} ${String(s.exhaustions).padStart(4)} ${String(s.feasible).padStart(5)} ${String(s.caughtFeasible).padStart(7)} ${fmt(s.recallFeasible).padStart(12)} ${(Number.isNaN(s.medianLeadSeconds) ? '–' : String(Math.round(s.medianLeadSeconds / 60))).padStart(16)} ${String(s.falseEpisodes).padStart(9)} ${fmt(s.falseEpisodesPerVolumeDay, 3).padStart(15)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Runs the suite; prints the tables (or JSON) and the elapsed time. */
export async function instanceBenchMain(argv: readonly string[], out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { json: { type: 'boolean', default: false } } });
  const started = performance.now();
  const suite = buildInstanceSuite();
  const results = [];
  for (const c of suite) results.push(await runInstanceCase(c));
  const summary = summarizeInstanceBench(results);
  const instanceDays = suite.reduce((sum, c) => sum + c.durationSeconds / DAY, 0);
  if (values.json) out(`${JSON.stringify({ cases: suite.length, instanceDays, summary }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  else out(`instance-bucket forecast benchmark: ${suite.length} instance-traces (${instanceDays} instance-days; ${BENCH_INSTANCE_TYPES.join(', ')}), 2 gp3 volumes each, interval 5 min, 5-minute points + 2 min delay\n\n${table(summary)}`);
  err(`bench:forecast:instance: ${suite.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  instanceBenchMain(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then(
    (code) => void (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`bench:forecast:instance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
