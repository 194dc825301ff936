import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastExhaustion } from '../../../lambda/core/forecast/forecast';
import type { VolumeMetricSeries } from '../../../lambda/core/types';
import { seriesFromDemand } from './forecast-fixtures';

const NOW = 1_800_000_000;
const sizeGiB = fc.integer({ min: 1, max: 999 });

function secondsToEmptyOf(f: ReturnType<typeof forecastExhaustion>): number {
  return f.kind === 'draining' ? f.secondsToEmpty : f.kind === 'empty' ? 0 : Number.POSITIVE_INFINITY;
}

describe('forecastExhaustion properties', () => {
  it('a faster drain never predicts a later empty time', () => {
    fc.assert(
      fc.property(sizeGiB, fc.double({ min: 20, max: 100, noNaN: true }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (size, balance, low, extra) => {
        const base = { type: 'gp2' as const, sizeGiB: size, startBalancePercent: balance, minutes: 15 };
        const slow = seriesFromDemand({ ...base, demand: () => low });
        const fast = seriesFromDemand({ ...base, demand: () => low + extra });
        const slowTte = secondsToEmptyOf(forecastExhaustion(slow.series, base, slow.nowEpochSeconds));
        const fastTte = secondsToEmptyOf(forecastExhaustion(fast.series, base, fast.nowEpochSeconds));
        expect(fastTte).toBeLessThanOrEqual(slowTte * (1 + 1e-9));
      }),
      { numRuns: 150 },
    );
  });

  it('a longer drain at the same demand never predicts a later empty time', () => {
    fc.assert(
      fc.property(sizeGiB, fc.integer({ min: 400, max: 4000 }), fc.integer({ min: 6, max: 40 }), fc.integer({ min: 1, max: 20 }), (size, demand, minutes, more) => {
        const base = { type: 'gp2' as const, sizeGiB: size, startBalancePercent: 100, demand: () => demand };
        const short = seriesFromDemand({ ...base, minutes });
        const long = seriesFromDemand({ ...base, minutes: minutes + more });
        const shortEmptyAt = short.nowEpochSeconds + secondsToEmptyOf(forecastExhaustion(short.series, base, short.nowEpochSeconds));
        const longEmptyAt = long.nowEpochSeconds + secondsToEmptyOf(forecastExhaustion(long.series, base, long.nowEpochSeconds));
        // Same constant drain observed longer: the predicted instant may only come closer (1 s
        // rounding), except that an empty bucket is reported at `now`, which cannot be earlier.
        expect(longEmptyAt).toBeLessThanOrEqual(Math.max(shortEmptyAt, long.nowEpochSeconds) + 1);
      }),
      { numRuns: 150 },
    );
  });

  const garbage = fc.oneof(fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.constant(Number.NEGATIVE_INFINITY));
  const pointsOf = (value: fc.Arbitrary<number>) =>
    fc.array(fc.record({ tEpochSeconds: fc.integer({ min: NOW - 4 * 3600, max: NOW + 600 }), value }), { maxLength: 80 });

  it('never reports draining from empty or non-finite BurstBalance', () => {
    fc.assert(
      fc.property(pointsOf(garbage), pointsOf(fc.double({ min: 0, max: 1e6, noNaN: true })), (balance, ops) => {
        const series: VolumeMetricSeries = { volumeId: 'v', periodSeconds: 60, burstBalancePercent: balance, readOps: ops, writeOps: ops };
        expect(forecastExhaustion(series, { type: 'gp2', sizeGiB: 50 }, NOW).kind).toBe('insufficient-data');
      }),
    );
  });

  it('never throws and keeps its numbers in range on arbitrary series', () => {
    const anyValue = fc.oneof(fc.double({ min: -10, max: 200 }), garbage, fc.double({ min: 0, max: 1e7, noNaN: true }));
    fc.assert(
      fc.property(pointsOf(anyValue), pointsOf(anyValue), pointsOf(anyValue), fc.constantFrom('gp2' as const, 'st1' as const, 'sc1' as const), sizeGiB, (balance, reads, writes, type, size) => {
        const series: VolumeMetricSeries = { volumeId: 'v', periodSeconds: 60, burstBalancePercent: balance, readOps: reads, writeOps: writes, readBytes: reads, writeBytes: writes };
        const f = forecastExhaustion(series, { type, sizeGiB: type === 'gp2' ? size : size + 125 }, NOW);
        if (f.kind === 'draining') {
          expect(f.secondsToEmpty).toBeGreaterThanOrEqual(0);
          expect(f.minSecondsToEmpty).toBeLessThanOrEqual(f.secondsToEmpty);
          expect(f.confidence).toBeGreaterThanOrEqual(0);
          expect(f.confidence).toBeLessThanOrEqual(1);
          expect(Number.isNaN(f.secondsToEmpty)).toBe(false);
        }
        if ('balancePercent' in f) expect(f.balancePercent).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never reports draining when the served rate stayed at or below the baseline', () => {
    fc.assert(
      fc.property(sizeGiB, fc.double({ min: 1, max: 99, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (size, balance, fraction) => {
        const volume = { type: 'gp2' as const, sizeGiB: size };
        const baseline = Math.min(16000, Math.max(100, 3 * size));
        const fixture = seriesFromDemand({ ...volume, startBalancePercent: balance, minutes: 30, demand: () => baseline * fraction });
        expect(forecastExhaustion(fixture.series, volume, fixture.nowEpochSeconds).kind).not.toBe('draining');
      }),
    );
  });
});

