/**
 * The decision engine (DESIGN.md §5): per volume, under the policy, the modification ledger,
 * prices and budgets, what to do and why. Pure: time, data and budget state are arguments.
 *
 * Order of judgement per volume: selection (never touch what the policy does not select) →
 * override → rescue or revert under the ledger → alerting. Then budgets across the whole list:
 * rescues by urgency (soonest wall first), then reverts, each counted against the per-run maximum;
 * rescues also against the flipped-at-once maximum and the monthly $ ceiling.
 */
import { matchOverride, selectVolume } from './selection';
import type { BudgetState, DecideInput, Decision, VolumeContext } from './types';
import { activeRescue, decideVolume } from './volume';
import type { Policy } from '../policy/schema';

export type { AlertSeverity, BlockReason, BudgetState, DecideInput, Decision, DecisionKind, ModificationTarget, SkipReason } from './types';
export { activeRescue } from './volume';
export { selectVolume, matchOverride, tagsMatch } from './selection';
export { intentRecordFor, isActing, modificationIdFor, modificationRequestFor, type ActingDecision } from './actions';

/** Decides for every volume; the result has one decision per input volume, in input order. */
export function decide(input: DecideInput): Decision[] {
  return applyBudgets(decideEach(input), input.policy, input.budget);
}

/**
 * Each volume's decision before the run's budgets: a scan that reads its fleet in chunks decides
 * each chunk with this, then applies the budgets once to the rescues and reverts of all chunks, so
 * the most urgent rescue of the whole fleet still goes first.
 */
export function decideEach(input: Omit<DecideInput, 'budget'>): Decision[] {
  const region = input.region ?? input.policy.region ?? 'us-east-1';
  return input.volumes.map((volume): Decision => {
    const records = input.ledger.get(volume.volumeId) ?? [];
    const rescue = activeRescue({ volume, records });
    const selection = selectVolume(input.policy, volume, rescue?.from.type ?? volume.type);
    if (!selection.selected) return { volumeId: volume.volumeId, reasons: [selection.reason], kind: 'skip', skip: 'not-selected' };
    const ctx: VolumeContext = {
      volume,
      policy: input.policy,
      override: matchOverride(input.policy, volume),
      region,
      ...(input.prices === undefined ? {} : { prices: input.prices }),
      now: input.now,
      forecast: input.forecasts.get(volume.volumeId),
      metrics: input.metrics.get(volume.volumeId),
      records,
      latest: input.awsModifications.get(volume.volumeId),
      ...(volume.instanceId === undefined || input.instanceBalances?.get(volume.instanceId) === undefined ? {} : { instanceBalance: input.instanceBalances.get(volume.instanceId) }),
      ...(volume.instanceId === undefined || input.instanceForecasts?.get(volume.instanceId) === undefined ? {} : { instanceForecast: input.instanceForecasts.get(volume.instanceId) }),
    };
    return decideVolume(ctx);
  });
}

/** Cost a rescue commits to before it may be reverted: its hourly delta over the minimum hold (at least 1 h), USD. */
export function committedRescueCostUSD(hourlyDeltaUSD: number, policy: Policy): number {
  return Math.max(0, hourlyDeltaUSD) * Math.max(1, policy.revert.minimumHoldMinutes / 60);
}

/** Turns rescues and reverts beyond a budget into `blocked` decisions, most urgent rescues first. */
export function applyBudgets(decisions: readonly Decision[], policy: Policy, budget: BudgetState): Decision[] {
  const b = policy.budgets;
  let modifications = budget.modificationsThisRun;
  let flipped = budget.volumesFlipped;
  let spendUSD = budget.monthToDateSpendUSD;
  const order = decisions
    .map((d, index) => ({ d, index }))
    .filter(({ d }) => d.kind === 'rescue' || d.kind === 'revert')
    .sort((x, y) => rank(x.d) - rank(y.d) || x.index - y.index);
  const out = [...decisions];
  for (const { d, index } of order) {
    if (d.kind !== 'rescue' && d.kind !== 'revert') continue;
    const blocked = (block: 'budget-per-run' | 'budget-flipped' | 'budget-monthly', why: string): Decision => ({
      volumeId: d.volumeId,
      reasons: [...d.reasons, why],
      ...(d.override === undefined ? {} : { override: d.override }),
      kind: 'blocked',
      wanted: d.kind,
      block,
      ...(d.kind === 'rescue' ? { severity: 'critical' as const } : {}),
    });
    if (modifications >= b.maxModificationsPerRun) {
      out[index] = blocked('budget-per-run', `budget: ${b.maxModificationsPerRun} modifications per run already used`);
      continue;
    }
    if (d.kind === 'rescue') {
      const committed = committedRescueCostUSD(d.cost.hourlyUSD, policy);
      if (flipped >= b.maxVolumesFlipped) {
        out[index] = blocked('budget-flipped', `budget: ${b.maxVolumesFlipped} volumes already flipped`);
        continue;
      }
      if (spendUSD + committed > b.monthlyCeilingUSD) {
        out[index] = blocked('budget-monthly', `budget: $${spendUSD.toFixed(2)} spent this month + $${committed.toFixed(2)} for this rescue exceeds the $${b.monthlyCeilingUSD} ceiling`);
        continue;
      }
      flipped += 1;
      spendUSD += committed;
    }
    modifications += 1;
  }
  return out;
}

/**
 * The budget a run has used once `applyBudgets` has judged its volumes: `budget` plus every rescue
 * and revert left standing (each one modification, as `applyBudgets` counts them, dry run or not)
 * and each rescue's committed cost. The RDS pass goes on from here (scan/rds-budget.ts), so
 * `maxModificationsPerRun` and `monthlyCeilingUSD` are one budget for volumes and DB instances.
 */
export function budgetUsed(decisions: readonly Decision[], policy: Policy, budget: BudgetState): BudgetState {
  let modifications = budget.modificationsThisRun;
  let flipped = budget.volumesFlipped;
  let spendUSD = budget.monthToDateSpendUSD;
  for (const d of decisions) {
    if (d.kind !== 'rescue' && d.kind !== 'revert') continue;
    modifications += 1;
    if (d.kind === 'rescue') {
      flipped += 1;
      spendUSD += committedRescueCostUSD(d.cost.hourlyUSD, policy);
    }
  }
  return { modificationsThisRun: modifications, volumesFlipped: flipped, monthToDateSpendUSD: spendUSD };
}

/** Rescues first, soonest wall first; reverts after. */
function rank(d: Decision): number {
  if (d.kind === 'rescue') return d.urgencySeconds;
  return Number.MAX_SAFE_INTEGER;
}
