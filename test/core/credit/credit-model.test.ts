import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceBucket,
  balancePercentOf,
  bucketSpecFor,
  creditsFromBalancePercent,
  GP2_BUCKET_CREDITS,
  minSecondsToEmpty,
  secondsToEmpty,
  secondsToFull,
  servedRate,
} from '../../../lambda/core/credit/credit-model';

describe('bucketSpecFor', () => {
  it.each([
    [1, 100, 3000],
    [33, 100, 3000],
    [100, 300, 3000],
    [334, 1002, 3000],
    [750, 2250, 3000],
    [999, 2997, 3000],
    [1000, 3000, 3000],
    [3000, 9000, 9000],
    [5334, 16000, 16000],
    [16384, 16000, 16000],
  ])('gives a %i GiB gp2 volume %i IOPS baseline and %i IOPS burst', (sizeGiB, baseline, burst) => {
    const spec = bucketSpecFor('gp2', sizeGiB);
    expect(spec.baselinePerSecond).toBe(baseline);
    expect(spec.burstPerSecond).toBe(burst);
    expect(spec.bucketCredits).toBe(GP2_BUCKET_CREDITS);
    expect(spec.unit).toBe('iops');
  });

  it.each([
    ['st1', 1024, 40, 250, 1_048_576],
    ['st1', 2048, 80, 500, 2_097_152],
    ['st1', 16384, 500, 500, 16_777_216],
    ['sc1', 1024, 12, 80, 1_048_576],
    ['sc1', 16384, 192, 250, 16_777_216],
  ] as const)('gives a %s volume of %i GiB %f MiB/s baseline, %f MiB/s burst and %i MiB of credits', (type, sizeGiB, baseline, burst, bucket) => {
    const spec = bucketSpecFor(type, sizeGiB);
    expect(spec.baselinePerSecond).toBeCloseTo(baseline, 9);
    expect(spec.burstPerSecond).toBeCloseTo(burst, 9);
    expect(spec.bucketCredits).toBeCloseTo(bucket, 6);
    expect(spec.unit).toBe('MiBps');
  });

  it.each([0, -5, Number.NaN])('throws when the size is %f GiB', (sizeGiB) => {
    expect(() => bucketSpecFor('gp2', sizeGiB)).toThrow(RangeError);
  });
});

describe("AWS's published gp2 burst table", () => {
  // https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html (burst duration table)
  it.each([
    [1, 1862, 54000],
    [100, 2000, 18000],
    [334, 2703, 5389],
    [750, 7200, 2400],
  ])('a full %i GiB bucket lasts %i s at 3,000 IOPS and refills from empty in %i s', (sizeGiB, burstSeconds, refillSeconds) => {
    const spec = bucketSpecFor('gp2', sizeGiB);
    expect(Math.round(secondsToEmpty(spec, spec.bucketCredits, 3000))).toBe(burstSeconds);
    expect(Math.round(secondsToFull(spec, 0, 0))).toBe(refillSeconds);
    const advance = advanceBucket(spec, spec.bucketCredits, 3000, 100_000);
    expect(Math.round(advance.emptiedAfterSeconds ?? -1)).toBe(burstSeconds);
    const refill = advanceBucket(spec, 0, 0, 100_000);
    expect(Math.round(refill.filledAfterSeconds ?? -1)).toBe(refillSeconds);
  });

  it.each([1000, 2000, 5334, 16384])('a %i GiB gp2 volume never spends credits', (sizeGiB) => {
    const spec = bucketSpecFor('gp2', sizeGiB);
    expect(spec.spendsCredits).toBe(false);
    expect(secondsToEmpty(spec, spec.bucketCredits, 50_000)).toBe(Number.POSITIVE_INFINITY);
    expect(minSecondsToEmpty(spec, spec.bucketCredits)).toBe(Number.POSITIVE_INFINITY);
    const advance = advanceBucket(spec, spec.bucketCredits, 50_000, 86_400);
    expect(advance.creditsAfter).toBe(spec.bucketCredits);
    expect(advance.servedUnits).toBe(spec.baselinePerSecond * 86_400);
  });
});

describe('servedRate', () => {
  const spec = bucketSpecFor('gp2', 100);
  it.each([
    [GP2_BUCKET_CREDITS, 5000, 3000],
    [GP2_BUCKET_CREDITS, 2000, 2000],
    [1, 5000, 3000],
    [0, 5000, 300],
    [0, 200, 200],
    [0, -3, 0],
  ])('with %i credits and %i IOPS demanded serves %i IOPS', (credits, demand, served) => {
    expect(servedRate(spec, credits, demand)).toBe(served);
  });
});

