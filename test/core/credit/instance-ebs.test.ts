import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSTANCE_BURST_SECONDS, INSTANCE_EBS_TABLE, instanceIoSecondsToEmpty } from '../../../lambda/core/credit/instance-ebs';

const spec = (type: string) => {
  const s = INSTANCE_EBS_TABLE.get(type);
  if (s === undefined) throw new Error(`no ${type}`);
  return s;
};

describe('instance EBS burst bucket', () => {
  it.each([
    // The EC2 User Guide: "c5.large instances can deliver 437.5 MB/s for 30 minutes at least once every 24 hours".
    ['m5.large', 18_750],
    ['c5.large', 20_000],
    ['t3.medium', 11_800],
  ])('sustains %s at its maximum of %i IOPS for the documented 30 minutes from full', (type, maximumIops) => {
    expect(instanceIoSecondsToEmpty(spec(type), 100, maximumIops)).toBe(INSTANCE_BURST_SECONDS);
    // Demand above the maximum is served at the maximum: it drains no faster.
    expect(instanceIoSecondsToEmpty(spec(type), 100, 10 * maximumIops)).toBe(INSTANCE_BURST_SECONDS);
  });

  it('never drains at or below the baseline', () => {
    expect(instanceIoSecondsToEmpty(spec('m5.large'), 5, 3_600)).toBe(Number.POSITIVE_INFINITY);
  });

  it('covers the burstable sizes of m5, m6i, m7g, c5, c6i, r5, r6i and t3, flagging the rows not checked against the guide', () => {
    for (const family of ['m5', 'm6i', 'm7g', 'c5', 'c6i', 'r5', 'r6i', 't3']) expect(INSTANCE_EBS_TABLE.has(`${family}.large`)).toBe(true);
    expect(spec('m5.large').verified).toBe(true);
    expect(spec('m6i.large').verified).toBe(false);
    for (const s of INSTANCE_EBS_TABLE.values()) expect(s.maximumIops).toBeGreaterThan(s.baselineIops);
  });

  it('empties no later when the demand is higher or the balance lower', () => {
    fc.assert(fc.property(fc.constantFrom(...INSTANCE_EBS_TABLE.keys()), fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 10_000 }), (type, balance, demand, more) => {
      const s = spec(type);
      expect(instanceIoSecondsToEmpty(s, balance, demand + more)).toBeLessThanOrEqual(instanceIoSecondsToEmpty(s, balance, demand));
      expect(instanceIoSecondsToEmpty(s, balance / 2, demand)).toBeLessThanOrEqual(instanceIoSecondsToEmpty(s, balance, demand));
    }));
  });
});
