import { describe, expect, it } from 'vitest';
import { burstShapedThrottledSeconds, shadowThrottlingWorthWriting, tallyShadowThrottling, type ShadowThrottlingInput } from '../../../lambda/core/decision/shadow-throttling';
import type { MetricPoint, VolumeMetricSeries } from '../../../lambda/core/types';
import { NOW } from '../../fixtures/policies/decide-fixtures';

const FLIP = NOW - 3_600;

/** 1-minute datapoints from `since`: each segment is [minutes, IOPS], split evenly between reads and writes. */
function opsSeries(segments: readonly (readonly [number, number])[], since = FLIP): VolumeMetricSeries {
  const points: MetricPoint[] = [];
  let t = since;
  for (const [minutes, iops] of segments) {
    for (let i = 0; i < minutes; i++, t += 60) points.push({ tEpochSeconds: t, value: (iops * 60) / 2 });
  }
  return { volumeId: 'vol-a', periodSeconds: 60, burstBalancePercent: [], readOps: points, writeOps: points };
}

function input(series: VolumeMetricSeries | undefined, partial: Partial<ShadowThrottlingInput> = {}): ShadowThrottlingInput {
  return { originalType: 'gp2', sizeGiB: 100, series, sinceEpochSeconds: FLIP, startBalancePercent: 5.5, previous: undefined, now: NOW, ...partial };
}

// 100 GiB gp2: baseline 300 IOPS, burst 3,000, bucket 5.4M credits (general-purpose.html).
// The series: 30 min at 1,200 IOPS, 10 min at 100 IOPS, 2 min at 3,600 IOPS.
const STORY = opsSeries([[30, 1_200], [10, 100], [2, 3_600]]);

