import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketSpecFor, creditsFromBalancePercent, minSecondsToEmpty } from '../../../lambda/core/credit/credit-model';
import { PolicySchema } from '../../../lambda/core/policy/schema';
import { guaranteedLeadSeconds, slowEveryScans } from '../../../lambda/core/scan/cadence';
import type { Forecast } from '../../../lambda/core/types';

const LEAD = 35 * 60;
const refilling = (balancePercent: number): Forecast => ({ kind: 'refilling', balancePercent, secondsToFull: 3600 }) as Forecast;

describe('slowEveryScans: a refilling bucket rests as long as the physical bound from its own balance allows', () => {
  it.each<[string, number, number, Forecast, number]>([
    ['750 GiB refilling at 60 % (the worst case empties it in 4,320 s): every 7th scan', 750, 60, refilling(60), 7],
    ['500 GiB refilling at 90 % (3,240 s): every 3rd scan', 500, 90, refilling(90), 3],
    ['100 GiB refilling at 90 % (1,800 s, less than the lead): every scan', 100, 90, refilling(90), 1],
    ['750 GiB draining a day away: every scan (a drain may speed up unseen)', 750, 90, { kind: 'draining', balancePercent: 90, secondsToEmpty: 86_400, minSecondsToEmpty: 0, basis: 'model', confidence: 0.9, demandPerSecond: 2300 } as Forecast, 1],
    ['insufficient data: every scan', 750, 90, { kind: 'insufficient-data', reason: 'gap' }, 1],
    ['empty: every scan', 750, 0, { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, 1],
  ])('%s', (_name, sizeGiB, lowest, forecast, expected) => {
    expect(slowEveryScans({ volume: { type: 'gp2', sizeGiB }, lowestBalancePercent: lowest, forecast, intervalSeconds: 300, leadSeconds: LEAD })).toBe(expected);
  });

  it('first sees a worst-case drain at least the lead before the bucket is empty (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(60, 300, 600), (sizeGiB, lowest, interval) => {
        const spec = bucketSpecFor('gp2', sizeGiB);
        const every = slowEveryScans({ volume: { type: 'gp2', sizeGiB }, lowestBalancePercent: lowest, forecast: refilling(lowest), intervalSeconds: interval, leadSeconds: LEAD });
        return every === 1 || minSecondsToEmpty(spec, creditsFromBalancePercent(spec, lowest)) - every * interval - 120 >= LEAD;
      }),
    );
  });

  it('keeps the page horizon and one scan as the lead', () => {
    expect(guaranteedLeadSeconds(PolicySchema.parse({ version: 1 }), 300)).toBe(35 * 60);
    expect(guaranteedLeadSeconds(PolicySchema.parse({ version: 1, alerting: { pageHorizonMinutes: 60 } }), 60)).toBe(61 * 60);
  });
});
