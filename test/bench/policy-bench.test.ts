import { describe, expect, it } from 'vitest';
import { runSimulation, scenarioWorkload } from '../../lambda/sim/index';
import { formatPolicyTable, oracleCostUSD, summarize, type PolicyCaseResult } from './policy-bench';

describe('bench:policy', () => {
  it('bills the oracle gp3 at the demand only during the unaided throttled seconds (hand-computed)', async () => {
    // 100 GiB gp2 under 4,000 IOPS: throttled all 600 s (above the 3,000 burst). gp2 $10/month;
    // gp3 100 GiB at 4,000 IOPS / 125 MiB/s: $8 + 1,000 × $0.005 = $13/month (us-east-1 list prices).
    const unaided = await runSimulation({ volume: { type: 'gp2', sizeGiB: 100 }, workload: scenarioWorkload('constant:4000'), startEpochSeconds: 0, durationSeconds: 600, seed: 1 });
    expect(unaided.throttledSeconds).toBeCloseTo(600, 6);
    expect(oracleCostUSD(unaided, 'us-east-1')).toBeCloseTo((10 * 600 + 3 * 600) / (730 * 3600), 9);
  });

  it('sums cases into the removed percentage, cost gap and modifications per volume-day', () => {
    const base: PolicyCaseResult = { family: 'f', name: 'a', volumeDays: 2, throttledSeconds: 10, unaidedThrottledSeconds: 100, costUSD: 3, unaidedCostUSD: 2, oracleCostUSD: 2.5, modifications: 2, ledgerViolations: 0, scanErrors: 0, metricsRequested: 40 };
    const summary = summarize('f', [base, { ...base, name: 'b', throttledSeconds: 0, unaidedThrottledSeconds: 0, modifications: 0 }]);
    expect(summary).toMatchObject({ cases: 2, volumeDays: 4, throttlingRemovedPercent: 90, extraVsOracleUSD: 1, modificationsPerVolumeDay: 0.5, ledgerViolations: 0, metricsPerVolumeDay: 20 });
    expect(summarize('none', []).throttlingRemovedPercent).toBe(100);
    expect(formatPolicyTable([summary]).split('\n')[1]).toMatch(/^f +2 +100 +10 +90\.00 +6\.00 +5\.00 +4\.00 +1\.00 +2 +0\.500 +0 +0 +20\.0$/);
  });
});
