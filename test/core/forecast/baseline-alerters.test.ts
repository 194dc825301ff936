import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictLinearFires, staticAlarmFires } from '../../../lambda/core/forecast/baseline-alerters';
import type { MetricPoint } from '../../../lambda/core/types';

const NOW = 1_800_000_000;
/** One point a minute for `minutes` minutes ending 3 min before now, value from minutes-before-now. */
function line(minutes: number, value: (minutesAgo: number) => number): MetricPoint[] {
  return Array.from({ length: minutes }, (_, i) => {
    const minutesAgo = minutes - i + 2;
    return { tEpochSeconds: NOW - minutesAgo * 60, value: value(minutesAgo) };
  });
}

describe('staticAlarmFires (BurstBalance < 20 %)', () => {
  it.each([
    ['latest point below 20', line(10, (ago) => 15 + ago), true],
    ['latest point at exactly 20', line(10, () => 20), false],
    ['earlier points low but the latest high', line(10, (ago) => (ago > 4 ? 5 : 50)), false],
    ['no points', [], false],
    ['only NaN', line(10, () => Number.NaN), false],
    ['latest low point older than 15 min', line(10, () => 5).map((p) => ({ ...p, tEpochSeconds: p.tEpochSeconds - 3600 })), false],
  ])('%s → %s', (_name, points, fires) => {
    expect(staticAlarmFires({ burstBalancePercent: points }, NOW)).toBe(fires);
  });
});

describe('predictLinearFires (least squares over 60 min, value H ahead < 0)', () => {
  const H = 1800;
  it.each([
    // 1 %/min fall: at now the line is at 40 − 3 = 37 → 37 − 30 = 7 after 30 min: no alert.
    ['a fall that stays above 0 at H', line(60, (ago) => 40 - 3 + ago), false],
    // 2 %/min fall from 50: at now ≈ 50 − 6 = 44, 44 − 60 < 0: alert.
    ['a fall that crosses 0 within H', line(60, (ago) => 50 - 2 * 3 + 2 * ago), true],
    ['a flat line', line(60, () => 10), false],
    ['a rising line', line(60, (ago) => 50 - ago / 2), false],
    ['a single point', line(1, () => 1), false],
  ])('%s → %s', (_name, points, fires) => {
    expect(predictLinearFires({ burstBalancePercent: points }, NOW, H)).toBe(fires);
  });

  it('ignores points older than its 60-minute range', () => {
    const old = line(60, () => 100).map((p) => ({ ...p, tEpochSeconds: p.tEpochSeconds - 3600 }));
    const recent = line(30, () => 50);
    expect(predictLinearFires({ burstBalancePercent: [...old, ...recent] }, NOW, H)).toBe(false);
  });

  it('agrees with the exact extrapolation of a noiseless line', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.integer({ min: 60, max: 7200 }), (valueNow, slopePerSecond, horizon) => {
        const points = line(60, (ago) => valueNow - slopePerSecond * ago * 60);
        const predicted = valueNow + slopePerSecond * horizon;
        // Away from the threshold the answer is exact; at it, rounding may go either way.
        fc.pre(Math.abs(predicted) > 1e-6);
        expect(predictLinearFires({ burstBalancePercent: points }, NOW, horizon)).toBe(predicted < 0);
      }),
    );
  });
});
