import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import { firstRoundPlan, isFullAndFlat, secondRoundFields } from '../../../lambda/core/scan/read-plan';
import type { MetricPoint, VolumeDescription } from '../../../lambda/core/types';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const policy = parsePolicy(readFileSync(join(ROOT, 'test/fixtures/policies/rescue-live.yaml'), 'utf8'), 'rescue-live.yaml');
const probePolicy = { ...policy, rescue: { ...policy.rescue, trigger: { ...policy.rescue.trigger, containerStart: { p90AboveMs: 10_000, balanceBelowPercent: 50 } } } };
const NOW = 1_767_571_200;

function volume(type: VolumeDescription['type'], sizeGiB = 100): VolumeDescription {
  return { volumeId: 'vol-0a', type, sizeGiB, state: 'in-use', instanceId: 'i-0a', tags: {} };
}

/** One point a minute for the last `minutes`, oldest first. */
function balance(values: (minute: number) => number, minutes = 60): MetricPoint[] {
  return Array.from({ length: minutes }, (_, i) => ({ tEpochSeconds: NOW - (minutes - i) * 60 - 120, value: values(i) }));
}

describe('the first round of the read plan', () => {
  it.each([
    ['a selected gp2 volume reads BurstBalance first', volume('gp2'), { selected: true, rescueImmediately: false }, 'balance-first'],
    ['an unselected gp2 volume reads nothing', volume('gp2'), { selected: false, rescueImmediately: false }, 'none'],
    ['a gp3 volume the guardian never flipped reads nothing', volume('gp3'), { selected: true, rescueImmediately: false }, 'none'],
    ['a gp2 volume of 1,000 GiB never spends credits and reads nothing', volume('gp2', 1000), { selected: true, rescueImmediately: false }, 'none'],
    ['a flipped gp3 volume reads its I/O for the revert replay', volume('gp3'), { selected: true, rescuedFrom: 'gp2' as const, rescueImmediately: false }, 'fields'],
    ['a volume an override rescues at once reads its demand for sizing', volume('gp2'), { selected: true, rescueImmediately: true }, 'fields'],
  ])('%s', (_name, v, ctx, kind) => {
    expect(firstRoundPlan(v, ctx).kind).toBe(kind);
  });

  it('reads bytes as well for a flipped volume that was st1', () => {
    expect(firstRoundPlan(volume('io1'), { selected: true, rescuedFrom: 'st1', rescueImmediately: false })).toEqual({ kind: 'fields', flipped: true, fields: ['readOps', 'writeOps', 'readBytes', 'writeBytes'] });
  });
});

describe('the second round of the read plan', () => {
  it.each([
    ['a full, flat bucket needs BurstBalance alone', volume('gp2'), balance(() => 100), policy, []],
    ['no BurstBalance (detached) reads nothing more', volume('gp2'), [], policy, []],
    ['a draining bucket reads its I/O', volume('gp2'), balance((m) => 90 - m * 0.5), policy, ['readOps', 'writeOps']],
    ['a bucket that dipped in the last 30 min reads its I/O', volume('gp2'), balance((m) => (m === 50 ? 98 : 100)), policy, ['readOps', 'writeOps']],
    ['a nearly empty gp2 bucket reads VolumeIOPSExceededCheck too', volume('gp2'), balance((m) => Math.max(0, 30 - m)), policy, ['readOps', 'writeOps', 'iopsExceededCheck']],
    ['an st1 bucket reads bytes', volume('st1', 500), balance((m) => 90 - m * 0.5), policy, ['readOps', 'writeOps', 'readBytes', 'writeBytes']],
    ['the probe metric only when the policy uses it and the balance is under its bound', volume('gp2'), balance(() => 40), probePolicy, ['readOps', 'writeOps', 'containerStartP90Ms']],
    ['no probe metric above the probe trigger\'s balance bound', volume('gp2'), balance(() => 60), probePolicy, ['readOps', 'writeOps']],
  ])('%s', (_name, v, points, p, fields) => {
    expect(secondRoundFields(v, points, { now: NOW, policy: p, probeNamespace: 'BurstGuardian/Probe' })).toEqual(fields);
  });

  it('never skips the I/O of a bucket below full in its last 30 minutes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 60 }), (values) => {
        const points = balance((m) => values[m] ?? 100, values.length);
        const recentLow = points.some((p) => p.tEpochSeconds >= NOW - 1800 && p.value < 99.5);
        const fields = secondRoundFields(volume('gp2'), points, { now: NOW, policy });
        return !recentLow || fields.includes('readOps');
      }),
    );
  });

  it('calls a bucket full and flat only on recent points', () => {
    expect(isFullAndFlat(balance(() => 100), NOW)).toBe(true);
    expect(isFullAndFlat([{ tEpochSeconds: NOW - 7200, value: 100 }], NOW)).toBe(false);
  });
});
