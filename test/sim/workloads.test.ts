import { describe, expect, it } from 'vitest';
import { SimulationInputError } from '../../lambda/core/errors';
import { createRng } from '../../lambda/sim/rng';
import { SCENARIOS, scenarioWorkload, type DemandSegment, type Workload } from '../../lambda/sim/workloads';

const START = 1_767_571_200; // Monday 2026-01-05 00:00 UTC

function take(workload: Workload, seconds: number): DemandSegment[] {
  const segments: DemandSegment[] = [];
  for (let t = 0; t < seconds; ) {
    const s = workload.nextSegment();
    segments.push(s);
    t += s.durationSeconds;
  }
  return segments;
}

function meanDemand(segments: readonly DemandSegment[], fromSeconds: number, toSeconds: number): number {
  let t = 0;
  let ops = 0;
  for (const s of segments) {
    const a = Math.max(t, fromSeconds);
    const b = Math.min(t + s.durationSeconds, toSeconds);
    if (b > a) ops += (s.readOpsPerSecond + s.writeOpsPerSecond) * (b - a);
    t += s.durationSeconds;
  }
  return ops / (toSeconds - fromSeconds);
}

const build = (text: string, seed = 7): Workload => scenarioWorkload(text)({ startEpochSeconds: START, rng: createRng(seed) });

describe('scenarioWorkload', () => {
  it.each(Object.keys(SCENARIOS).filter((name) => name !== 'constant'))('gives the same %s demand for the same seed and a different one for another seed', (name) => {
    const a = take(build(name, 1), 86_400);
    const b = take(build(name, 1), 86_400);
    const c = take(build(name, 2), 86_400);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('holds constant:IOPS forever', () => {
    const segment = build('constant:1234').nextSegment();
    expect(segment.durationSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(segment.readOpsPerSecond + segment.writeOpsPerSecond).toBe(1234);
  });

  it('makes ci-host average well above a 100 GiB gp2 baseline, in sub-second bursts near 3,000 IOPS', () => {
    const segments = take(build('ci-host'), 6 * 3600);
    const mean = meanDemand(segments, 0, 6 * 3600);
    expect(mean).toBeGreaterThan(600);
    expect(mean).toBeLessThan(1100);
    const bursts = segments.filter((s) => s.readOpsPerSecond + s.writeOpsPerSecond > 2000);
    expect(bursts.length).toBeGreaterThan(4000);
    expect(Math.max(...bursts.map((s) => s.durationSeconds))).toBeLessThan(3);
  });

  it('peaks diurnal demand in the afternoon and keeps the night quiet', () => {
    const segments = take(build('diurnal:2000'), 86_400);
    expect(meanDemand(segments, 13 * 3600, 15 * 3600)).toBeGreaterThan(1500);
    expect(meanDemand(segments, 1 * 3600, 3 * 3600)).toBeLessThan(300);
  });

  it('runs the nightly batch from 01:00 to 03:30 UTC only', () => {
    const segments = take(build('nightly-batch:2000'), 86_400);
    expect(meanDemand(segments, 3600, 3.5 * 3600)).toBeGreaterThan(1700);
    expect(meanDemand(segments, 6 * 3600, 24 * 3600)).toBeLessThan(100);
  });

  it('steps up after two quiet hours', () => {
    const segments = take(build('step:1500'), 4 * 3600);
    expect(meanDemand(segments, 0, 2 * 3600)).toBe(150);
    expect(meanDemand(segments, 2 * 3600, 4 * 3600)).toBeGreaterThan(1400);
  });

  it.each([
    ['bogus', /unknown scenario 'bogus'/],
    ['constant', /needs an argument/],
    ['constant:abc', /must be a non-negative number/],
    ['constant:-5', /must be a non-negative number/],
    ['constant:', /must be a non-negative number/],
    ['ci-host:1:2', /more than one/],
  ])('rejects the scenario %s', (text, message) => {
    expect(() => scenarioWorkload(text)).toThrow(SimulationInputError);
    expect(() => scenarioWorkload(text)).toThrow(message);
  });
});
