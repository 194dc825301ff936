import { describe, expect, it } from 'vitest';
import { demandPoints, replayShadowBucket, type ShadowReplayInput } from '../../../lambda/core/decision/shadow';
import type { VolumeMetricSeries } from '../../../lambda/core/types';
import { H, NOW, constantOps } from '../../fixtures/policies/decide-fixtures';

function input(series: VolumeMetricSeries | undefined, partial: Partial<ShadowReplayInput> = {}): ShadowReplayInput {
  return { originalType: 'gp2', sizeGiB: 100, series, sinceEpochSeconds: NOW - 8 * H, now: NOW, startBalancePercent: 0, floorPercent: 50, trailingWindowSeconds: 2 * H, ...partial };
}

describe('replayShadowBucket', () => {
  it('refills an empty 100 GiB gp2 bucket at its 300 IOPS baseline when idle (8 h: full)', () => {
    // 5.4M credits ÷ 300/s = 5 h to full from empty (general-purpose.html).
    const r = replayShadowBucket(input(constantOps('vol-a', 0, NOW - 8 * H)));
    expect(r).toMatchObject({ kind: 'sustainable', finalBalancePercent: 100 });
  });

  it.each([
    // [what, ops/s, start %, kind]
    ['demand at the baseline keeps an empty bucket empty', 300, 0, 'not-sustainable'],
    ['demand above the baseline drains even a full bucket', 1500, 100, 'not-sustainable'],
    ['light demand refills well above the floor', 100, 0, 'sustainable'],
  ] as const)('%s', (_what, ops, start, kind) => {
    expect(replayShadowBucket(input(constantOps('vol-a', ops, NOW - 8 * H), { startBalancePercent: start })).kind).toBe(kind);
  });

  it('computes the exact balance: 4 h at 200 IOPS below a 300 baseline from empty adds 1.44M credits (26.7 %)', () => {
    const r = replayShadowBucket(input(constantOps('vol-a', 200, NOW - 4 * H), { sinceEpochSeconds: NOW - 4 * H, floorPercent: 1 }));
    expect(r.kind).not.toBe('insufficient-data');
    if (r.kind !== 'insufficient-data') expect(r.finalBalancePercent).toBeCloseTo((100 * 100 * 4 * 3600) / 5_400_000, 6);
  });

  it('ignores datapoints from before the flip', () => {
    const r = replayShadowBucket(input(constantOps('vol-a', 0, NOW - 8 * H), { sinceEpochSeconds: NOW - 3 * H, floorPercent: 1 }));
    if (r.kind !== 'insufficient-data') expect(r.finalBalancePercent).toBeCloseTo((100 * 300 * 3 * 3600) / 5_400_000, 6);
    expect(r.kind).toBe('sustainable');
  });

  it.each([
    ['no series', undefined],
    ['too few datapoints in the trailing window', constantOps('vol-a', 0, NOW - H)],
  ])('says insufficient data with %s', (_what, series) => {
    expect(replayShadowBucket(input(series)).kind).toBe('insufficient-data');
  });

  it('joins read and write ops on timestamps and drops periods missing from either', () => {
    const series: VolumeMetricSeries = {
      volumeId: 'vol-a', periodSeconds: 60, burstBalancePercent: [],
      readOps: [{ tEpochSeconds: 0, value: 600 }, { tEpochSeconds: 60, value: 600 }],
      writeOps: [{ tEpochSeconds: 60, value: 1200 }],
    };
    expect(demandPoints(series, 'gp2')).toEqual([{ tEpochSeconds: 60, value: 30 }]);
  });
});
