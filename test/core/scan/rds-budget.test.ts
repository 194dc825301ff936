import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetUsed, committedRescueCostUSD, type Decision } from '../../../lambda/core/decision/decide';
import type { RdsDecision } from '../../../lambda/core/decision/rds-decide';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import type { ModificationRecord } from '../../../lambda/core/ports';
import { applyRdsBudget, committedRdsCostUSD, startRdsBudget } from '../../../lambda/core/scan/rds-budget';
import { runScan } from '../../../lambda/core/scan/scan';
import { SimulatedFleet } from '../../../lambda/sim/fleet';
import { MemoryHistoryStore } from '../../../lambda/sim/memory-history-store';
import { scenarioWorkload } from '../../../lambda/sim/workloads';

/** 2026-11-16T00:00:00Z: 15 days (360 h) before the end of November. */
const NOW = Date.UTC(2026, 10, 16) / 1000;
const HOUR = 3_600;

const policyOf = (budgets: string) => parsePolicy(`version: 1\ndryRun: false\nrds:\n  enabled: true\n  rescue: true\nbudgets:\n${budgets}`, 'budgets.yaml');

function rescue(identifier: string, monthlyCostDeltaUSD: number): RdsDecision {
  return { identifier, kind: 'rescue', forecast: { kind: 'empty', balancePercent: 0 } as never, dryRun: false, monthlyCostDeltaUSD, urgencySeconds: 0, reasons: ['forecast: empty now'] };
}

function rdsRecord(identifier: string, requestedEpochSeconds: number, hourlyCostDeltaUSD: number, status: ModificationRecord['status'] = 'completed'): ModificationRecord {
  return {
    volumeId: `rds:${identifier}`, modificationId: `m-${requestedEpochSeconds}`, kind: 'rescue', source: 'guardian', requestedEpochSeconds, status,
    from: { type: 'gp2' }, to: { type: 'gp3' }, sizeGiB: 100, reason: 'forecast', dryRun: false, runId: 'run-0',
    hourlyCostDeltaUSD, monthlyCostDeltaUSD: hourlyCostDeltaUSD * 730, resource: { kind: 'rds', identifier, engine: 'postgres' },
  };
}

describe('RDS storage changes under the run budgets', () => {
  it('commits a storage change\'s cost delta until the end of the UTC month, and nothing for one that saves money', () => {
    // $7.30/month = $0.01/h; 360 h left in November = $3.60.
    expect(committedRdsCostUSD(7.3, NOW)).toBeCloseTo(3.6, 10);
    expect(committedRdsCostUSD(-7.3, NOW)).toBe(0);
    expect(committedRdsCostUSD(0, NOW)).toBe(0);
  });

  it('starts from the volumes\' use and adds this month\'s cost of DB instances moved earlier (never moved back)', () => {
    const records = [
      rdsRecord('orders-db', NOW - 240 * HOUR, 0.01), // 2026-11-06: 240 h this month = $2.40
      rdsRecord('billing-db', Date.UTC(2026, 9, 20) / 1000, 0.02), // 2026-10-20: from 2026-11-01, 360 h = $7.20
      rdsRecord('failed-db', NOW - 100 * HOUR, 0.05, 'failed'), // never applied: nothing
    ];
    const budget = startRdsBudget({ modificationsThisRun: 3, volumesFlipped: 2, monthToDateSpendUSD: 10 }, records, NOW);
    expect(budget.modificationsThisRun).toBe(3);
    expect(budget.spendUSD).toBeCloseTo(10 + 2.4 + 7.2, 10);
  });

  it('defers a DB rescue once the volumes used maxModificationsPerRun, and lets one through when one is left', () => {
    const policy = policyOf('  maxModificationsPerRun: 5\n');
    const full = applyRdsBudget(rescue('orders-db', 0), policy, { modificationsThisRun: 5, spendUSD: 0 }, NOW);
    expect(full).toMatchObject({ kind: 'alert', severity: 'critical' });
    expect(full.reasons.at(-1)).toBe('rescue deferred: budgets.maxModificationsPerRun (5) reached this run, volumes and DB instances together');
    const budget = { modificationsThisRun: 4, spendUSD: 0 };
    expect(applyRdsBudget(rescue('orders-db', 0), policy, budget, NOW).kind).toBe('rescue');
    expect(budget.modificationsThisRun).toBe(5);
    expect(applyRdsBudget(rescue('analytics-db', 0), policy, budget, NOW).kind).toBe('alert');
  });

  it('defers a DB rescue whose cost to the month end would pass monthlyCeilingUSD with the volumes\' spend (hand-computed)', () => {
    // Spent or committed so far $10.00; this change commits $3.60 (above): $13.60.
    const tight = applyRdsBudget(rescue('orders-db', 7.3), policyOf('  monthlyCeilingUSD: 13\n'), { modificationsThisRun: 0, spendUSD: 10 }, NOW);
    expect(tight.kind).toBe('alert');
    expect(tight.reasons.at(-1)).toBe('rescue deferred: budgets.monthlyCeilingUSD: $10.00 spent or committed this month + $3.60 for this storage change exceeds the $13 ceiling');
    const budget = { modificationsThisRun: 0, spendUSD: 10 };
    expect(applyRdsBudget(rescue('orders-db', 7.3), policyOf('  monthlyCeilingUSD: 14\n'), budget, NOW).kind).toBe('rescue');
    expect(budget.spendUSD).toBeCloseTo(13.6, 10);
    expect(budget.modificationsThisRun).toBe(1);
  });

  it('counts a volume pass\'s rescues and reverts, and the cost its rescues commit, as applyBudgets does', () => {
    const policy = policyOf('  maxModificationsPerRun: 5\n');
    // minimumHoldMinutes defaults to 60 or more: a rescue commits its hourly delta × max(1, hold in h).
    const holdHours = Math.max(1, policy.revert.minimumHoldMinutes / 60);
    const decisions = [
      { volumeId: 'vol-1', kind: 'rescue', cost: { hourlyUSD: 0.5 } },
      { volumeId: 'vol-2', kind: 'revert' },
      { volumeId: 'vol-3', kind: 'blocked' },
      { volumeId: 'vol-4', kind: 'rescue', cost: { hourlyUSD: -1 } },
    ] as unknown as Decision[];
    expect(budgetUsed(decisions, policy, { modificationsThisRun: 0, volumesFlipped: 1, monthToDateSpendUSD: 2 })).toEqual({
      modificationsThisRun: 3, volumesFlipped: 3, monthToDateSpendUSD: 2 + 0.5 * holdHours,
    });
  });
});

