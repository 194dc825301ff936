/**
 * Metrics and forecasts for one chunk of the fleet, under the read plan (read-plan.ts): BurstBalance
 * of the burstable volumes first, then only the series their state calls for; flipped volumes get
 * their I/O over a day for the revert replay. Nothing outlives the chunk: the caller drops the
 * series once the chunk is decided, so memory follows the chunk size, not the fleet.
 */
import { activeRescue, matchOverride, selectVolume } from '../decision/decide';
import { forecastExhaustion } from '../forecast/forecast';
import type { Policy } from '../policy/schema';
import type { MetricsRequestVolume, ModificationRecord, VolumeMetricsOutcome } from '../ports';
import { guaranteedLeadSeconds, slowEveryScans, type Cadence } from './cadence';
import { defaultMetricFields, firstRoundPlan, mergeSeries, requestVolume, secondRoundFields, type VolumeReadPlan } from './read-plan';
import { messageOf, scheduleIntervalSeconds } from './support';
import type { ScanDeps, ScanError } from './types';
import { isBurstableType, type Forecast, type VolumeDescription, type VolumeMetricSeries } from '../types';

/** How far back a flipped volume's I/O is read for the revert replay, seconds. */
export const FLIPPED_LOOKBACK_SECONDS = 24 * 3600;

/** One chunk's series (only what decisions use) and forecasts. */
export interface ChunkMetrics {
  readonly series: Map<string, VolumeMetricSeries>;
  readonly forecasts: Map<string, Forecast>;
  readonly metricsRequested: number;
  /** Volumes the plan reads at all (the others are not selected or cannot need data). */
  readonly read: ReadonlySet<string>;
  /** Quiet volumes not due this scan (adaptive cadence): not read, not decided. */
  readonly resting: ReadonlySet<string>;
}

/** What the chunk reader needs besides the chunk. */
export interface ChunkContext {
  readonly deps: ScanDeps;
  readonly policy: Policy;
  readonly now: number;
  readonly records: ReadonlyMap<string, readonly ModificationRecord[]>;
  readonly errors: ScanError[];
  /** Which quiet volumes are due (cadence.ts); `mustRead` volumes (ledger, open alert) always are. */
  readonly cadence?: Cadence;
  readonly mustRead?: (volume: VolumeDescription) => boolean;
}

/** Reads, plans and forecasts one chunk. Never throws: failures are recorded and mean "no data". */
export async function readChunkMetrics(ctx: ChunkContext, chunk: readonly VolumeDescription[]): Promise<ChunkMetrics> {
  const { policy, now } = ctx;
  // The forecaster needs about an hour, the revert replay its trailing window; GetMetricData bills
  // per metric requested, not per datapoint, so the longer window costs nothing extra.
  const lookback = Math.max(3 * 3600, (policy.revert.shadowBucket.trailingWindowMinutes + 60) * 60);
  const resting = new Set<string>();
  const full = ctx.deps.readPlan === 'full';
  const cadence = full ? undefined : ctx.cadence;
  const probe = ctx.deps.probeNamespace === undefined ? {} : { probeNamespace: ctx.deps.probeNamespace };
  const plans = new Map(chunk.map((v): [string, VolumeReadPlan] => {
    const plan = planOf(ctx, v);
    // The full read (benchmarks only): every metric of the volume, every scan.
    if (full && plan.kind === 'balance-first') return [v.volumeId, { kind: 'fields', flipped: false, fields: defaultMetricFields(v, probe) }];
    if (plan.kind !== 'balance-first' || cadence === undefined || cadence.isDue(v, ctx.mustRead?.(v) ?? true)) return [v.volumeId, plan];
    resting.add(v.volumeId);
    return [v.volumeId, { kind: 'none' }];
  }));
  const series = new Map<string, VolumeMetricSeries>();
  const first = { balance: [] as MetricsRequestVolume[], fields: [] as MetricsRequestVolume[], flipped: [] as MetricsRequestVolume[] };
  for (const v of chunk) {
    const plan = plans.get(v.volumeId) ?? { kind: 'none' };
    if (plan.kind === 'balance-first') first.balance.push(requestVolume(v, ['burstBalancePercent']));
    else if (plan.kind === 'fields') (plan.flipped ? first.flipped : first.fields).push(requestVolume(v, plan.fields));
  }
  let requested = 0;
  const keep = (s: VolumeMetricSeries): void => void series.set(s.volumeId, s);
  requested += await readRound(ctx, [...first.balance, ...first.fields], lookback, keep);
  requested += await readRound(ctx, first.flipped, Math.max(lookback, FLIPPED_LOOKBACK_SECONDS), keep);
  const second: MetricsRequestVolume[] = [];
  for (const v of chunk) {
    const s = series.get(v.volumeId);
    if (plans.get(v.volumeId)?.kind !== 'balance-first' || s === undefined) continue;
    const fields = secondRoundFields(v, s.burstBalancePercent, { now, policy, ...probe });
    if (fields.length === 0) cadence?.observe(v.volumeId, 'quiet');
    else second.push(requestVolume(v, fields));
  }
  // A balance-first volume whose first round failed is busy: read it again next scan.
  for (const v of chunk) if (plans.get(v.volumeId)?.kind === 'balance-first' && !series.has(v.volumeId)) cadence?.observe(v.volumeId, 1);
  requested += await readRound(ctx, second, lookback, (s) => {
    const firstRound = series.get(s.volumeId);
    if (firstRound !== undefined) series.set(s.volumeId, mergeSeries(firstRound, s));
  });
  // A volume whose second round failed has BurstBalance only: its forecast rests on the slope, or says too little data.
  const intervalSeconds = scheduleIntervalSeconds(policy.schedule);
  const forecasts = new Map<string, Forecast>();
  const read = new Set<string>();
  const lead = guaranteedLeadSeconds(policy, intervalSeconds);
  const readTwice = new Set(second.map((r) => r.volumeId));
  for (const v of chunk) {
    const plan = plans.get(v.volumeId) ?? { kind: 'none' };
    if (plan.kind !== 'none') read.add(v.volumeId);
    const forecast = forecastOf(v, plan, series.get(v.volumeId), now, intervalSeconds);
    forecasts.set(v.volumeId, forecast);
    const balance = series.get(v.volumeId)?.burstBalancePercent ?? [];
    // Not full and flat: read every scan, or less often while it refills and the bound allows (cadence.ts).
    if (plan.kind === 'balance-first' && readTwice.has(v.volumeId)) {
      const lowest = Math.min(100, ...balance.slice(-5).map((p) => p.value));
      cadence?.observe(v.volumeId, slowEveryScans({ volume: v, lowestBalancePercent: lowest, forecast, intervalSeconds, leadSeconds: lead }));
    }
  }
  return { series, forecasts, metricsRequested: requested, read, resting };
}

