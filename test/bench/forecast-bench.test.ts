import { describe, expect, it } from 'vitest';
import { calibrationTable } from './forecast-report';
import type { PageCandidate } from './forecast-run';
import { episodesOf, scoreVolume, summarize, type ScoringInput } from './forecast-score';

const MIN = 60;
const H = 30 * MIN;

function input(overrides: Partial<ScoringInput>): ScoringInput {
  return {
    alertTimes: [],
    exhaustionTimes: [],
    startEpochSeconds: 0,
    endEpochSeconds: 86400,
    idleIntervalEnds: [],
    isEmptyAt: () => false,
    horizonSeconds: H,
    metricDelaySeconds: 2 * MIN,
    intervalSeconds: 5 * MIN,
    ...overrides,
  };
}

describe('episodesOf', () => {
  it.each([
    ['no alerts', [], []],
    ['one alert', [100], [[100, 100]]],
    ['alerts 29 min apart merge', [0, 29 * MIN, 58 * MIN], [[0, 58 * MIN]]],
    ['a 30 min gap starts a new episode', [0, 30 * MIN], [[0, 0], [30 * MIN, 30 * MIN]]],
    ['chained 5-min alerts stay one episode', [0, 300, 600, 900], [[0, 900]]],
  ])('%s', (_name, alerts, expected) => {
    expect(episodesOf(alerts).map((e) => [e.startEpochSeconds, e.endEpochSeconds])).toEqual(expected);
  });
});

describe('scoreVolume', () => {
  it('measures the lead from the earliest alert in the 6 h before the exhaustion', () => {
    const score = scoreVolume(input({ alertTimes: [1000, 10000, 20000], exhaustionTimes: [30000] }));
    expect(score.exhaustions[0]).toMatchObject({ leadSeconds: 20000, caught: true });
  });

  it('ignores alerts older than 6 h or after the exhaustion for the lead', () => {
    const score = scoreVolume(input({ alertTimes: [1000, 30000], exhaustionTimes: [29000] }));
    expect(score.exhaustions[0]?.leadSeconds).toBeUndefined();
    expect(score.exhaustions[0]?.caught).toBe(false);
  });

  it.each([
    ['exactly H ahead is caught', 10000 - H, true],
    ['one second short of H is missed', 10000 - H + 1, false],
  ])('%s', (_name, alert, caught) => {
    expect(scoreVolume(input({ alertTimes: [alert], exhaustionTimes: [10000] })).exhaustions[0]?.caught).toBe(caught);
  });

  it.each([
    ['too early in the trace', { exhaustionTimes: [H + 15 * MIN - 1] }, false],
    ['just late enough in the trace', { exhaustionTimes: [H + 15 * MIN] }, true],
    ['too soon after an idle interval', { exhaustionTimes: [20000], idleIntervalEnds: [20000 - (H + 7 * MIN) + 1] }, false],
    ['H + delay + interval after the last idle interval', { exhaustionTimes: [20000], idleIntervalEnds: [5000, 20000 - (H + 7 * MIN)] }, true],
    ['idle intervals after the exhaustion do not matter', { exhaustionTimes: [20000], idleIntervalEnds: [20100] }, true],
  ])('feasibility: %s', (_name, overrides, feasible) => {
    expect(scoreVolume(input(overrides)).exhaustions[0]?.feasible).toBe(feasible);
  });

  it('counts an episode with no exhaustion in the next 6 h as false', () => {
    const score = scoreVolume(input({ alertTimes: [1000, 1300], exhaustionTimes: [1000 + 6 * 3600 + 1] }));
    expect(score.episodes).toEqual([{ startEpochSeconds: 1000, endEpochSeconds: 1300, isFalse: true }]);
  });

  it('does not count an episode followed by an exhaustion within 6 h as false', () => {
    const score = scoreVolume(input({ alertTimes: [1000], exhaustionTimes: [1000 + 6 * 3600] }));
    expect(score.episodes[0]?.isFalse).toBe(false);
  });

  it('does not count an episode that started while the bucket was empty as false', () => {
    const score = scoreVolume(input({ alertTimes: [5000], isEmptyAt: (t) => t >= 4000 && t < 6000 }));
    expect(score.episodes[0]?.isFalse).toBe(false);
  });
});

describe('summarize', () => {
  it('computes recall on feasible and all exhaustions, median lead and false episodes per volume-day', () => {
    const caught = scoreVolume(input({ alertTimes: [10000], exhaustionTimes: [20000], endEpochSeconds: 2 * 86400 }));
    const infeasibleOnes = scoreVolume(input({ alertTimes: [50000, 70000], exhaustionTimes: [1000, 60000 + 60], idleIntervalEnds: [60000] }));
    const summary = summarize([caught, infeasibleOnes]);
    expect(summary).toMatchObject({ volumes: 2, exhaustions: 3, feasible: 1, caughtFeasible: 1, caughtAll: 2, falseEpisodes: 1, volumeDays: 3 });
    expect(summary.recallFeasible).toBe(1);
    expect(summary.recallAll).toBeCloseTo(2 / 3);
    // leads: 10000, none (0), 10060 → median 10000
    expect(summary.medianLeadSeconds).toBe(10000);
    expect(summary.falseEpisodesPerVolumeDay).toBeCloseTo(1 / 3);
  });

  it('reports NaN recall when there is nothing to catch', () => {
    const summary = summarize([scoreVolume(input({}))]);
    expect(summary.recallFeasible).toBeNaN();
    expect(summary.falseEpisodesPerVolumeDay).toBe(0);
  });
});

describe('calibrationTable', () => {
  it('bins page-window forecasts by raw persistence score and gives the share that came true', () => {
    const candidate = (raw: number, cameTrue: boolean): PageCandidate => ({ family: 'f', group: 'spiky', drainSeconds: 600, pastDrains: 0, confidence: 1, raw, heldRuns: 2, survival: raw, secondsToEmpty: 1800, balancePercent: 50, cameTrue });
    const bins = calibrationTable([candidate(0, false), candidate(0.05, true), candidate(0.05, false), candidate(0.95, true)]);
    expect(bins.find((b) => b.upper === 0)).toMatchObject({ forecasts: 1, cameTrue: 0, share: 0 });
    expect(bins.find((b) => b.upper === 0.1)).toMatchObject({ forecasts: 2, cameTrue: 1, share: 0.5 });
    expect(bins.find((b) => b.upper === 1)).toMatchObject({ forecasts: 1, cameTrue: 1, share: 1 });
    expect(bins.find((b) => b.upper === 0.5)?.share).toBeNaN();
  });
});
