import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestRankPercentile, summariseLatencies } from '../../lambda/probe/latency-stats';

describe('nearestRankPercentile', () => {
  it.each([
    { values: [5], percent: 50, expected: 5 },
    { values: [1, 2], percent: 50, expected: 1 },
    { values: [1, 2, 3, 4], percent: 50, expected: 2 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], percent: 90, expected: 9 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], percent: 90, expected: 10 },
    { values: [10, 20, 30], percent: 100, expected: 30 },
  ])('picks the nearest-rank value: p$percent of $values is $expected', ({ values, percent, expected }) => {
    expect(nearestRankPercentile(values, percent)).toBe(expected);
  });

  it('throws when there are no values', () => {
    expect(() => nearestRankPercentile([], 50)).toThrow(RangeError);
  });
});

describe('summariseLatencies', () => {
  it('returns undefined for an interval without latencies (missing, not zero)', () => {
    expect(summariseLatencies([])).toBeUndefined();
  });

  it('summarises unsorted latencies, rounded to 0.1 ms', () => {
    expect(summariseLatencies([300.04, 100.26, 82000, 200])).toEqual({ count: 4, p50Ms: 200, p90Ms: 82000, maxMs: 82000 });
  });

  it('keeps p50 ≤ p90 ≤ max, all within the observed range', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const stats = summariseLatencies(values);
        expect(stats?.count).toBe(values.length);
        if (stats === undefined) return;
        expect(stats.p50Ms).toBeLessThanOrEqual(stats.p90Ms);
        expect(stats.p90Ms).toBeLessThanOrEqual(stats.maxMs);
        expect(stats.maxMs).toBeCloseTo(Math.max(...values), 1);
        expect(stats.p50Ms).toBeGreaterThanOrEqual(Math.round(Math.min(...values) * 10) / 10);
      }),
    );
  });
});
