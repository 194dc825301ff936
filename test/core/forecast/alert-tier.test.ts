import { describe, expect, it } from 'vitest';
import { alertTier, pageConfidenceOf, PAGE_CONFIDENCE_CALIBRATION } from '../../../lambda/core/forecast/alert-tier';
import { forecastExhaustion } from '../../../lambda/core/forecast/forecast';
import { drainPersistence, PRIOR_MEAN_DRAIN_SECONDS, survivalOf } from '../../../lambda/core/forecast/persistence';
import { tierRuleOf } from '../../../lambda/core/decision/triggers';
import { PolicySchema } from '../../../lambda/core/policy/schema';
import { parseTrace, runSimulation, traceWorkload } from '../../../lambda/sim/index';
import type { AlertTier } from '../../../lambda/core/forecast/alert-tier';
import type { MetricPoint } from '../../../lambda/core/types';

/** What ships: the default policy's horizons and thresholds, runs every 5 minutes. */
const RULE = tierRuleOf(PolicySchema.parse({ version: 1 }), 300);
const START = 1_767_225_600;

/** A trace of per-minute IOPS (one value per minute), as the trace reader reads it. */
function minutes(iops: readonly number[]) {
  return parseTrace(['t_seconds,read_ops,write_ops', ...iops.map((x, i) => `${i * 60},${x * 60},0`)].join('\n'), 'test.csv');
}

/** Replays the demand on a gp2 volume and returns every run's tier and the exhaustion times. */
async function tiersOf(sizeGiB: number, iops: readonly number[]) {
  const runs: { t: number; tier: AlertTier | undefined }[] = [];
  let paging = false;
  const result = await runSimulation({
    volume: { type: 'gp2', sizeGiB }, workload: traceWorkload(minutes(iops)), startEpochSeconds: START, durationSeconds: iops.length * 60,
    intervalSeconds: 300, metricDelaySeconds: 120, seed: 7, seriesLookbackSeconds: 3 * 3600,
    onInterval: ({ nowEpochSeconds, series, volume }) => {
      const verdict = alertTier(forecastExhaustion(series, volume, nowEpochSeconds, { intervalSeconds: 300 }), RULE, paging);
      paging = verdict.tier === 'page';
      runs.push({ t: nowEpochSeconds - START, tier: verdict.tier });
    },
  });
  return { runs, exhaustions: result.exhaustionsSeconds };
}

