import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFinanceReport } from '../../../lambda/core/report/report';
import { monthsOfPeriod, parseReportDate, splitByMonth } from '../../../lambda/core/report/calendar';
import type { ModificationRecord } from '../../../lambda/core/ports';
import { costOver } from '../../../lambda/core/report/timeline';
import { designPrices } from './report-fixtures';

const JAN_1_2026 = 1_767_225_600;
const YEAR_2030 = 1_893_456_000;

describe('UTC calendar months', () => {
  it.each([
    ['2026-02', '2026-02-01T00:00:00.000Z'],
    ['2026-11-15', '2026-11-15T00:00:00.000Z'],
    ['2026-11-15T10:30:00Z', '2026-11-15T10:30:00.000Z'],
    ['2026-11-15T10:30', '2026-11-15T10:30:00.000Z'],
    ['2026-11-15T10:30:00+02:00', '2026-11-15T08:30:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
  ])('parses %s as %s', (text, iso) => {
    expect(new Date((parseReportDate(text) ?? Number.NaN) * 1000).toISOString()).toBe(iso);
  });

  it.each(['2026-13', '2026-02-30', '2027-02-29', 'yesterday', '15/11/2026', '2026-11-15 10:30', ''])('rejects %j as a date', (text) => {
    expect(parseReportDate(text)).toBeUndefined();
  });

  it.each([
    // [since, until, months, seconds in each whole month]
    ['2026-01-15', '2026-03-10', ['2026-01', '2026-02', '2026-03'], [31, 28, 31]],
    ['2027-12-31', '2028-03-01', ['2027-12', '2028-01', '2028-02'], [31, 31, 29]],
    ['2026-11-01', '2026-12-01', ['2026-11'], [30]],
  ])('splits %s to %s at month boundaries', (since, until, months, days) => {
    const slices = splitByMonth(parseReportDate(since) ?? 0, parseReportDate(until) ?? 0);
    expect(slices.map((s) => s.month)).toEqual(months);
    expect(slices.map((s) => s.secondsInMonth / 86_400)).toEqual(days);
  });

  it('splits any interval into contiguous slices that each stay inside one calendar month', () => {
    fc.assert(
      fc.property(fc.integer({ min: JAN_1_2026, max: YEAR_2030 }), fc.integer({ min: 0, max: 400 * 86_400 }), (start, length) => {
        const slices = splitByMonth(start, start + length);
        expect(slices.reduce((s, x) => s + (x.endEpochSeconds - x.startEpochSeconds), 0)).toBe(length);
        slices.forEach((slice, i) => {
          expect(slice.startEpochSeconds).toBe(i === 0 ? start : slices[i - 1]?.endEpochSeconds);
          expect(monthsOfPeriod(slice.startEpochSeconds, slice.endEpochSeconds)).toEqual([slice.month]);
        });
      }),
    );
  });

  it('bills a whole calendar month at exactly the monthly price, whatever its length', () => {
    const feb = costOver(designPrices, { type: 'gp2', sizeGiB: 100 }, parseReportDate('2026-02') ?? 0, parseReportDate('2026-03') ?? 0);
    const mar = costOver(designPrices, { type: 'gp2', sizeGiB: 100 }, parseReportDate('2026-03') ?? 0, parseReportDate('2026-04') ?? 0);
    expect(feb?.get('2026-02')).toBeCloseTo(10, 9);
    expect(mar?.get('2026-03')).toBeCloseTo(10, 9);
  });

  it('bills the same total however an interval is cut (per-second billing is additive)', () => {
    fc.assert(
      fc.property(fc.integer({ min: JAN_1_2026, max: YEAR_2030 }), fc.integer({ min: 1, max: 90 * 86_400 }), fc.double({ min: 0, max: 1, noNaN: true }), (start, length, cut) => {
        const config = { type: 'gp3' as const, sizeGiB: 250, iops: 6_000, throughputMiBps: 250 };
        const mid = start + Math.floor(length * cut);
        const sum = (m: Map<string, number> | undefined): number => [...(m?.values() ?? [])].reduce((s, x) => s + x, 0);
        const whole = sum(costOver(designPrices, config, start, start + length));
        expect(sum(costOver(designPrices, config, start, mid)) + sum(costOver(designPrices, config, mid, start + length))).toBeCloseTo(whole, 9);
      }),
    );
  });
});

/** A random gp2 ⇄ gp3 (3000/125) flip history of one volume. */
const flipHistory = fc
  .record({ sizeGiB: fc.integer({ min: 1, max: 999 }), gaps: fc.array(fc.integer({ min: 60, max: 20 * 86_400 }), { maxLength: 8 }) })
  .map(({ sizeGiB, gaps }) => {
    let t = JAN_1_2026;
    return gaps.map((gap, i): ModificationRecord => {
      t += gap;
      const rescue = i % 2 === 0;
      return {
        volumeId: 'vol-prop',
        modificationId: `${t}#${rescue ? 'rescue' : 'revert'}`,
        kind: rescue ? 'rescue' : 'revert',
        requestedEpochSeconds: t,
        status: 'completed',
        from: rescue ? { type: 'gp2' } : { type: 'gp3', iops: 3_000, throughputMiBps: 125 },
        to: rescue ? { type: 'gp3', iops: 3_000, throughputMiBps: 125 } : { type: 'gp2' },
        sizeGiB,
        reason: 'property',
        dryRun: false,
        hourlyCostDeltaUSD: 0,
        monthlyCostDeltaUSD: 0,
        runId: `r${i}`,
      };
    });
  });

describe('buildFinanceReport properties', () => {
  it('puts the actual cost of gp2 ⇄ gp3 flips between gp3 for good and unaided gp2, and hours add up to the period', () => {
    fc.assert(
      fc.property(flipHistory, (modifications) => {
        const period = { sinceEpochSeconds: JAN_1_2026, untilEpochSeconds: JAN_1_2026 + 180 * 86_400 };
        const report = buildFinanceReport({ period, generatedAtEpochSeconds: period.untilEpochSeconds, priceMonthlyUSD: designPrices, priceSource: 't', events: [], modifications });
        for (const v of report.volumes) {
          const cost = v.cost;
          if (cost === undefined) throw new Error('every flipped volume has a size');
          expect(cost.actualUSD).toBeGreaterThanOrEqual(cost.allGp3USD - 1e-9);
          expect(cost.actualUSD).toBeLessThanOrEqual(cost.unaidedUSD + 1e-9);
          expect((v.secondsByType.gp2 ?? 0) + (v.secondsByType.gp3 ?? 0)).toBe(180 * 86_400);
        }
      }),
    );
  });
});
