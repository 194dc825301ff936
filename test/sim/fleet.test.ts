import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidModificationError, ModificationInProgressError, ModificationRateExceededError, VolumeNotFoundError } from '../../lambda/core/errors';
import type { VolumeModification } from '../../lambda/core/types';
import { SimulatedFleet, scenarioWorkload, type FleetOptions } from '../../lambda/sim/index';
import { checkModificationAllowed, validateModificationRequest } from '../../lambda/sim/modification-rules';

const START = 1_767_571_200;
const HOUR = 3600;

function fleetWith(options: Partial<FleetOptions> = {}, workload = 'constant:2000'): { fleet: SimulatedFleet; id: string } {
  const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 1, modifyingSeconds: 60, optimizingSeconds: 600, ...options });
  const id = fleet.addVolume({ volumeId: 'vol-0abc', type: 'gp2', sizeGiB: 100, workload: scenarioWorkload(workload), tags: { team: 'ci' }, instanceId: 'i-1' });
  return { fleet, id };
}

const toGp3 = { volumeId: 'vol-0abc', targetType: 'gp3' as const, iops: 3000, throughputMiBps: 125 };
const toGp2 = { volumeId: 'vol-0abc', targetType: 'gp2' as const };

describe('SimulatedFleet ModifyVolume', () => {
  it('forgets a deleted volume, even mid-modification: absent from listings and modifications, NotFound to ModifyVolume', async () => {
    const { fleet, id } = fleetWith();
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.deleteVolume(id);
    expect(await fleet.listVolumes({})).toEqual([]);
    expect((await fleet.describeModifications([id])).size).toBe(0);
    await expect(fleet.modifyVolume(toGp2, { dryRun: false })).rejects.toThrow(VolumeNotFoundError);
  });

  it('counts modifications made by someone else against the 4-per-24h limit', async () => {
    const { fleet } = fleetWith({ optimizingSeconds: 60 });
    for (const [i, request] of [toGp3, toGp2, toGp3, toGp2].entries()) {
      fleet.advanceTo(START + i * HOUR);
      await fleet.modifyVolume(request, { dryRun: false }); // a person at the console
    }
    fleet.advanceTo(START + 4 * HOUR);
    await expect(fleet.modifyVolume(toGp3, { dryRun: false })).rejects.toThrow(ModificationRateExceededError);
  });

  it('moves modifying → optimizing → completed and changes the type only on completion', async () => {
    const { fleet, id } = fleetWith();
    fleet.advanceTo(START + 600);
    const record = await fleet.modifyVolume(toGp3, { dryRun: false });
    expect(record).toMatchObject({ state: 'modifying', originalType: 'gp2', targetType: 'gp3', originalIops: 300, targetIops: 3000, targetThroughputMiBps: 125 });
    fleet.advanceTo(START + 630);
    expect((await fleet.describeModifications([id])).get(id)?.state).toBe('modifying');
    fleet.advanceTo(START + 700);
    expect((await fleet.describeModifications([id])).get(id)?.state).toBe('optimizing');
    expect(fleet.describeVolume(id).type).toBe('gp2');
    fleet.advanceTo(START + 600 + 660 + 1);
    expect((await fleet.describeModifications([id])).get(id)).toMatchObject({ state: 'completed', endEpochSeconds: START + 1260 });
    expect(fleet.describeVolume(id)).toMatchObject({ type: 'gp3', iops: 3000, throughputMiBps: 125 });
  });

  it('stops publishing BurstBalance once the volume is gp3 and serves up to its provisioned IOPS', async () => {
    const { fleet, id } = fleetWith({ metricDelaySeconds: 0 }, 'constant:2500');
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.advanceTo(START + 2 * HOUR);
    const series = fleet.metricSeries(id, START + HOUR);
    expect(series.burstBalancePercent).toEqual([]);
    expect(series.readOps.length).toBe(60);
    for (const [i, p] of series.readOps.entries()) expect(p.value + (series.writeOps[i]?.value ?? 0)).toBeCloseTo(2500 * 60, 6);
  });

  it('never serves below the source while optimizing, and ramps towards the target', async () => {
    // gp2 with an empty bucket serves 300 IOPS; the gp3 target serves 3,000.
    const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 1, modifyingSeconds: 60, optimizingSeconds: 1200, metricDelaySeconds: 0 });
    const id = fleet.addVolume({ volumeId: 'vol-0abc', type: 'gp2', sizeGiB: 100, workload: scenarioWorkload('constant:5000'), initialBalancePercent: 0 });
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.advanceTo(START + 1260 + 120);
    const ops = fleet.metricSeries(id, START).readOps.map((p, i) => (p.value + (fleet.metricSeries(id, START).writeOps[i]?.value ?? 0)) / 60);
    expect(ops[0]).toBeCloseTo(300, 6);
    for (let i = 1; i < ops.length; i += 1) expect(ops[i] ?? 0).toBeGreaterThanOrEqual((ops[i - 1] ?? 0) - 1e-6);
    expect(ops[10] ?? 0).toBeGreaterThan(300);
    expect(ops[10] ?? 0).toBeLessThan(3000);
    expect(ops.at(-1)).toBeCloseTo(3000, 6);
  });

  it('returns to gp2 with the configured starting balance (the round-trip question)', async () => {
    const { fleet, id } = fleetWith({ returnBalancePercent: 40, metricDelaySeconds: 0 }, 'constant:0');
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.advanceTo(START + 7 * HOUR);
    await fleet.modifyVolume(toGp2, { dryRun: false });
    fleet.advanceTo(START + 7 * HOUR + 660);
    expect(fleet.describeVolume(id).type).toBe('gp2');
    expect(fleet.volume(id).balancePercent()).toBeCloseTo(40, 9);
  });

  it('starts an empty bucket after a round trip by default', async () => {
    const { fleet, id } = fleetWith({}, 'constant:0');
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.advanceTo(START + HOUR);
    await fleet.modifyVolume(toGp2, { dryRun: false });
    fleet.advanceTo(START + HOUR + 660);
    expect(fleet.volume(id).balancePercent()).toBe(0);
  });

  it('throws ModificationInProgressError while a modification is modifying or optimizing', async () => {
    const { fleet } = fleetWith();
    await fleet.modifyVolume(toGp3, { dryRun: false });
    await expect(fleet.modifyVolume(toGp2, { dryRun: false })).rejects.toThrow(ModificationInProgressError);
    fleet.advanceTo(START + 300);
    await expect(fleet.modifyVolume(toGp2, { dryRun: true })).rejects.toThrow(ModificationInProgressError);
  });

  it('throws ModificationRateExceededError for a fifth modification in 24 h, saying when the next is allowed', async () => {
    const { fleet } = fleetWith();
    const targets = [toGp3, toGp2, toGp3, toGp2];
    for (const [i, target] of targets.entries()) {
      fleet.advanceTo(START + i * HOUR);
      await fleet.modifyVolume(target, { dryRun: false });
    }
    fleet.advanceTo(START + 5 * HOUR);
    const attempt = fleet.modifyVolume(toGp3, { dryRun: false });
    await expect(attempt).rejects.toThrow(ModificationRateExceededError);
    await attempt.catch((error: unknown) => expect((error as ModificationRateExceededError).nextAllowedEpochSeconds).toBe(START + 24 * HOUR));
    fleet.advanceTo(START + 24 * HOUR + 1);
    await expect(fleet.modifyVolume(toGp3, { dryRun: false })).resolves.toMatchObject({ state: 'modifying' });
  });

  it('enforces six hours between modifications under the six-hour rule', async () => {
    const { fleet } = fleetWith({ modificationRule: 'six-hour-cooldown' });
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.advanceTo(START + 5 * HOUR);
    await expect(fleet.modifyVolume(toGp2, { dryRun: false })).rejects.toThrow(ModificationRateExceededError);
    fleet.advanceTo(START + 6 * HOUR);
    await expect(fleet.modifyVolume(toGp2, { dryRun: false })).resolves.toMatchObject({ targetType: 'gp2' });
  });

  it('fails a modification when asked to and allows an immediate retry', async () => {
    const { fleet, id } = fleetWith({ failureProbability: 1, modificationRule: 'six-hour-cooldown' });
    await fleet.modifyVolume(toGp3, { dryRun: false });
    fleet.advanceTo(START + 120);
    expect((await fleet.describeModifications([id])).get(id)).toMatchObject({ state: 'failed', statusMessage: expect.stringContaining('failed') });
    expect(fleet.describeVolume(id).type).toBe('gp2');
    await expect(fleet.modifyVolume(toGp3, { dryRun: false })).resolves.toMatchObject({ state: 'modifying' });
  });

  it('fails about the requested share of modifications, reproducibly per seed', async () => {
    const outcomes = async (seed: number): Promise<string[]> => {
      const fleet = new SimulatedFleet({ startEpochSeconds: START, seed, failureProbability: 0.3, modifyingSeconds: 60, optimizingSeconds: 60 });
      const states: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        const id = fleet.addVolume({ volumeId: `vol-${i}`, type: 'gp2', sizeGiB: 50, workload: scenarioWorkload('constant:0') });
        await fleet.modifyVolume({ volumeId: id, targetType: 'gp3', iops: 3000, throughputMiBps: 125 }, { dryRun: false });
      }
      fleet.advanceTo(START + 600);
      const latest = await fleet.describeModifications(Array.from({ length: 40 }, (_, i) => `vol-${i}`));
      for (const m of latest.values()) states.push(m.state);
      return states;
    };
    const a = await outcomes(5);
    expect(await outcomes(5)).toEqual(a);
    const failed = a.filter((s) => s === 'failed').length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(25);
  });

  it('rejects a request that changes nothing with InvalidModificationError', async () => {
    const { fleet } = fleetWith();
    await expect(fleet.modifyVolume(toGp2, { dryRun: false })).rejects.toThrow(InvalidModificationError);
  });

  it('changes nothing on a dry run', async () => {
    const { fleet, id } = fleetWith();
    await expect(fleet.modifyVolume(toGp3, { dryRun: true })).resolves.toBeUndefined();
    expect((await fleet.describeModifications([id])).size).toBe(0);
  });

  it('lists volumes by type, tag and id, and aggregates metrics to the requested period', async () => {
    const { fleet, id } = fleetWith({ metricDelaySeconds: 0 }, 'constant:600');
    expect(await fleet.listVolumes({ volumeTypes: ['gp2'], tags: { team: ['ci'] } })).toHaveLength(1);
    expect(await fleet.listVolumes({ tags: { team: [] } })).toHaveLength(1);
    expect(await fleet.listVolumes({ tags: { team: ['web'] } })).toHaveLength(0);
    expect(await fleet.listVolumes({ volumeIds: ['vol-other'] })).toHaveLength(0);
    fleet.advanceTo(START + HOUR);
    const result = await fleet.readMetrics({ volumes: [{ volumeId: id, type: 'gp2' }, { volumeId: 'vol-missing', type: 'gp2' }], startEpochSeconds: START, endEpochSeconds: START + HOUR, periodSeconds: 300 });
    const series = result.series.get(id);
    expect(series?.periodSeconds).toBe(300);
    expect(series?.readOps).toHaveLength(12);
    expect(series?.readOps[0]?.value).toBeCloseTo(300 * 300, 6);
    expect(result.errors.get('vol-missing')).toBeInstanceOf(VolumeNotFoundError);
  });
});