describe('pages on spiky and sustained drains (default policy)', () => {
  it('raises no page for a volume that bursts 3 min at full speed every 10 min but never empties', async () => {
    // 300 GiB gp2 (900 IOPS baseline): each burst "empties the bucket in ~43 min" on paper, then it idles and refills.
    const pattern = [3000, 3000, 3000, 10, 10, 10, 10, 10, 10, 10];
    const quiet = Array.from({ length: 3 * 60 }, () => 10);
    const { runs, exhaustions } = await tiersOf(300, [...quiet, ...Array.from({ length: 8 * 6 }, () => pattern).flat()]);
    expect(exhaustions).toEqual([]);
    // Only the very first burst after 3 quiet hours may page: nothing yet tells it from a sustained drain.
    const pages = runs.filter((r) => r.tier === 'page');
    expect(pages.filter((r) => r.t > 3 * 3600 + 15 * 60)).toEqual([]);
    expect(pages.length).toBeLessThanOrEqual(2);
  });

  it('pages at least 30 min before the wall for a sustained drain', async () => {
    // 100 GiB gp2 (300 IOPS baseline) idle for an hour, then 1,500 IOPS for good: empty 75 min into the drain.
    const { runs, exhaustions } = await tiersOf(100, [...Array.from({ length: 60 }, () => 50), ...Array.from({ length: 180 }, () => 1500)]);
    const wall = exhaustions[0] ?? Number.NaN;
    expect(wall).toBeGreaterThan(60 * 60 + 70 * 60);
    const firstPage = runs.find((r) => r.tier === 'page')?.t ?? Number.POSITIVE_INFINITY;
    expect(wall - firstPage).toBeGreaterThanOrEqual(30 * 60);
    // ...and no page before the drain began.
    expect(firstPage).toBeGreaterThan(60 * 60);
  });

  it('pages for a bucket that is empty now, whatever the persistence', () => {
    expect(alertTier({ kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, RULE).tier).toBe('page');
  });
});

describe('drainPersistence', () => {
  /** One BurstBalance point a minute from these per-minute values. */
  const balance = (values: readonly number[]): MetricPoint[] => values.map((value, i) => ({ tEpochSeconds: START + i * 60, value }));

  it('counts the runs the balance fell in a row, and the drains before it', () => {
    // Falls 1 %/min for 10 min, rises 10 min, falls again for the last 15 min (on the 5-minute grid).
    const values = [...Array.from({ length: 11 }, (_, i) => 90 - i), ...Array.from({ length: 10 }, (_, i) => 80 + i + 1), ...Array.from({ length: 15 }, (_, i) => 90 - i - 1)];
    const p = drainPersistence({ balance: balance(values), periodSeconds: 60, intervalSeconds: 300, secondsToEmpty: 3600 });
    expect(p.heldRuns).toBe(3);
    expect(p.drainSeconds).toBe(900);
    expect(p.pastDrains).toBe(1);
  });

  it('says a drain is unlikely to hold when every past drain on the volume ended within 10 min', () => {
    // Ten past cycles: 10 min falling, 10 min rising; now 10 min into a fall, 40 min from empty.
    const cycle = [...Array.from({ length: 10 }, (_, i) => 80 - i), ...Array.from({ length: 10 }, (_, i) => 70 + i)];
    const values = [...Array.from({ length: 8 }, () => cycle).flat(), ...Array.from({ length: 11 }, (_, i) => 80 - i)];
    const p = drainPersistence({ balance: balance(values), periodSeconds: 60, intervalSeconds: 300, secondsToEmpty: 2400 });
    expect(p.heldRuns).toBe(2);
    expect(p.survival).toBeLessThan(0.25);
    expect(pageConfidenceOf(p)).toBeLessThan(RULE.pageMinConfidence);
  });

  it('treats a gap in the balance as unknown: the drain before it does not count as held', () => {
    const points = balance(Array.from({ length: 30 }, (_, i) => 90 - i)).filter((_, i) => i < 15 || i > 22);
    expect(drainPersistence({ balance: points, periodSeconds: 60, intervalSeconds: 300, secondsToEmpty: 3600 }).heldRuns).toBe(1);
  });

  it.each<[string, number[], number, number, number]>([
    ['nothing more needed: certain', [300, 300], 600, 0, 1],
    ['a quiet volume: the prior mean drain only', [], 0, 1800, Math.exp(-1800 / PRIOR_MEAN_DRAIN_SECONDS)],
    ['twenty 5-minute drains in the window: a drain needing 30 min more is unlikely', Array.from({ length: 20 }, () => 300), 300, 1800, Math.exp((-21 / (21 * 300 + PRIOR_MEAN_DRAIN_SECONDS)) * 1800)],
  ])('survival: %s', (_name, past, held, needed, expected) => {
    expect(survivalOf(past, held, needed)).toBeCloseTo(expected);
  });

  it('grows as the running drain holds longer (it is a censored length)', () => {
    const short = Array.from({ length: 10 }, () => 300);
    expect(survivalOf(short, 3600, 1800)).toBeGreaterThan(survivalOf(short, 600, 1800));
  });
});

describe('PAGE_CONFIDENCE_CALIBRATION', () => {
  it('is monotone in the raw score and ends at raw score 1', () => {
    const shares = PAGE_CONFIDENCE_CALIBRATION.map(([, share]) => share);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(PAGE_CONFIDENCE_CALIBRATION.at(-1)?.[0]).toBe(1);
  });
});
