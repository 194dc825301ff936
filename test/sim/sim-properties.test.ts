import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSimulation, SCENARIOS, scenarioWorkload } from '../../lambda/sim/index';

const START = 1_767_571_200;

describe('simulated volume invariants', () => {
  const caseArb = fc.record({
    scenario: fc.constantFrom(...Object.keys(SCENARIOS).filter((s) => s !== 'constant'), 'constant:2500'),
    sizeGiB: fc.integer({ min: 1, max: 1500 }),
    initialBalancePercent: fc.integer({ min: 0, max: 100 }),
    seed: fc.integer({ min: 0, max: 10_000 }),
  });

  it('serves no more than demanded, keeps BurstBalance in [0, 100], and publishes exactly what it served', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ scenario, sizeGiB, initialBalancePercent, seed }) => {
        const durationSeconds = 4 * 3600;
        const result = await runSimulation({
          volume: { type: 'gp2', sizeGiB, initialBalancePercent }, workload: scenarioWorkload(scenario), startEpochSeconds: START + 17,
          durationSeconds, metricDelaySeconds: 0, seed, intervalSeconds: 900,
        });
        expect(result.servedOps).toBeLessThanOrEqual(result.demandOps * (1 + 1e-9) + 1e-6);
        for (const interval of result.intervals) {
          expect(interval.meanServedPerSecond).toBeLessThanOrEqual(3000 * (1 + 1e-9) + (sizeGiB >= 1000 ? 3 * sizeGiB : 0));
          if (interval.balancePercentAtEnd !== undefined) {
            expect(interval.balancePercentAtEnd).toBeGreaterThanOrEqual(0);
            expect(interval.balancePercentAtEnd).toBeLessThanOrEqual(100);
          }
        }
        const series = result.fleet.metricSeries(result.volumeId, START);
        const published = [...series.readOps, ...series.writeOps].reduce((sum, p) => sum + p.value, 0);
        // Every minute but the one still open at the end is published with zero delay.
        const lastMinuteStart = Math.floor((START + 17 + durationSeconds) / 60) * 60;
        expect(published).toBeLessThanOrEqual(result.servedOps * (1 + 1e-9) + 1e-6);
        expect(result.servedOps - published).toBeLessThanOrEqual(3000 * (START + 17 + durationSeconds - lastMinuteStart) + (sizeGiB >= 1000 ? 16_000 * 60 : 0) + 1e-6);
        if (sizeGiB >= 1000) expect(series.burstBalancePercent).toEqual([]);
        for (const p of series.burstBalancePercent) {
          expect(p.value).toBeGreaterThanOrEqual(-1e-9);
          expect(p.value).toBeLessThanOrEqual(100 + 1e-9);
        }
      }),
      { numRuns: 25 },
    );
  });
});