describe('modification rules', () => {
  it.each([
    [{ targetType: 'gp3', iops: 2000, throughputMiBps: 125 }, 100],
    [{ targetType: 'gp3', iops: 60_000, throughputMiBps: 125 }, 100],
    [{ targetType: 'gp3', iops: 3000, throughputMiBps: 1000 }, 100],
    [{ targetType: 'io1', iops: 1001 }, 20],
    [{ targetType: 'io1' }, 20],
    [{ targetType: 'io2', iops: 30_000 }, 20],
    [{ targetType: 'gp2', iops: 3000 }, 100],
    [{ targetType: 'st1' }, 100],
    [{ targetType: 'io1', iops: 1000, throughputMiBps: 200 }, 100],
  ] as const)('rejects %o on %i GiB with InvalidModificationError', (request, sizeGiB) => {
    expect(() => validateModificationRequest({ volumeId: 'vol-1', ...request }, sizeGiB)).toThrow(InvalidModificationError);
  });

  it.each([
    [{ targetType: 'gp3', iops: 3000, throughputMiBps: 125 }, 1],
    [{ targetType: 'gp3', iops: 16_000, throughputMiBps: 1000 }, 100],
    [{ targetType: 'io1', iops: 1000 }, 20],
    [{ targetType: 'io2', iops: 20_000 }, 20],
    [{ targetType: 'gp2' }, 100],
  ] as const)('accepts %o on %i GiB', (request, sizeGiB) => {
    expect(() => validateModificationRequest({ volumeId: 'vol-1', ...request }, sizeGiB)).not.toThrow();
  });

  it('never lets more than 4 counted modifications start in any rolling 24 h', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 * 86_400 }), { maxLength: 40 }), (attempts) => {
        const history: VolumeModification[] = [];
        for (const t of [...attempts].sort((a, b) => a - b)) {
          try {
            checkModificationAllowed(history, 'four-per-24h', t);
            history.push({ volumeId: 'v', state: 'completed', startEpochSeconds: t, originalType: 'gp2', targetType: 'gp3', originalSizeGiB: 1, targetSizeGiB: 1 });
          } catch (error) {
            expect(error).toBeInstanceOf(ModificationRateExceededError);
          }
        }
        for (const m of history) {
          expect(history.filter((o) => o.startEpochSeconds > m.startEpochSeconds - 86_400 && o.startEpochSeconds <= m.startEpochSeconds).length).toBeLessThanOrEqual(4);
        }
      }),
    );
  });
});
