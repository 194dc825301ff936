import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceOf, SECONDS_PER_MONTH } from '../../lambda/core/decision/pricing';
import type { ModificationState, VolumeModification } from '../../lambda/core/types';
import { billedSpans, costOfSpans, findLedgerViolations } from '../../lambda/sim/guardian-checks';

const H = 3600;

function mod(startEpochSeconds: number, endEpochSeconds: number | undefined, state: ModificationState = 'completed'): VolumeModification {
  return {
    volumeId: 'vol-1', state, startEpochSeconds, ...(endEpochSeconds === undefined ? {} : { endEpochSeconds }),
    originalType: 'gp2', targetType: 'gp3', originalSizeGiB: 100, targetSizeGiB: 100, targetIops: 4000, targetThroughputMiBps: 250,
  };
}

describe('findLedgerViolations', () => {
  it.each([
    ['four modifications in 24 h, each after the previous completed', [mod(0, 900), mod(H, H + 900), mod(2 * H, 2 * H + 900), mod(3 * H, 3 * H + 900)], 'four-per-24h', []],
    ['a fifth modification a day after the first', [mod(0, 900), mod(H, H + 900), mod(2 * H, 2 * H + 900), mod(3 * H, 3 * H + 900), mod(24 * H, 24 * H + 900)], 'four-per-24h', []],
    ['a failed modification retried at once', [mod(0, 60, 'failed'), mod(60, 960)], 'six-hour-cooldown', []],
  ] as const)('finds nothing for %s', (_name, log, rule, expected) => {
    expect(findLedgerViolations(log, rule)).toEqual(expected);
  });

  it.each([
    ['a fifth modification within 24 h', [mod(0, 900), mod(H, H + 900), mod(2 * H, 2 * H + 900), mod(3 * H, 3 * H + 900), mod(23 * H, 23 * H + 900)], 'four-per-24h', ['four-per-24h']],
    ['a start while the previous is still optimizing', [mod(0, 2 * H), mod(H, 3 * H)], 'four-per-24h', ['after-previous-completed']],
    ['a start after a modification that never ended', [mod(0, undefined, 'optimizing'), mod(H, 2 * H)], 'four-per-24h', ['after-previous-completed']],
    ['two starts 5 h apart under the six-hour rule', [mod(0, 900), mod(5 * H, 5 * H + 900)], 'six-hour-cooldown', ['six-hour-cooldown']],
  ] as const)('reports %s', (_name, log, rule, expected) => {
    expect(findLedgerViolations(log, rule).map((v) => v.rule)).toEqual(expected);
  });

  it('never reports a log whose starts are 6 h apart and each ended before the next', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 6 * H, max: 48 * H }), { maxLength: 20 }), (gaps) => {
      let t = 0;
      const log = gaps.map((gap) => {
        t += gap;
        return mod(t, t + 900);
      });
      expect(findLedgerViolations(log, 'six-hour-cooldown')).toEqual([]);
      expect(findLedgerViolations(log, 'four-per-24h')).toEqual([]);
    }));
  });
});

describe('billed cost', () => {
  const gp2 = { type: 'gp2' as const, sizeGiB: 100 };

  it('bills gp2 all along when nothing was modified (100 GiB at $0.10/GB-month for a month costs $10)', () => {
    expect(costOfSpans(billedSpans(gp2, 0, []), SECONDS_PER_MONTH, 'us-east-1')).toBeCloseTo(10, 6);
  });

  it('bills the target configuration from the modification start and ignores failed ones', () => {
    const log = [mod(100, 200, 'failed'), mod(1000, 1900)];
    const spans = billedSpans(gp2, 0, log);
    expect(spans.map((s) => [s.fromEpochSeconds, s.config.type])).toEqual([[0, 'gp2'], [1000, 'gp3']]);
    const gp3 = { type: 'gp3' as const, sizeGiB: 100, iops: 4000, throughputMiBps: 250 };
    const expected = (priceOf(gp2, 'us-east-1').monthlyUSD * 1000 + priceOf(gp3, 'us-east-1').monthlyUSD * 2600) / SECONDS_PER_MONTH;
    expect(costOfSpans(spans, 3600, 'us-east-1')).toBeCloseTo(expected, 12);
  });
});