function planOf(ctx: ChunkContext, volume: VolumeDescription): VolumeReadPlan {
  const records = ctx.records.get(volume.volumeId) ?? [];
  const rescue = activeRescue({ volume, records });
  const selected = selectVolume(ctx.policy, volume, rescue?.from.type ?? volume.type).selected;
  const probe = ctx.deps.probeNamespace === undefined ? {} : { probeNamespace: ctx.deps.probeNamespace };
  return firstRoundPlan(volume, { selected, ...(rescue === undefined ? {} : { rescuedFrom: rescue.from.type }), rescueImmediately: matchOverride(ctx.policy, volume)?.rescueImmediately === true, ...probe });
}

/** One GetMetricData round over `volumes`; returns the metrics requested. */
async function readRound(ctx: ChunkContext, volumes: readonly MetricsRequestVolume[], lookbackSeconds: number, onSeries: (s: VolumeMetricSeries) => void): Promise<number> {
  if (volumes.length === 0) return 0;
  const { deps, now, errors } = ctx;
  const request = {
    volumes,
    startEpochSeconds: Math.floor((now - lookbackSeconds) / 60) * 60,
    endEpochSeconds: Math.floor(now / 60) * 60,
    periodSeconds: 60,
    ...(deps.probeNamespace === undefined ? {} : { probeNamespace: deps.probeNamespace }),
  };
  const onVolume = (outcome: VolumeMetricsOutcome): void => {
    if (outcome.kind === 'error') errors.push({ stage: 'metrics', volumeId: outcome.volumeId, message: messageOf(outcome.error) });
    else onSeries(outcome.series);
  };
  try {
    if (deps.metrics.streamMetrics !== undefined) return (await deps.metrics.streamMetrics(request, onVolume)).metricsRequested;
    const result = await deps.metrics.readMetrics(request);
    for (const s of result.series.values()) onVolume({ kind: 'series', series: s });
    for (const [volumeId, error] of result.errors) onVolume({ kind: 'error', volumeId, error });
    return result.metricsRequested;
  } catch (error) {
    errors.push({ stage: 'metrics', message: `metrics unreadable for ${volumes.length} volumes, none of them is acted on for lack of data: ${messageOf(error)}` });
    return 0;
  }
}

function forecastOf(volume: VolumeDescription, plan: VolumeReadPlan, series: VolumeMetricSeries | undefined, now: number, intervalSeconds: number): Forecast {
  if (!isBurstableType(volume.type)) return { kind: 'not-burstable', reason: `${volume.type} has no burst bucket` };
  // Not read because not selected: say so rather than pretend there was no data.
  if (plan.kind === 'none' && series === undefined) {
    const empty: VolumeMetricSeries = { volumeId: volume.volumeId, periodSeconds: 60, burstBalancePercent: [], readOps: [], writeOps: [] };
    const f = safely(empty, volume, now, intervalSeconds);
    return f.kind === 'not-burstable' ? f : { kind: 'insufficient-data', reason: 'not read: the policy does not select this volume' };
  }
  if (series === undefined) return { kind: 'insufficient-data', reason: 'no metrics for this volume' };
  return safely(series, volume, now, intervalSeconds);
}

function safely(series: VolumeMetricSeries, volume: VolumeDescription, now: number, intervalSeconds: number): Forecast {
  try {
    return forecastExhaustion(series, volume, now, { intervalSeconds });
  } catch (error) {
    return { kind: 'insufficient-data', reason: `forecast failed: ${messageOf(error)}` };
  }
}
