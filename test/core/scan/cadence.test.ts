import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketSpecFor, creditsFromBalancePercent, minSecondsToEmpty } from '../../../lambda/core/credit/credit-model';
import { PolicySchema } from '../../../lambda/core/policy/schema';
import { flippedEveryScans, GUARANTEED_LEAD_SECONDS, slowEveryScans, watchHorizonSeconds } from '../../../lambda/core/scan/cadence';
import type { Forecast } from '../../../lambda/core/types';

const H = 180 * 60;
const draining = (secondsToEmpty: number, balancePercent: number): Forecast =>
  ({ kind: 'draining', balancePercent, secondsToEmpty, minSecondsToEmpty: 0, basis: 'model', confidence: 0.9, demandPerSecond: 400 }) as Forecast;

describe('slowEveryScans: a bucket that is not full rests only while its own forecast and the physical bound allow', () => {
  it.each<[string, number, number, Forecast, number]>([
    ['500 GiB at 90 %, draining 12 h away: the bound from 90 % (3,240 s) allows 7 scans', 500, 90, draining(12 * 3600, 90), 7],
    ['500 GiB at 90 %, draining 3 h 20 min away: only 3 scans before it nears the 3 h horizon', 500, 90, draining(H + 20 * 60, 90), 3],
    ['500 GiB at 90 %, draining inside the horizon: every scan', 500, 90, draining(H - 60, 90), 1],
    ['100 GiB at 90 % (1,800 s from 90 % at worst): every 2nd scan', 100, 90, draining(12 * 3600, 90), 2],
    ['100 GiB at 60 % (1,200 s at worst): every scan', 100, 60, draining(12 * 3600, 60), 1],
    ['250 GiB refilling at 80 %: the bound alone (1,920 s): every 3rd scan', 250, 80, { kind: 'refilling', balancePercent: 80, secondsToFull: 3600 } as Forecast, 3],
    ['insufficient data: every scan', 500, 90, { kind: 'insufficient-data', reason: 'gap' }, 1],
    ['empty: every scan', 500, 0, { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, 1],
  ])('%s', (_name, sizeGiB, lowest, forecast, expected) => {
    expect(slowEveryScans({ volume: { type: 'gp2', sizeGiB }, lowestBalancePercent: lowest, forecast, watchHorizonSeconds: H, intervalSeconds: 300 })).toBe(expected);
  });

  it('keeps at least 15 minutes between the first read that can see a worst-case drain and the empty bucket (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(60, 300, 600), fc.integer({ min: 0, max: 86_400 }), (sizeGiB, lowest, interval, secondsToEmpty) => {
        const spec = bucketSpecFor('gp2', sizeGiB);
        const every = slowEveryScans({ volume: { type: 'gp2', sizeGiB }, lowestBalancePercent: lowest, forecast: draining(secondsToEmpty, lowest), watchHorizonSeconds: H, intervalSeconds: interval });
        return every === 1 || minSecondsToEmpty(spec, creditsFromBalancePercent(spec, lowest)) - every * interval - 120 >= GUARANTEED_LEAD_SECONDS;
      }),
    );
  });

  it('never lets a drain at its present rate reach the watch horizon before the next read (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 86_400 }), (sizeGiB, lowest, secondsToEmpty) => {
        const every = slowEveryScans({ volume: { type: 'gp2', sizeGiB }, lowestBalancePercent: lowest, forecast: draining(secondsToEmpty, lowest), watchHorizonSeconds: H, intervalSeconds: 300 });
        return every === 1 || secondsToEmpty - every * 300 > H;
      }),
    );
  });

  it('watches to the longest horizon the policy acts on', () => {
    expect(watchHorizonSeconds(PolicySchema.parse({ version: 1 }))).toBe(180 * 60);
    expect(watchHorizonSeconds(PolicySchema.parse({ version: 1, alerting: { horizonMinutes: 30, pageHorizonMinutes: 30 }, rescue: { trigger: { horizonMinutes: 240 } } }))).toBe(240 * 60);
  });
});

describe('flippedEveryScans: a flipped volume\'s I/O is read only for the revert test', () => {
  it.each<[string, number | undefined, number, number]>([
    ['revert impossible (disabled, or the original type has no bucket): never', undefined, 10_000, 0],
    ['inside the minimum hold: never (decide answers without metrics)', 20_000, 10_000, 0],
    ['the first scan after the hold: read', 10_000, 10_100, 1],
    ['afterwards: one scan in 900 s / 300 s', 10_000, 20_000, 3],
  ])('%s', (_name, from, now, expected) => {
    expect(flippedEveryScans({ now, intervalSeconds: 300, revertPossibleFromEpochSeconds: from })).toBe(expected);
  });
});
