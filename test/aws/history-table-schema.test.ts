import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthsBetween } from '../../lambda/aws/history-items';
import { eventSortKey, utcMonthOf } from '../../lambda/shared/history-table-schema';

describe('utcMonthOf', () => {
  it.each([
    [0, '1970-01'],
    [1_769_903_999, '2026-01'],
    [1_769_904_000, '2026-02'],
    [1_709_251_199, '2024-02'],
    [1_709_251_200, '2024-03'],
    [4_102_444_800, '2100-01'],
  ])('puts %d in %s', (t, month) => {
    expect(utcMonthOf(t)).toBe(month);
  });

  it('agrees with the calendar for any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (t) => {
        expect(utcMonthOf(t)).toBe(new Date(t * 1000).toISOString().slice(0, 7));
      }),
    );
  });
});

describe('monthsBetween', () => {
  it.each([
    [1_767_225_600, 1_767_225_600, ['2026-01']],
    [1_764_547_200 - 1, 1_767_225_600, ['2025-11', '2025-12', '2026-01']],
    [1_767_225_600, 1_767_225_599, []],
  ])('lists the months from %d to %d', (since, until, months) => {
    expect(monthsBetween(since, until)).toEqual(months);
  });
});

describe('sort keys', () => {
  it('orders events by time as strings (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.integer({ min: 0, max: 999_999_999_999 }), (a, b) => {
        const ka = eventSortKey({ tEpochSeconds: a, kind: 'alert', runId: 'r' });
        const kb = eventSortKey({ tEpochSeconds: b, kind: 'alert', runId: 'r' });
        expect(ka < kb).toBe(a < b);
      }),
    );
  });
});
