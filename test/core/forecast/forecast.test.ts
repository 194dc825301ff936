import { describe, expect, it } from 'vitest';
import { bucketSpecFor } from '../../../lambda/core/credit/credit-model';
import { DEFAULT_FORECAST_OPTIONS, forecastExhaustion, shouldAlert } from '../../../lambda/core/forecast/forecast';
import { estimateModel } from '../../../lambda/core/forecast/estimates';
import type { Forecast, MetricPoint, VolumeMetricSeries } from '../../../lambda/core/types';
import { seriesFromDemand, type FixtureInput } from './forecast-fixtures';

const gp2 = (sizeGiB: number) => ({ type: 'gp2' as const, sizeGiB });

function run(input: FixtureInput, mutate: (s: VolumeMetricSeries) => VolumeMetricSeries = (s) => s): Forecast {
  const fixture = seriesFromDemand(input);
  return forecastExhaustion(mutate(fixture.series), input, fixture.nowEpochSeconds);
}

/** True seconds to empty from `now` when the demand stays constant (the drain continues through the delay). */
function trueSecondsToEmpty(input: FixtureInput, demand: number): number {
  const fixture = seriesFromDemand(input);
  const spec = bucketSpecFor(input.type, input.sizeGiB);
  return fixture.creditsNow / (Math.min(demand, spec.burstPerSecond) - spec.baselinePerSecond) - (input.delaySeconds ?? 120);
}

const steadyDrain: FixtureInput = { ...gp2(100), startBalancePercent: 90, demand: () => 3000, minutes: 20 };

describe('forecastExhaustion: steady states', () => {
  it('forecasts a steady gp2 drain from the model and the slope, within 2 % of the truth', () => {
    const f = run(steadyDrain);
    expect(f.kind).toBe('draining');
    if (f.kind !== 'draining') return;
    expect(f.basis).toBe('model+slope');
    expect(f.secondsToEmpty).toBeCloseTo(trueSecondsToEmpty(steadyDrain, 3000), -1);
    expect(Math.abs(f.secondsToEmpty / trueSecondsToEmpty(steadyDrain, 3000) - 1)).toBeLessThan(0.02);
    expect(f.demandPerSecond).toBeCloseTo(3000, 0);
    expect(f.confidence).toBeGreaterThan(0.5);
  });

  it('reports the physical lower bound credits ÷ (burst − baseline)', () => {
    const input = { ...gp2(100), startBalancePercent: 60, demand: () => 1000, minutes: 20 };
    const f = run(input);
    expect(f.kind).toBe('draining');
    if (f.kind !== 'draining') return;
    const spec = bucketSpecFor('gp2', 100);
    // From the latest 1-minute Average (the middle of its minute, 150 s before now with the 2-min delay).
    const expected = ((f.balancePercent / 100) * spec.bucketCredits) / (spec.burstPerSecond - spec.baselinePerSecond) - 150;
    expect(f.minSecondsToEmpty).toBeLessThan(f.secondsToEmpty);
    expect(f.minSecondsToEmpty).toBeCloseTo(expected, 3);
  });

  it.each<[string, FixtureInput, Forecast['kind']]>([
    ['refilling below the baseline', { ...gp2(100), startBalancePercent: 40, demand: () => 100, minutes: 30 }, 'refilling'],
    ['full and idle', { ...gp2(100), startBalancePercent: 100, demand: () => 50, minutes: 30 }, 'full'],
    ['full and at the baseline', { ...gp2(100), startBalancePercent: 100, demand: () => 300, minutes: 30 }, 'full'],
    ['empty and throttled', { ...gp2(100), startBalancePercent: 0.5, demand: () => 3000, minutes: 30 }, 'empty'],
    ['empty but idle (refilling)', { ...gp2(100), startBalancePercent: 0, demand: () => 20, minutes: 30 }, 'refilling'],
    ['one 1-minute spike then idle', { ...gp2(20), startBalancePercent: 50, demand: (m) => (m === 25 ? 3000 : 50), minutes: 30 }, 'refilling'],
    ['a 3-minute spike that ended', { ...gp2(20), startBalancePercent: 50, demand: (m) => (m >= 20 && m < 23 ? 3000 : 50), minutes: 30 }, 'refilling'],
    ['a single spike in the latest point', { ...gp2(20), startBalancePercent: 50, demand: (m) => (m === 29 ? 3000 : 50), minutes: 30 }, 'refilling'],
    ['st1 draining on throughput', { type: 'st1', sizeGiB: 500, startBalancePercent: 80, demand: () => 200, minutes: 20 }, 'draining'],
    ['sc1 refilling', { type: 'sc1', sizeGiB: 1000, startBalancePercent: 30, demand: () => 2, minutes: 30 }, 'refilling'],
  ])('classifies %s', (_name, input, kind) => {
    expect(run(input).kind).toBe(kind);
  });

  it('does not count a burst whose latest minute fell under half its peak as a drain (model)', () => {
    const burst = { ...gp2(20), startBalancePercent: 60, demand: (m: number) => (m >= 25 && m < 29 ? 3000 : m === 29 ? 1000 : 50), minutes: 30 };
    const modelOf = (input: FixtureInput) => {
      const fixture = seriesFromDemand(input);
      const spec = bucketSpecFor('gp2', 20);
      return estimateModel({ spec, series: fixture.series, since: 0, nowEpochSeconds: fixture.nowEpochSeconds, periodSeconds: 60, credits: 0.5 * spec.bucketCredits, ageSeconds: 150, opts: DEFAULT_FORECAST_OPTIONS });
    };
    expect(modelOf(burst)?.draining).toBe(false);
    // The same burst still at full strength is a drain.
    expect(modelOf({ ...burst, demand: (m: number) => (m >= 25 ? 3000 : 50) })?.draining).toBe(true);
  });

  it('forecasts time to full while refilling', () => {
    const input = { ...gp2(100), startBalancePercent: 40, demand: () => 100, minutes: 30 };
    const f = run(input);
    if (f.kind !== 'refilling') throw new Error(`expected refilling, got ${f.kind}`);
    // 300 baseline − 100 demand = 200 credits/s over the missing ~60 % of 5.4 M.
    expect(f.secondsToFull).toBeGreaterThan(14000);
    expect(f.secondsToFull).toBeLessThan(16000);
  });
});

