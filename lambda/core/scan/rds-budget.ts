/**
 * The run's budgets for the RDS pass (issue 15 part 2): `budgets.maxModificationsPerRun` and
 * `budgets.monthlyCeilingUSD` are ONE budget for volumes and DB instances. The RDS pass runs after
 * the volumes' and starts from what they used (`ScanReport.budgetUsed`: modifications, month-to-date
 * spend and the cost their rescues commit to), adds the month-to-date cost of the DB instances the
 * guardian moved earlier, and judges each storage change against what is left, most urgent first.
 * `budgets.maxVolumesFlipped` stays volumes-only: a DB instance is never moved back, so it is not
 * "flipped" and holds no revert budget.
 */
import { monthStartEpochSeconds } from '../report/calendar';
import type { Policy } from '../policy/schema';
import type { ModificationRecord } from '../ports';
import type { RdsDecision } from '../decision/rds-decide';
import type { BudgetState } from '../decision/types';
import { monthToDateSpendUSD } from './support';

/** Hours in the month the guardian's records use for an hourly delta (monthly ÷ 730, as actRescue records it). */
const HOURS_PER_MONTH = 730;

/** What is left of the run's budget while the RDS pass judges its rescues. */
export interface RdsBudget {
  modificationsThisRun: number;
  spendUSD: number;
}

/**
 * The budget the RDS pass starts from: the volumes' use this run, plus the extra cost this UTC month
 * of the DB instances' storage changes already made (never reverted, so each costs until now).
 */
export function startRdsBudget(volumes: BudgetState | undefined, rdsRecords: readonly ModificationRecord[], now: number): RdsBudget {
  return {
    modificationsThisRun: volumes?.modificationsThisRun ?? 0,
    spendUSD: (volumes?.monthToDateSpendUSD ?? 0) + monthToDateSpendUSD(rdsRecords, now),
  };
}

/**
 * What an RDS storage change commits this month, USD: its cost delta from now to the end of the UTC
 * month (the guardian never moves it back; next month's cost is next month's budget). A change that
 * saves money commits nothing (never a credit against the ceiling, as for volumes).
 */
export function committedRdsCostUSD(monthlyCostDeltaUSD: number, now: number): number {
  const date = new Date(now * 1000);
  const secondsLeft = monthStartEpochSeconds(date.getUTCFullYear(), date.getUTCMonth() + 2) - now;
  return (Math.max(0, monthlyCostDeltaUSD) / HOURS_PER_MONTH) * (secondsLeft / 3_600);
}

/**
 * Judges one RDS rescue against what is left of the run's budget (dry run or not, as the volumes'
 * budgets count): within it, the rescue stands and `budget` is charged; beyond it, the decision
 * becomes a critical alert that says which budget stopped it (the pass tries again next scan).
 */
export function applyRdsBudget(d: RdsDecision, policy: Policy, budget: RdsBudget, now: number): RdsDecision {
  if (d.kind !== 'rescue') return d;
  const b = policy.budgets;
  const deferred = (why: string): RdsDecision => ({ identifier: d.identifier, kind: 'alert', severity: 'critical', forecast: d.forecast, reasons: [...d.reasons, `rescue deferred: ${why}`] });
  if (budget.modificationsThisRun >= b.maxModificationsPerRun) {
    return deferred(`budgets.maxModificationsPerRun (${b.maxModificationsPerRun}) reached this run, volumes and DB instances together`);
  }
  const committed = committedRdsCostUSD(d.monthlyCostDeltaUSD, now);
  if (budget.spendUSD + committed > b.monthlyCeilingUSD) {
    return deferred(`budgets.monthlyCeilingUSD: $${budget.spendUSD.toFixed(2)} spent or committed this month + $${committed.toFixed(2)} for this storage change exceeds the $${b.monthlyCeilingUSD} ceiling`);
  }
  budget.modificationsThisRun += 1;
  budget.spendUSD += committed;
  return d;
}
