/**
 * Workloads: piecewise-constant I/O demand, generated lazily one segment at a time so a week of
 * demand costs only as many segments as the demand actually changes. Seeded and deterministic.
 */
import { SimulationInputError } from '../core/errors';
import type { Rng } from './rng';
import type { Trace } from './trace';

/** Demand held constant for `durationSeconds`. */
export interface DemandSegment {
  readonly durationSeconds: number;
  readonly readOpsPerSecond: number;
  readonly writeOpsPerSecond: number;
}

/** An endless source of demand segments. */
export interface Workload {
  readonly name: string;
  nextSegment(): DemandSegment;
}

/** What a workload may depend on: wall-clock alignment (diurnal, nightly) and randomness. */
export interface WorkloadContext {
  readonly startEpochSeconds: number;
  readonly rng: Rng;
}

/** Builds a workload for one simulation run. */
export type WorkloadFactory = (context: WorkloadContext) => Workload;

const DAY_SECONDS = 86_400;
const MINUTE_SECONDS = 60;

/** Scenario names `--scenario` accepts, with their optional argument and default. */
export const SCENARIOS: Readonly<Record<string, { readonly arg: string; readonly defaultArg: number | undefined; readonly summary: string }>> = {
  constant: { arg: 'IOPS', defaultArg: undefined, summary: 'constant demand (required argument)' },
  diurnal: { arg: 'peakIOPS', defaultArg: 1800, summary: 'daily cycle peaking at 14:00 UTC, quiet at night' },
  'ci-host': { arg: 'startsPerMinute', defaultArg: 16, summary: 'CI loop of `docker run --rm fedora date`, each start a burst of I/O' },
  'nightly-batch': { arg: 'IOPS', defaultArg: 2400, summary: 'idle days, a 2.5 h batch from 01:00 UTC' },
  spikes: { arg: 'IOPS', defaultArg: 3000, summary: 'short random spikes (20–120 s, every ~15 min) over a quiet background' },
  step: { arg: 'IOPS', defaultArg: 1500, summary: 'quiet for 2 h, then a permanent step up' },
};

/** Parses `NAME[:ARG]` into a workload factory; throws `SimulationInputError` for unknown names or bad arguments. */
export function scenarioWorkload(text: string): WorkloadFactory {
  const [name = '', argText, ...extra] = text.split(':');
  const scenario = SCENARIOS[name];
  if (scenario === undefined) {
    throw new SimulationInputError(`unknown scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})`);
  }
  if (extra.length > 0) throw new SimulationInputError(`scenario '${text}' has more than one ':ARG'`);
  const arg = argText === undefined ? scenario.defaultArg : Number(argText);
  if (arg === undefined) throw new SimulationInputError(`scenario '${name}' needs an argument: ${name}:${scenario.arg}`);
  if (!Number.isFinite(arg) || arg < 0 || argText === '') {
    throw new SimulationInputError(`scenario '${name}': ${scenario.arg} must be a non-negative number, got '${argText ?? ''}'`);
  }
  const label = argText === undefined ? name : `${name}:${arg}`;
  const generators: Record<string, (ctx: WorkloadContext) => Iterator<DemandSegment>> = {
    constant: () => constantDemand(arg),
    diurnal: (ctx) => diurnal(ctx, arg),
    'ci-host': (ctx) => ciHost(ctx, arg),
    'nightly-batch': (ctx) => nightlyBatch(ctx, arg),
    spikes: (ctx) => spikes(ctx, arg),
    step: (ctx) => step(ctx, arg),
  };
  const generate = generators[name];
  if (generate === undefined) throw new SimulationInputError(`scenario '${name}' has no generator`);
  return (ctx) => fromIterator(label, generate(ctx));
}

/** Replays a trace: each row's ops spread evenly over its step; idle in gaps and after the last row. */
export function traceWorkload(trace: Trace): WorkloadFactory {
  return () => fromIterator(`trace:${trace.file}`, replay(trace));
}

function fromIterator(name: string, iterator: Iterator<DemandSegment>): Workload {
  return {
    name,
    nextSegment: () => {
      const result = iterator.next();
      return result.done === true ? { durationSeconds: Number.POSITIVE_INFINITY, readOpsPerSecond: 0, writeOpsPerSecond: 0 } : result.value;
    },
  };
}