describe('the volumes\' pass and the RDS pass share one monthly budget without counting a DB instance twice', () => {
  const START = 1_767_571_200; // 2026-01-05T00:00:00Z
  const AT = START + 4.5 * HOUR; // a 100 GiB gp2 volume at 600 IOPS empties at +5 h: rescued now
  const live = parsePolicy(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'policies', 'rescue-live.yaml'), 'utf8').replace('    type: gp3', '    type: io1'), 'rescue-live-io1.yaml');
  const withCeiling = (monthlyCeilingUSD: number) => ({ ...live, budgets: { ...live.budgets, monthlyCeilingUSD } });

  async function scanWith(monthlyCeilingUSD: number) {
    const fleet = new SimulatedFleet({ startEpochSeconds: START, seed: 11 });
    const volumeId = fleet.addVolume({ type: 'gp2', sizeGiB: 100, workload: scenarioWorkload('constant:600'), tags: {}, instanceId: 'i-0123456789abcdef0' });
    fleet.advanceTo(AT);
    const history = new MemoryHistoryStore();
    // A DB instance moved at the start of the run's day at $0.73/month more ($0.001/h): 4.5 h this month = $0.0045.
    await history.putIntent(rdsRecord('orders-db', START, 0.001));
    const notifier = { notify: async () => undefined };
    const report = await runScan({ inventory: fleet, metrics: fleet, modifier: fleet, notifier, history, policy: withCeiling(monthlyCeilingUSD), runId: 'run' }, AT);
    return { report, decision: report.results.find((r) => r.volume.volumeId === volumeId)?.decision };
  }

  it('judges the volumes with the DB instances\' spend this month, and hands on the volumes\' spend alone', async () => {
    const { report, decision } = await scanWith(10_000);
    expect(decision?.kind).toBe('rescue');
    const committed = decision?.kind === 'rescue' ? committedRescueCostUSD(decision.cost.hourlyUSD, live) : Number.NaN;
    expect(committed).toBeGreaterThan(0);
    // No DB instance's spend in what the RDS pass starts from: it adds the DB instances' own (startRdsBudget).
    expect(report.budgetUsed?.monthToDateSpendUSD).toBeCloseTo(committed, 10);
    // A ceiling the rescue fits under alone but not with the DB instance's $0.0045: blocked.
    const { decision: blocked } = await scanWith(committed + 0.0045 / 2);
    expect(blocked).toMatchObject({ kind: 'blocked', block: 'budget-monthly' });
    expect(blocked?.reasons.at(-1)).toMatch(/^budget: \$0\.00 spent this month \+ \$[\d.]+ for this rescue exceeds the \$[\d.]+ ceiling$/);
  });
});
