import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceBucket } from '../../../lambda/core/credit/credit-model';
import { burstableInstanceSpec, familySizes, INSTANCE_BURST_SECONDS, INSTANCE_EBS_TABLE, instanceBucketRates, instanceIoSecondsToEmpty } from '../../../lambda/core/credit/instance-ebs';

const spec = (type: string) => {
  const s = INSTANCE_EBS_TABLE.get(type);
  if (s === undefined) throw new Error(`no ${type}`);
  return s;
};

// The EC2 User Guide, EBS-optimized instances: the "*" sizes "can support maximum performance for 30
// minutes at least once every 24 hours, after which they revert to their baseline performance"
// (awsdocs/amazon-ec2-user-guide doc_source/ebs-optimized.md, commit e840de01).
describe('instance EBS burst bucket against the documented 30-minute burst', () => {
  it.each([
    // type, baseline IOPS, maximum IOPS, baseline MB/s, maximum MB/s: the guide's rows.
    ['m5.large', 3_600, 18_750, 81.25, 593.75],
    ['c5.large', 4_000, 20_000, 81.25, 593.75],
    ['t3.medium', 2_000, 11_800, 43.375, 260.625],
    ['m6i.xlarge', 6_000, 40_000, 156.25, 1_250],
    ['r6i.4xlarge', 20_000, 40_000, 625, 1_250],
  ])('%s serves its maximum for exactly 30 minutes from full, then its baseline', (type, baselineIops, maximumIops, baselineMBps, maximumMBps) => {
    expect(spec(type)).toMatchObject({ baselineIops, maximumIops, baselineMBps, maximumMBps, burstable: true });
    const { io, bytes } = instanceBucketRates(spec(type));
    for (const [bucket, maximum, baseline] of [[io, maximumIops, baselineIops], [bytes, maximumMBps, baselineMBps]] as const) {
      // Demand far above the maximum is served at the maximum until the bucket is empty…
      const burst = advanceBucket(bucket, bucket.bucketCredits, 10 * maximum, 3_600);
      expect(burst.emptiedAfterSeconds).toBeCloseTo(INSTANCE_BURST_SECONDS, 6);
      // …then at the baseline: 30 min at the maximum + 30 min at the baseline.
      expect(burst.servedUnits).toBeCloseTo(maximum * 1_800 + baseline * 1_800, 3);
    }
    expect(instanceIoSecondsToEmpty(spec(type), 100, maximumIops)).toBe(INSTANCE_BURST_SECONDS);
    expect(instanceIoSecondsToEmpty(spec(type), 100, 10 * maximumIops)).toBe(INSTANCE_BURST_SECONDS);
  });

  it('refills from empty within 24 h at idle for every burstable size, so "at least once every 24 hours" holds under the model', () => {
    for (const s of INSTANCE_EBS_TABLE.values()) {
      if (!s.burstable) continue;
      const { io, bytes } = instanceBucketRates(s);
      for (const bucket of [io, bytes]) expect(advanceBucket(bucket, 0, 0, 86_400).filledAfterSeconds, s.instanceType).toBeLessThanOrEqual(86_400);
    }
  });

  it('never drains at or below the baseline', () => {
    expect(instanceIoSecondsToEmpty(spec('m5.large'), 5, 3_600)).toBe(Number.POSITIVE_INFINITY);
  });

  it('covers the burstable sizes of m5, m6i, m7g, c5, c6i, r5, r6i and t3, flags the m7g rows not found in the guide, and knows a size that never bursts per family', () => {
    for (const family of ['m5', 'm6i', 'm7g', 'c5', 'c6i', 'r5', 'r6i', 't3']) {
      expect(burstableInstanceSpec(`${family}.large`)?.verified).toBe(family !== 'm7g');
      if (family !== 't3') expect(familySizes(`${family}.large`).some((s) => !s.burstable), family).toBe(true);
    }
    expect(burstableInstanceSpec('m5.4xlarge')).toBeUndefined();
    expect(burstableInstanceSpec('m6i.4xlarge')?.maximumIops).toBe(40_000);
    for (const s of INSTANCE_EBS_TABLE.values()) expect(s.maximumIops).toBeGreaterThanOrEqual(s.baselineIops);
  });

  it('empties no later when the demand is higher or the balance lower', () => {
    fc.assert(fc.property(fc.constantFrom(...INSTANCE_EBS_TABLE.keys()), fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 10_000 }), (type, balance, demand, more) => {
      const s = spec(type);
      expect(instanceIoSecondsToEmpty(s, balance, demand + more)).toBeLessThanOrEqual(instanceIoSecondsToEmpty(s, balance, demand));
      expect(instanceIoSecondsToEmpty(s, balance / 2, demand)).toBeLessThanOrEqual(instanceIoSecondsToEmpty(s, balance, demand));
    }));
  });
});