function segment(durationSeconds: number, totalOpsPerSecond: number, readFraction: number): DemandSegment {
  const total = Math.max(0, totalOpsPerSecond);
  return { durationSeconds, readOpsPerSecond: total * readFraction, writeOpsPerSecond: total * (1 - readFraction) };
}

/** Multiplicative noise that never makes demand negative. */
function jitter(rng: Rng, relativeSd: number): number {
  return Math.max(0, rng.normal(1, relativeSd));
}

function* constantDemand(iops: number): Generator<DemandSegment> {
  yield segment(Number.POSITIVE_INFINITY, iops, 0.5);
}

function* diurnal(ctx: WorkloadContext, peakIops: number): Generator<DemandSegment> {
  const stepSeconds = 5 * MINUTE_SECONDS;
  for (let t = 0; ; t += stepSeconds) {
    const hourOfDay = (((ctx.startEpochSeconds + t) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS / 3600;
    // Raised cosine: trough at 02:00 UTC, peak at 14:00 UTC, night floor 8% of peak.
    const shape = 0.08 + 0.92 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hourOfDay - 2)) / 24));
    yield segment(stepSeconds, peakIops * shape * jitter(ctx.rng, 0.15), 0.6);
  }
}

function* ciHost(ctx: WorkloadContext, startsPerMinute: number): Generator<DemandSegment> {
  // Each `docker run --rm fedora date`: overlay setup, image layer reads, journald and container
  // teardown writes, ~2,600 small I/Os issued as fast as the device allows (~2,800 IOPS).
  const backgroundIops = 120;
  const startRateIops = 2800;
  const meanGapSeconds = startsPerMinute > 0 ? MINUTE_SECONDS / startsPerMinute : Number.POSITIVE_INFINITY;
  for (;;) {
    if (!Number.isFinite(meanGapSeconds)) {
      yield segment(Number.POSITIVE_INFINITY, backgroundIops, 0.3);
      return;
    }
    const startOps = Math.max(500, ctx.rng.normal(2600, 500));
    const burstSeconds = startOps / startRateIops;
    yield segment(burstSeconds, startRateIops + backgroundIops, 0.55);
    const gapSeconds = Math.max(0.2, ctx.rng.uniform(0.4, 1.6) * meanGapSeconds - burstSeconds);
    yield segment(gapSeconds, backgroundIops * jitter(ctx.rng, 0.2), 0.3);
  }
}

function* nightlyBatch(ctx: WorkloadContext, batchIops: number): Generator<DemandSegment> {
  const batchStartSecondOfDay = 3600;
  const batchSeconds = 2.5 * 3600;
  for (let t = 0; ; t += MINUTE_SECONDS) {
    const secondOfDay = (((ctx.startEpochSeconds + t) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
    const inBatch = secondOfDay >= batchStartSecondOfDay && secondOfDay < batchStartSecondOfDay + batchSeconds;
    yield segment(MINUTE_SECONDS, inBatch ? batchIops * jitter(ctx.rng, 0.1) : 60 * jitter(ctx.rng, 0.3), inBatch ? 0.8 : 0.4);
  }
}

function* spikes(ctx: WorkloadContext, spikeIops: number): Generator<DemandSegment> {
  for (;;) {
    yield segment(ctx.rng.exponential(15 * MINUTE_SECONDS), 80 * jitter(ctx.rng, 0.3), 0.5);
    yield segment(ctx.rng.uniform(20, 120), spikeIops * jitter(ctx.rng, 0.1), 0.5);
  }
}

function* step(ctx: WorkloadContext, iops: number): Generator<DemandSegment> {
  yield segment(2 * 3600, 150, 0.5);
  for (;;) yield segment(MINUTE_SECONDS, iops * jitter(ctx.rng, 0.05), 0.5);
}

function* replay(trace: Trace): Generator<DemandSegment> {
  let t = 0;
  for (const row of trace.rows) {
    // A missing row is no data: the volume idles (and refills); `Trace.gaps` silences its metrics.
    if (row.tSeconds > t) yield { durationSeconds: row.tSeconds - t, readOpsPerSecond: 0, writeOpsPerSecond: 0 };
    t = row.tSeconds + trace.stepSeconds;
    yield { durationSeconds: trace.stepSeconds, readOpsPerSecond: row.readOps / trace.stepSeconds, writeOpsPerSecond: row.writeOps / trace.stepSeconds };
  }
}
