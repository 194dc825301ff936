import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyTarget } from '../../../lambda/core/policy/policy';
import { TARGET_LIMITS, maxIopsFor } from '../../../lambda/core/policy/target-limits';
import { sizeRescueTarget } from '../../../lambda/core/decision/sizing';

function target(yaml: string): PolicyTarget {
  return parsePolicy(`version: 1\nrescue:\n  target:\n${yaml.replace(/^/gm, '    ')}\n`, 't.yaml').rescue.target;
}

describe('sizeRescueTarget', () => {
  it.each([
    // [what, target yaml, sizeGiB, observed IOPS, observed MiB/s, expected target]
    ['auto gp3 with no demand: the gp2 burst and its throughput', 'type: gp3', 100, undefined, undefined, { type: 'gp3', iops: 3000, throughputMiBps: 128 }],
    ['auto gp3 from demand with 30 % headroom', 'type: gp3', 100, 5000, 100, { type: 'gp3', iops: 6500, throughputMiBps: 130 }],
    ['auto gp3 never below the gp2 burst', 'type: gp3', 100, 1000, undefined, { type: 'gp3', iops: 3000, throughputMiBps: 128 }],
    ['auto gp3 on a large gp2 keeps its baseline and 250 MiB/s', 'type: gp3', 900, 100, undefined, { type: 'gp3', iops: 3000, throughputMiBps: 250 }],
    ['auto gp3 capped at 500 IOPS/GiB', 'type: gp3', 10, 20000, undefined, { type: 'gp3', iops: 5000, throughputMiBps: 128 }],
    ['auto gp3 capped at 80,000 IOPS', 'type: gp3', 800, 200000, undefined, { type: 'gp3', iops: 80000, throughputMiBps: 250 }],
    ['gp3 throughput raising IOPS to 4 per MiB/s', 'type: gp3\nthroughputMiBps: 1000', 100, undefined, undefined, { type: 'gp3', iops: 4000, throughputMiBps: 1000 }],
    ['explicit gp3 values', 'type: gp3\niops: 6000\nthroughputMiBps: 300', 100, 99999, 999, { type: 'gp3', iops: 6000, throughputMiBps: 300 }],
    ['io1 on 100 GiB at 50 IOPS/GiB', 'type: io1', 100, 4000, undefined, { type: 'io1', iops: 5000 }],
    ['io2 on 100 GiB from demand', 'type: io2', 100, 20000, undefined, { type: 'io2', iops: 26000 }],
    ['io2 capped at 1,000 IOPS/GiB', 'type: io2', 100, 500000, undefined, { type: 'io2', iops: 100000 }],
  ] as const)('sizes %s', (_what, yaml, sizeGiB, observedIops, observedThroughputMiBps, expected) => {
    const result = sizeRescueTarget({ sourceType: 'gp2', sizeGiB, target: target(yaml), observedIops, observedThroughputMiBps });
    expect(result.kind).toBe('sized');
    if (result.kind === 'sized') {
      expect(result.target).toEqual(expected);
      expect(result.fallbackFrom).toBeUndefined();
    }
  });

  it('says io1 on 20 GiB (1,000 IOPS) cannot beat gp2 burst and sizes the gp3 fallback', () => {
    const result = sizeRescueTarget({ sourceType: 'gp2', sizeGiB: 20, target: target('type: io1\nfallback:\n  type: gp3'), observedIops: 2500 });
    expect(result).toMatchObject({ kind: 'sized', fallbackFrom: { type: 'io1', maxIops: 1000 }, target: { type: 'gp3', iops: 3250 } });
    if (result.kind === 'sized') expect(result.reasons[0]).toContain('fallback');
  });

  it('returns cannot-beat-source when the fallback cannot beat gp2 either', () => {
    const result = sizeRescueTarget({ sourceType: 'gp2', sizeGiB: 20, target: target('type: io1\nfallback:\n  type: io1') });
    expect(result).toMatchObject({ kind: 'cannot-beat-source', floorIops: 3000, attempts: [{ type: 'io1', maxIops: 1000 }, { type: 'io1', maxIops: 1000 }] });
  });

  it('keeps an st1 volume at least at its burst throughput on gp3', () => {
    const result = sizeRescueTarget({ sourceType: 'st1', sizeGiB: 2048, target: target('type: gp3') });
    expect(result).toMatchObject({ kind: 'sized', target: { type: 'gp3', iops: 3000, throughputMiBps: 500 }, floorThroughputMiBps: 500 });
  });

  it('never sizes outside AWS limits nor below the gp2 burst (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gp3', 'io1', 'io2'),
        fc.constantFrom('gp3', 'io1', 'io2'),
        fc.integer({ min: 1, max: 999 }),
        fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
        fc.option(fc.double({ min: 0, max: 5000, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 0, max: 300 }),
        (type, fallback, sizeGiB, observedIops, observedThroughputMiBps, headroom) => {
          const t = target(`type: ${type}\nheadroomPercent: ${headroom}\nfallback:\n  type: ${fallback}`);
          const result = sizeRescueTarget({ sourceType: 'gp2', sizeGiB, target: t, observedIops, observedThroughputMiBps });
          if (result.kind === 'cannot-beat-source') {
            expect(maxIopsFor(type, sizeGiB)).toBeLessThan(3000);
            return;
          }
          const limits = TARGET_LIMITS[result.target.type];
          expect(result.target.iops).toBeGreaterThanOrEqual(Math.max(limits.minIops, 3000));
          expect(result.target.iops).toBeLessThanOrEqual(maxIopsFor(result.target.type, sizeGiB));
          expect(Number.isInteger(result.target.iops)).toBe(true);
          const tp = result.target.throughputMiBps;
          if (result.target.type === 'gp3') {
            expect(tp).toBeDefined();
            expect(tp!).toBeGreaterThanOrEqual(125);
            expect(tp!).toBeLessThanOrEqual(Math.min(2000, result.target.iops * 0.25));
          } else {
            expect(tp).toBeUndefined();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
