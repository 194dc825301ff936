import { describe, expect, it } from 'vitest';
import { runSimulation, scenarioWorkload, parseTrace, traceWorkload, type IntervalContext } from '../../lambda/sim/index';

const START = 1_767_571_200;

describe('runSimulation', () => {
  it.each([
    [1, 1862],
    [100, 2000],
    [334, 2703],
    [750, 7200],
  ])('empties a full %i GiB gp2 bucket at 3,000 IOPS after %i s, like AWS', async (sizeGiB, seconds) => {
    const result = await runSimulation({ volume: { type: 'gp2', sizeGiB }, workload: scenarioWorkload('constant:3000'), startEpochSeconds: START, durationSeconds: 3 * 3600, seed: 1 });
    expect(result.exhaustionsSeconds).toHaveLength(1);
    expect(Math.abs((result.exhaustionsSeconds[0] ?? 0) - seconds)).toBeLessThan(1);
  });

  it('gives identical results for the same seed and different ones for another seed', async () => {
    const run = (seed: number) => runSimulation({ volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('ci-host'), startEpochSeconds: START, durationSeconds: 6 * 3600, seed });
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    expect(b.exhaustionsSeconds).toEqual(a.exhaustionsSeconds);
    expect(b.intervals).toEqual(a.intervals);
    expect(c.servedOps).not.toBe(a.servedOps);
  });

  it('drains a 100 GiB gp2 CI host within a few hours and holds it to the baseline afterwards', async () => {
    const result = await runSimulation({ volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('ci-host'), startEpochSeconds: START, durationSeconds: 8 * 3600, seed: 1 });
    const empty = result.exhaustionsSeconds[0] ?? Number.POSITIVE_INFINITY;
    expect(empty).toBeGreaterThan(1.5 * 3600);
    expect(empty).toBeLessThan(5 * 3600);
    const after = result.intervals.filter((i) => i.startSeconds > empty + 600);
    // Credits refilled between container starts (background 120 IOPS < 300) are spent on the next start at once.
    for (const interval of after) expect(interval.meanServedPerSecond).toBeLessThan(310);
    expect(after.every((i) => i.meanDemandPerSecond > 600)).toBe(true);
  });

  it('shows a run only points published before now − delay, and records served (not demanded) ops', async () => {
    const seen: IntervalContext[] = [];
    await runSimulation({
      volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('constant:3000'), startEpochSeconds: START, durationSeconds: 3 * 3600,
      metricDelaySeconds: 180, seed: 1, onInterval: (context) => void seen.push(context),
    });
    expect(seen.map((c) => c.tSeconds)).toEqual(Array.from({ length: 36 }, (_, i) => (i + 1) * 300));
    for (const context of seen) {
      const latest = context.series.burstBalancePercent.at(-1);
      expect(latest?.tEpochSeconds).toBe(context.nowEpochSeconds - 180 - 60);
    }
    const last = seen.at(-1);
    const ops = (last?.series.readOps ?? []).map((p, i) => p.value + (last?.series.writeOps[i]?.value ?? 0));
    expect(Math.max(...ops)).toBeCloseTo(3000 * 60, 3);
    expect(ops.at(-1)).toBeCloseTo(300 * 60, 3);
  });

  it('averages BurstBalance over each minute exactly', async () => {
    let balances: number[] = [];
    await runSimulation({
      volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('constant:3000'), startEpochSeconds: START, durationSeconds: 600,
      metricDelaySeconds: 0, seed: 1, intervalSeconds: 600, onInterval: (c) => void (balances = c.series.burstBalancePercent.map((p) => p.value)),
    });
    // 2,700 credits/s drained: minute k averages 100 − 2,700 × (60k + 30) / 5.4M × 100 percent.
    balances.forEach((value, k) => expect(value).toBeCloseTo(100 - (2700 * (60 * k + 30) * 100) / 5_400_000, 9));
  });

  it('leaves out datapoints in a gap and drops minutes at the given probability', async () => {
    let gapped: IntervalContext | undefined;
    await runSimulation({
      volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('constant:500'), startEpochSeconds: START, durationSeconds: 3600,
      seed: 1, intervalSeconds: 3600, gaps: [{ fromSeconds: 600, toSeconds: 1200 }], dropProbability: 0.25, onInterval: (c) => void (gapped = c),
    });
    const times = (gapped?.series.burstBalancePercent ?? []).map((p) => p.tEpochSeconds - START);
    expect(times.some((t) => t >= 600 && t < 1200)).toBe(false);
    expect(times.length).toBeLessThan(47);
    expect(times.length).toBeGreaterThan(20);
    expect(gapped?.series.readOps.map((p) => p.tEpochSeconds - START)).toEqual(times);
  });

  it('counts a later exhaustion only after the balance recovered above 20%', async () => {
    // 1 GiB gp2 (baseline 100): drain at 3,000 IOPS, refill a little, drain again, then refill fully and drain.
    const rows = ['t_seconds,read_ops,write_ops'];
    const phases: [number, number][] = [[2400, 3000], [3600, 0], [600, 3000], [60_000, 0], [2400, 3000]];
    let t = 0;
    for (const [seconds, iops] of phases) {
      for (let s = 0; s < seconds; s += 60, t += 60) rows.push(`${t},${iops * 60},0`);
    }
    const trace = parseTrace(rows.join('\n'), 'phases.csv');
    const result = await runSimulation({ volume: { type: 'gp2', sizeGiB: 1 }, workload: traceWorkload(trace), startEpochSeconds: START, durationSeconds: trace.durationSeconds, seed: 1 });
    // 3,600 s of refill at 100/s = 360,000 credits (6.7%): the second empty does not count.
    expect(result.exhaustionsSeconds).toHaveLength(2);
    expect(result.exhaustionsSeconds[0]).toBeCloseTo(5_400_000 / 2900, 6);
    expect(result.exhaustionsSeconds[1]).toBeCloseTo(2400 + 3600 + 600 + 60_000 + 5_400_000 / 2900, 6);
  });

  it('marks intervals whose demand was at or below the baseline', async () => {
    const result = await runSimulation({ volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('step:1500'), startEpochSeconds: START, durationSeconds: 4 * 3600, seed: 1 });
    expect(result.intervals.filter((i) => i.endSeconds <= 7200).every((i) => i.demandAtOrBelowBaseline)).toBe(true);
    expect(result.intervals.filter((i) => i.startSeconds >= 7200).every((i) => !i.demandAtOrBelowBaseline)).toBe(true);
  });

  it('lets an onInterval hook flip the volume to gp3 through the fleet port, removing the throttling', async () => {
    const base = { volume: { type: 'gp2' as const, sizeGiB: 100 }, workload: scenarioWorkload('ci-host'), startEpochSeconds: START, durationSeconds: 8 * 3600, seed: 1 };
    const unaided = await runSimulation(base);
    const aided = await runSimulation({
      ...base,
      onInterval: async ({ fleet, volume, series }) => {
        const latest = series.burstBalancePercent.at(-1)?.value ?? 100;
        const pending = (await fleet.describeModifications([volume.volumeId])).has(volume.volumeId);
        if (volume.type === 'gp2' && latest < 30 && !pending) await fleet.modifyVolume({ volumeId: volume.volumeId, targetType: 'gp3', iops: 3000, throughputMiBps: 125 }, { dryRun: false });
      },
    });
    expect(aided.fleet.describeVolume(aided.volumeId).type).toBe('gp3');
    expect(aided.exhaustionsSeconds).toEqual([]);
    expect(unaided.throttledSeconds).toBeGreaterThan(1000);
    // ci-host starts run at 2,920 IOPS, under gp3's 3,000: nothing is throttled once flipped.
    expect(aided.throttledSeconds).toBeLessThan(0.01 * unaided.throttledSeconds);
    expect(aided.intervals.at(-1)?.balancePercentAtEnd).toBeUndefined();
  });

  it('simulates a week of a CI host with a guardian run every 5 minutes (prints the time)', async () => {
    const began = performance.now();
    let runs = 0;
    await runSimulation({ volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('ci-host'), startEpochSeconds: START, durationSeconds: 7 * 86_400, seed: 1, onInterval: () => void (runs += 1) });
    console.log(`one week of ci-host on one volume: ${(performance.now() - began).toFixed(0)} ms`);
    expect(runs).toBe(2016);
  });
});