describe('advanceBucket', () => {
  const spec = bucketSpecFor('gp2', 100);

  it('empties inside the interval and holds the volume to its baseline afterwards', () => {
    const result = advanceBucket(spec, 270_000, 3000, 300);
    // 270,000 credits / (3,000 − 300) per second = 100 s of burst, then 200 s at baseline.
    expect(result.emptiedAfterSeconds).toBeCloseTo(100, 9);
    expect(result.creditsAfter).toBe(0);
    expect(result.servedUnits).toBeCloseTo(3000 * 100 + 300 * 200, 6);
    expect(result.throttledSeconds).toBeCloseTo(200, 9);
  });

  it('counts demand above the burst ceiling as throttled even while credits last', () => {
    const result = advanceBucket(spec, GP2_BUCKET_CREDITS, 4000, 60);
    expect(result.throttledSeconds).toBe(60);
    expect(result.creditsAfter).toBe(GP2_BUCKET_CREDITS - 2700 * 60);
  });

  it('reports a bucket that is empty and still over baseline as emptied at once', () => {
    const result = advanceBucket(spec, 0, 1000, 60);
    expect(result.emptiedAfterSeconds).toBe(0);
    expect(result.servedUnits).toBe(300 * 60);
  });

  it('refills at baseline minus demand and stops at the bucket', () => {
    const result = advanceBucket(spec, GP2_BUCKET_CREDITS - 1000, 200, 60);
    expect(result.creditsAfter).toBe(GP2_BUCKET_CREDITS);
    expect(result.filledAfterSeconds).toBeCloseTo(10, 9);
  });

  it('changes nothing over zero seconds', () => {
    expect(advanceBucket(spec, 1234, 3000, 0)).toMatchObject({ creditsAfter: 1234, servedUnits: 0, throttledSeconds: 0 });
  });
});

describe('balance conversions', () => {
  it('maps credits to BurstBalance percent and back', () => {
    const spec = bucketSpecFor('st1', 2048);
    expect(balancePercentOf(spec, spec.bucketCredits / 4)).toBeCloseTo(25, 12);
    expect(creditsFromBalancePercent(spec, 25)).toBeCloseTo(spec.bucketCredits / 4, 6);
    expect(creditsFromBalancePercent(spec, 140)).toBe(spec.bucketCredits);
    expect(creditsFromBalancePercent(spec, -1)).toBe(0);
  });
});

describe('credit model properties', () => {
  const specArb = fc.oneof(
    fc.record({ type: fc.constant('gp2' as const), sizeGiB: fc.integer({ min: 1, max: 16384 }) }),
    fc.record({ type: fc.constantFrom('st1' as const, 'sc1' as const), sizeGiB: fc.integer({ min: 125, max: 16384 }) }),
  ).map(({ type, sizeGiB }) => bucketSpecFor(type, sizeGiB));
  const caseArb = specArb.chain((spec) =>
    fc.record({
      spec: fc.constant(spec),
      credits: fc.double({ min: 0, max: spec.bucketCredits, noNaN: true }),
      demand: fc.double({ min: 0, max: spec.burstPerSecond * 3, noNaN: true }),
      seconds: fc.double({ min: 0, max: 7 * 86_400, noNaN: true }),
    }),
  );

  it('keeps credits within [0, bucket], serves no more than demand or the ceiling', () => {
    fc.assert(
      fc.property(caseArb, ({ spec, credits, demand, seconds }) => {
        const r = advanceBucket(spec, credits, demand, seconds);
        const tolerance = 1e-9 * Math.max(1, spec.bucketCredits, demand * seconds);
        expect(r.creditsAfter).toBeGreaterThanOrEqual(0);
        expect(r.creditsAfter).toBeLessThanOrEqual(spec.bucketCredits);
        expect(r.servedUnits).toBeLessThanOrEqual(demand * seconds + tolerance);
        expect(r.servedUnits).toBeLessThanOrEqual(spec.burstPerSecond * seconds + tolerance);
        expect(r.throttledSeconds).toBeGreaterThanOrEqual(0);
        expect(r.throttledSeconds).toBeLessThanOrEqual(seconds + tolerance);
      }),
    );
  });

  it('changes credits by the integral of baseline minus served until the bucket fills', () => {
    fc.assert(
      fc.property(caseArb, ({ spec, credits, demand, seconds }) => {
        const r = advanceBucket(spec, credits, demand, seconds);
        const tolerance = 1e-7 * Math.max(1, spec.bucketCredits, spec.burstPerSecond * seconds);
        // A bucket that starts full at or below the baseline is capped from the first instant.
        const fullFromStart = credits >= spec.bucketCredits && Math.min(demand, spec.burstPerSecond) <= spec.baselinePerSecond;
        if (r.filledAfterSeconds === undefined && !fullFromStart) {
          expect(Math.abs(r.creditsAfter - credits - (spec.baselinePerSecond * seconds - r.servedUnits))).toBeLessThanOrEqual(tolerance);
        } else {
          expect(r.creditsAfter).toBe(spec.bucketCredits);
        }
      }),
    );
  });

  it('gives the same result whether an interval is advanced at once or in two parts', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ spec, credits, demand, seconds }, split) => {
        const whole = advanceBucket(spec, credits, demand, seconds);
        const first = advanceBucket(spec, credits, demand, seconds * split);
        const second = advanceBucket(spec, first.creditsAfter, demand, seconds - seconds * split);
        const tolerance = 1e-7 * Math.max(1, spec.bucketCredits, spec.burstPerSecond * seconds);
        expect(Math.abs(whole.creditsAfter - second.creditsAfter)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(whole.servedUnits - first.servedUnits - second.servedUnits)).toBeLessThanOrEqual(tolerance);
      }),
    );
  });

  it('never empties faster than the physical lower bound', () => {
    fc.assert(
      fc.property(caseArb, ({ spec, credits, demand }) => {
        expect(secondsToEmpty(spec, credits, demand)).toBeGreaterThanOrEqual(minSecondsToEmpty(spec, credits));
      }),
    );
  });
});
