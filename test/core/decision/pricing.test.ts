import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRICE_TABLE, costForSeconds, modificationCostDelta, priceOf, type PricedRegion } from '../../../lambda/core/decision/pricing';
import type { VolumeType } from '../../../lambda/core/types';

const REGIONS = Object.keys(PRICE_TABLE) as PricedRegion[];
const TYPES: VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1'];

describe('priceOf', () => {
  it.each([
    // [what, config, monthly USD] — us-east-1 list prices (DESIGN.md §2)
    ['gp2 100 GiB', { type: 'gp2', sizeGiB: 100, iops: 300 }, 10],
    ['gp3 100 GiB at baseline', { type: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 125 }, 8],
    ['gp3 100 GiB, 6,000 IOPS, 250 MiB/s', { type: 'gp3', sizeGiB: 100, iops: 6000, throughputMiBps: 250 }, 8 + 15 + 5],
    ['io1 20 GiB, 1,000 IOPS', { type: 'io1', sizeGiB: 20, iops: 1000 }, 2.5 + 65],
    ['io2 100 GiB, 40,000 IOPS (two tiers)', { type: 'io2', sizeGiB: 100, iops: 40_000 }, 12.5 + 32_000 * 0.065 + 8_000 * 0.0455],
    ['io2 100 GiB, 70,000 IOPS (three tiers)', { type: 'io2', sizeGiB: 100, iops: 70_000 }, 12.5 + 32_000 * 0.065 + 32_000 * 0.0455 + 6_000 * 0.03185],
    ['st1 500 GiB', { type: 'st1', sizeGiB: 500 }, 22.5],
  ] as const)('prices %s in us-east-1', (_what, config, monthly) => {
    const price = priceOf(config, 'us-east-1');
    expect(price.monthlyUSD).toBeCloseTo(monthly, 6);
    expect(price.hourlyUSD).toBeCloseTo(monthly / 730, 9);
  });

  it('marks us-east-1 gp3 as confirmed and eu-central-1 figures as unconfirmed list prices', () => {
    expect(priceOf({ type: 'gp3', sizeGiB: 10 }, 'us-east-1').confirmed).toBe(true);
    expect(priceOf({ type: 'gp3', sizeGiB: 10 }, 'eu-central-1').confirmed).toBe(false);
  });

  it('falls back to us-east-1 prices for a region not in the table and says so', () => {
    const price = priceOf({ type: 'gp2', sizeGiB: 10 }, 'sa-east-1');
    expect(price.pricedRegion).toBe('us-east-1');
    expect(price.confirmed).toBe(false);
  });

  it('has every type in every required region', () => {
    expect(REGIONS.sort()).toEqual(['ap-southeast-1', 'eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2']);
    for (const region of REGIONS) for (const type of TYPES) expect(PRICE_TABLE[region][type].perGBMonthUSD).toBeGreaterThan(0);
  });

  it('finds gp3 at baseline cheaper than gp2 at every size under 1 TiB in every region (DESIGN.md §2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1023 }), fc.constantFrom(...REGIONS), (sizeGiB, region) => {
        const gp2 = priceOf({ type: 'gp2', sizeGiB }, region).monthlyUSD;
        const gp3 = priceOf({ type: 'gp3', sizeGiB, iops: 3000, throughputMiBps: 125 }, region).monthlyUSD;
        expect(gp3).toBeLessThan(gp2);
      }),
    );
  });

  it('never decreases when IOPS, throughput or size grow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<VolumeType>('gp3', 'io1', 'io2'),
        fc.constantFrom(...REGIONS),
        fc.integer({ min: 1, max: 16_000 }),
        fc.integer({ min: 100, max: 200_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (type, region, sizeGiB, iops, more) => {
          const base = priceOf({ type, sizeGiB, iops, throughputMiBps: 125 }, region).monthlyUSD;
          expect(priceOf({ type, sizeGiB, iops: iops + more, throughputMiBps: 125 }, region).monthlyUSD).toBeGreaterThanOrEqual(base);
          expect(priceOf({ type, sizeGiB: sizeGiB + more, iops, throughputMiBps: 125 }, region).monthlyUSD).toBeGreaterThanOrEqual(base);
          expect(priceOf({ type, sizeGiB, iops, throughputMiBps: 125 + more }, region).monthlyUSD).toBeGreaterThanOrEqual(base);
        },
      ),
    );
  });
});

describe('costForSeconds', () => {
  it.each([
    ['one hour', 3600, 10 / 730],
    ['30 seconds, billed as the 60-second minimum', 30, (10 * 60) / (730 * 3600)],
    ['nothing for zero seconds', 0, 0],
  ])('bills %s per second', (_what, seconds, usd) => {
    expect(costForSeconds({ type: 'gp2', sizeGiB: 100 }, 'us-east-1', seconds)).toBeCloseTo(usd, 12);
  });
});

describe('modificationCostDelta', () => {
  it('says gp2 → gp3 at baseline saves money and gp3 → gp2 costs it', () => {
    const gp2 = { type: 'gp2', sizeGiB: 100 } as const;
    const gp3 = { type: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 125 } as const;
    expect(modificationCostDelta(gp2, gp3, 'us-east-1').monthlyUSD).toBeCloseTo(-2, 9);
    expect(modificationCostDelta(gp3, gp2, 'us-east-1').monthlyUSD).toBeCloseTo(2, 9);
    expect(modificationCostDelta(gp3, gp2, 'us-east-1').hourlyUSD).toBeCloseTo(2 / 730, 12);
  });
});