describe('forecastExhaustion: volumes without a bucket', () => {
  it.each([
    ['gp3', { type: 'gp3' as const, sizeGiB: 100 }],
    ['io1', { type: 'io1' as const, sizeGiB: 100 }],
    ['gp2 of 1,000 GiB', gp2(1000)],
    ['gp2 of 16 TiB', gp2(16384)],
  ])('returns not-burstable for %s', (_name, volume) => {
    const fixture = seriesFromDemand(steadyDrain);
    expect(forecastExhaustion(fixture.series, volume, fixture.nowEpochSeconds).kind).toBe('not-burstable');
  });
});

const drop = (every: number) => (points: readonly MetricPoint[]) => points.filter((_, i) => i % every !== 0);
const nanify = (points: readonly MetricPoint[]) => points.map((p) => ({ ...p, value: Number.NaN }));
const reverseDup = (points: readonly MetricPoint[]) => [...points, ...points].reverse();

describe('forecastExhaustion: damaged data', () => {
  it.each<[string, (s: VolumeMetricSeries) => VolumeMetricSeries, Forecast['kind'][]]>([
    ['no datapoints at all', (s) => ({ ...s, burstBalancePercent: [], readOps: [], writeOps: [] }), ['insufficient-data']],
    ['no BurstBalance but ops', (s) => ({ ...s, burstBalancePercent: [] }), ['insufficient-data']],
    ['only NaN BurstBalance', (s) => ({ ...s, burstBalancePercent: nanify(s.burstBalancePercent) }), ['insufficient-data']],
    ['stale: nothing in the last 20 min', (s) => ({ ...s, burstBalancePercent: s.burstBalancePercent.slice(0, -20), readOps: s.readOps.slice(0, -20), writeOps: s.writeOps.slice(0, -20) }), ['insufficient-data']],
    ['only NaN ops: the slope alone decides', (s) => ({ ...s, readOps: nanify(s.readOps), writeOps: nanify(s.writeOps) }), ['draining']],
    ['duplicated and out of order', (s) => ({ ...s, burstBalancePercent: reverseDup(s.burstBalancePercent), readOps: reverseDup(s.readOps), writeOps: reverseDup(s.writeOps) }), ['draining']],
    ['every third point missing', (s) => ({ ...s, burstBalancePercent: drop(3)(s.burstBalancePercent), readOps: drop(3)(s.readOps), writeOps: drop(3)(s.writeOps) }), ['draining']],
  ])('handles %s', (_name, mutate, kinds) => {
    expect(kinds).toContain(run(steadyDrain, mutate).kind);
  });

  it('gives the same forecast for duplicated, shuffled points as for clean ones', () => {
    const clean = run(steadyDrain);
    const messy = run(steadyDrain, (s) => ({ ...s, burstBalancePercent: reverseDup(s.burstBalancePercent), readOps: reverseDup(s.readOps), writeOps: reverseDup(s.writeOps) }));
    if (clean.kind !== 'draining' || messy.kind !== 'draining') throw new Error('expected draining');
    expect(messy.secondsToEmpty).toBeCloseTo(clean.secondsToEmpty, 6);
    expect(messy.confidence).toBeLessThan(clean.confidence);
  });

  it('lowers the confidence when points are missing', () => {
    const clean = run(steadyDrain);
    const gappy = run(steadyDrain, (s) => ({ ...s, burstBalancePercent: drop(2)(s.burstBalancePercent) }));
    if (clean.kind !== 'draining' || gappy.kind !== 'draining') throw new Error('expected draining');
    expect(gappy.confidence).toBeLessThan(clean.confidence);
  });

  it('ignores points stamped in the future of now', () => {
    const fixture = seriesFromDemand(steadyDrain);
    const future = { tEpochSeconds: fixture.nowEpochSeconds + 600, value: 0 };
    const f = forecastExhaustion({ ...fixture.series, burstBalancePercent: [...fixture.series.burstBalancePercent, future] }, steadyDrain, fixture.nowEpochSeconds);
    expect(f.kind).toBe('draining');
  });

  it('uses the slope alone for st1 without byte metrics', () => {
    const input: FixtureInput = { type: 'st1', sizeGiB: 500, startBalancePercent: 80, demand: () => 200, minutes: 20 };
    const f = run(input, (s) => ({ ...s, readBytes: undefined, writeBytes: undefined }));
    expect(f).toMatchObject({ kind: 'draining', basis: 'slope' });
  });
});

