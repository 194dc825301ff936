import { describe, expect, it } from 'vitest';
import { decide } from '../../../lambda/core/decision/decide';
import { H, NOW, constantOps, draining, gp2, inputOf, openPolicy } from '../../fixtures/policies/decide-fixtures';

describe('decide: demand censored at the gp2 burst ceiling', () => {
  it.each([
    // served ops/s, expected gp3 IOPS (30 % headroom)
    [2_000, 3_000], // below the ceiling: 2,600 with headroom, floored at the 3,000 burst
    [2_800, 3_640], // 93 % of the ceiling: not censored
    [2_900, 7_800], // served at the ceiling: the true demand is unknown, size for 2 × 3,000 + headroom
    [3_000, 7_800],
  ])('sizes a rescue from %d served IOPS to %d provisioned IOPS', (served, iops) => {
    const metrics = new Map([['vol-a', constantOps('vol-a', served, NOW - H)]]);
    const [d] = decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], metrics, forecasts: new Map([['vol-a', draining(20 * 60, 15, served)]]) }));
    expect(d).toMatchObject({ kind: 'rescue', target: { type: 'gp3', iops } });
  });
});
