import { describe, expect, it } from 'vitest';
import { SimulatedFleet, scenarioWorkload } from '../../lambda/sim/index';

const START = 1_767_571_200;

/** One m5.large (EBS baseline 3,600 IOPS, maximum 18,750 for 30 min) with `volumes` gp3 volumes of 16,000 IOPS each at `iops` demand. */
function host(volumes: number, iops: number, instanceType = 'm5.large') {
  const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 1, metricDelaySeconds: 120 });
  fleet.addInstance({ instanceId: 'i-1', instanceType });
  const ids = Array.from({ length: volumes }, () => fleet.addVolume({ type: 'gp3', sizeGiB: 100, iops: 16_000, throughputMiBps: 1_000, workload: scenarioWorkload(`constant:${iops}`), instanceId: 'i-1' }));
  return { fleet, ids };
}

describe('simulated instance EBS bucket', () => {
  it('serves the instance maximum for the documented 30 minutes, then holds gp3 volumes to the instance baseline', async () => {
    // Two gp3 volumes asking 12,000 IOPS each: the instance serves 18,750 in total for 30 min, then 3,600.
    const { fleet, ids } = host(2, 12_000);
    fleet.advanceTo(START + 3_600);
    const emptied = fleet.instance('i-1')?.exhaustionsEpochSeconds ?? [];
    // One-minute resolution: the bucket empties within the minute after the 30th.
    expect(emptied).toHaveLength(1);
    expect((emptied[0] ?? 0) - START).toBeGreaterThanOrEqual(1_800);
    expect((emptied[0] ?? 0) - START).toBeLessThanOrEqual(1_860);
    const served = ids.reduce((sum, id) => sum + fleet.volume(id).counters.servedOps, 0);
    // 30 min at the maximum and 30 min at the baseline, ± the first minute (uncapped) and the minute it empties.
    expect(served).toBeGreaterThan(18_750 * 1_800 + 3_600 * 1_740);
    expect(served).toBeLessThan(18_750 * 1_800 + 3_600 * 1_800 + 24_000 * 60 + 18_750 * 60);
  });

  it('publishes EBSIOBalance% as 5-minute averages after the delay, and nothing for a size that never bursts', async () => {
    const { fleet } = host(1, 10_000);
    fleet.addInstance({ instanceId: 'i-big', instanceType: 'm5.4xlarge' });
    fleet.advanceTo(START + 20 * 60);
    const read = await fleet.readInstanceBalances({ instanceIds: ['i-1', 'i-big', 'i-unknown'], startEpochSeconds: START, endEpochSeconds: START + 20 * 60 });
    expect([...read.keys()]).toEqual(['i-1']);
    const io = read.get('i-1')?.ioBalancePercent ?? [];
    // Periods [0,5), [5,10), [10,15) are out; [15,20) ends at 20 min and is due at 22 min.
    expect(io.map((p) => (p.tEpochSeconds - START) / 60)).toEqual([0, 5, 10]);
    // Draining at 10,000 − 3,600 = 6,400 IOPS of a 27.27 M bucket: the second period's mean is ~88 %.
    const bucket = (18_750 - 3_600) * 1_800;
    expect(io[1]?.value).toBeCloseTo(100 - (100 * 6_400 * 450) / bucket, 0);
    expect(io.every((p, i) => i === 0 || p.value < (io[i - 1]?.value ?? 0))).toBe(true);
    expect([...(await fleet.readInstanceTypes(['i-1', 'i-big', 'i-gone']))]).toEqual([['i-1', 'm5.large'], ['i-big', 'm5.4xlarge']]);
  });

  it('refills below the instance baseline', () => {
    const { fleet } = host(1, 1_000);
    fleet.addInstance({ instanceId: 'i-2', instanceType: 't3.medium', initialBalancePercent: 50 });
    fleet.addVolume({ type: 'gp3', sizeGiB: 100, workload: scenarioWorkload('constant:500'), instanceId: 'i-2' });
    fleet.advanceTo(START + 3_600);
    // 2,000 − 500 = 1,500 IOPS of refill for an hour on a 17.64 M bucket: +30.6 points.
    expect(fleet.instance('i-2')?.balances().io).toBeCloseTo(50 + (100 * 1_500 * 3_600) / ((11_800 - 2_000) * 1_800), 1);
  });
});