describe('tallyShadowThrottling', () => {
  it('counts by hand: the unaided bucket empties after 330 s, refills while idle, empties again under a burst', () => {
    // 5.5 % = 297,000 credits; 1,200 IOPS drains 900/s → empty after 330 s (in minute 6, 30 s in):
    //   throttled 1,800 − 330 = 1,470 s, deferred (1,200 − 300) × 1,470 = 1,323,000 I/Os.
    // 10 min at 100 IOPS refills (300 − 100) × 600 = 120,000 credits, nothing throttled.
    // 3,600 IOPS is served at most at the 3,000 burst: drains 2,700/s → empty after 44.4 s of 120 s:
    //   throttled 75.6 s, deferred 2,700 × 120 − 120,000 = 204,000 I/Os.
    const tally = tallyShadowThrottling(input(STORY));
    expect(tally?.throttledSeconds).toBeCloseTo(1_470 + 120 - 120_000 / 2_700, 6);
    expect(tally?.deferredUnits).toBeCloseTo(1_323_000 + 204_000, 3);
    expect(tally?.credits).toBe(0);
    expect(tally?.datapoints).toBe(42);
    expect(tally?.throughEpochSeconds).toBe(FLIP + 42 * 60);
    // Bursts at the 3,000 ceiling would defer those I/Os in 1,527,000 ÷ 2,700 = 565.6 s.
    if (tally !== undefined) expect(burstShapedThrottledSeconds(tally, 'gp2', 100)).toBeCloseTo(1_527_000 / 2_700, 6);
  });

  it('never counts a datapoint twice across scans whose metric windows overlap', () => {
    const whole = tallyShadowThrottling(input(STORY));
    // Scan 1 at FLIP + 20 min sees 20 complete minutes; scan 2 at FLIP + 42 min reads the whole hour
    // again (its window starts before scan 1's) and must add only minutes 20–41.
    const first = tallyShadowThrottling(input(STORY, { now: FLIP + 20 * 60 + 30 }));
    expect(first?.datapoints).toBe(20);
    const second = tallyShadowThrottling(input(STORY, { previous: first, now: NOW }));
    expect(second?.datapoints).toBe(42);
    expect(second?.throttledSeconds).toBeCloseTo(whole?.throttledSeconds ?? Number.NaN, 6);
    expect(second?.deferredUnits).toBeCloseTo(whole?.deferredUnits ?? Number.NaN, 3);
    // A third scan that sees nothing newer records nothing.
    expect(tallyShadowThrottling(input(STORY, { previous: second, now: NOW }))).toBeUndefined();
  });

  it('ignores datapoints from before the flip and the minute still in progress', () => {
    const series = opsSeries([[10, 3_000], [5, 1_200]], FLIP - 600);
    // The 10 minutes at 3,000 IOPS are before the flip; at FLIP + 270 s only 4 minutes are complete:
    // 297,000 credits − 900 × 240 = 81,000 left, nothing throttled yet.
    const tally = tallyShadowThrottling(input(series, { now: FLIP + 270 }));
    expect(tally).toMatchObject({ datapoints: 4, throttledSeconds: 0, deferredUnits: 0, throughEpochSeconds: FLIP + 240 });
    expect(tally?.credits).toBeCloseTo(81_000, 6);
  });

  it('skips a gap: minutes with no datapoint neither drain, refill nor throttle', () => {
    const full = opsSeries([[10, 1_200]]);
    const gappy = { ...full, readOps: full.readOps.filter((_, i) => i < 2 || i > 6), writeOps: full.writeOps.filter((_, i) => i < 2 || i > 6) };
    // 5 of 10 minutes missing: 5 × 60 × 900 = 270,000 of 297,000 credits spent, never empty.
    const tally = tallyShadowThrottling(input(gappy));
    expect(tally).toMatchObject({ datapoints: 5, throttledSeconds: 0 });
    expect(tally?.credits).toBeCloseTo(27_000, 6);
  });

  it('counts nothing for a gp2 volume of 1,000 GiB or more, which never spends credits', () => {
    expect(tallyShadowThrottling(input(opsSeries([[30, 2_500]]), { sizeGiB: 1_000, startBalancePercent: 0 }))).toMatchObject({ throttledSeconds: 0, deferredUnits: 0 });
  });

  it('replays st1 throughput in MiB/s', () => {
    // 500 GiB st1: baseline 40 × 500/1,024 = 19.53 MiB/s, burst 122.07 MiB/s. From empty at 100 MiB/s: every second throttled.
    const mib = 1_048_576;
    const points = Array.from({ length: 5 }, (_, i) => ({ tEpochSeconds: FLIP + i * 60, value: (100 * mib * 60) / 2 }));
    const series: VolumeMetricSeries = { volumeId: 'vol-a', periodSeconds: 60, burstBalancePercent: [], readOps: points, writeOps: points, readBytes: points, writeBytes: points };
    const tally = tallyShadowThrottling(input(series, { originalType: 'st1', sizeGiB: 500, startBalancePercent: 0 }));
    expect(tally?.throttledSeconds).toBe(300);
    expect(tally?.deferredUnits).toBeCloseTo((100 - (40 * 500) / 1_024) * 300, 6);
  });

  it('says nothing without a series', () => {
    expect(tallyShadowThrottling(input(undefined))).toBeUndefined();
  });
});

describe('shadowThrottlingWorthWriting', () => {
  const base = { throughEpochSeconds: FLIP, credits: 5_000_000, throttledSeconds: 10, deferredUnits: 100, datapoints: 3 };
  const cadence = { throttlingEverySeconds: 1_800, bucketEverySeconds: 6 * 3_600 };
  const throttling = (minutes: number) => ({ ...base, throughEpochSeconds: FLIP + minutes * 60, credits: 0, throttledSeconds: 10 + 60 * minutes, deferredUnits: 100 + 54_000 * minutes });
  const refilling = (hours: number) => ({ ...base, throughEpochSeconds: FLIP + hours * 3_600, credits: 5_000_000 + hours * 1_000 });
  it.each([
    ['the first tally', undefined, base, false, true],
    ['more throttling over 25 min (replayed from the stored tally next scan)', base, throttling(25), false, false],
    ['more throttling over 30 min', base, throttling(30), false, true],
    ['a bucket refilling for 5 h', base, refilling(5), false, false],
    ['a bucket refilling for 6 h', base, refilling(6), false, true],
    ['a full bucket that only moved on for a day', { ...base, credits: 5_400_000 }, { ...base, credits: 5_400_000, throughEpochSeconds: FLIP + 86_400 }, false, false],
    ['more throttling over 5 min on a volume about to be reverted', base, throttling(5), true, true],
    ['nothing new on a volume about to be reverted', base, { ...base, throughEpochSeconds: FLIP + 300 }, true, false],
  ] as const)('%s → %s', (_what, previous, next, final, expected) => {
    expect(shadowThrottlingWorthWriting(previous, next, cadence, final)).toBe(expected);
  });
});