describe('shouldAlert', () => {
  const draining = (secondsToEmpty: number, balancePercent = 10): Forecast => ({ kind: 'draining', balancePercent, secondsToEmpty, minSecondsToEmpty: secondsToEmpty, basis: 'model', confidence: 1, demandPerSecond: 3000 });
  const exact = { horizonSeconds: 1800, intervalSeconds: 300, safetyFraction: 0 };
  it.each<[string, Forecast, boolean]>([
    ['a drain within H', draining(600), true],
    ['a drain within H + one interval (the next run would be late)', draining(2100), true],
    ['a drain beyond H + one interval', draining(2101), false],
    ['an empty volume', { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, true],
    ['a refilling volume', { kind: 'refilling', balancePercent: 5, secondsToFull: 100 }, false],
    ['missing data', { kind: 'insufficient-data', reason: 'x' }, false],
  ])('without safety margin: %s → %s', (_name, forecast, expected) => {
    expect(shouldAlert(forecast, exact)).toBe(expected);
  });

  it('widens the alert window by the safety fraction (default 35 %)', () => {
    const rule = { horizonSeconds: 1800, intervalSeconds: 300 };
    expect(shouldAlert(draining(2100 * 1.35), rule)).toBe(true);
    expect(shouldAlert(draining(2100 * 1.35 + 1), rule)).toBe(false);
    expect(shouldAlert(draining(2100 * 1.5), { ...rule, safetyFraction: 0.5 })).toBe(true);
  });

  it.each<[string, Forecast, boolean]>([
    ['refilling but still below 20 %', { kind: 'refilling', balancePercent: 12, secondsToFull: 9000 }, true],
    ['refilling and back above 20 %', { kind: 'refilling', balancePercent: 21, secondsToFull: 9000 }, false],
    ['a slow drain below 20 %', draining(50000, 15), true],
    ['data missing', { kind: 'insufficient-data', reason: 'stale' }, true],
    ['full', { kind: 'full', balancePercent: 100 }, false],
    ['not burstable any more', { kind: 'not-burstable', reason: 'gp3' }, false],
  ])('holds an open alert (hysteresis) when %s → %s', (_name, forecast, expected) => {
    expect(shouldAlert(forecast, exact, true)).toBe(expected);
    // Without an open alert none of these alerts on its own.
    expect(shouldAlert(forecast, exact, false)).toBe(false);
  });
});
