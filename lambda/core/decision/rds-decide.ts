/**
 * The decision for one RDS DB instance (issue 15 part 2), under the policy's `rds` section: selected
 * by the opt-in tag like volumes, alerted on with the volumes' tiers and horizons, rescued to gp3
 * only when `rds.rescue` is true, and only when RDS's storage rules allow it (rds-ledger.ts).
 *
 * The guardian never moves an RDS instance back to gp2. gp3 RDS storage costs the same per GB-month
 * as gp2 in most regions and includes 3,000 IOPS (12,000 at 400 GiB and more for most engines)
 * instead of gp2's 3 IOPS/GiB, and a revert would be one more storage change under the same 6-hour
 * rule and storage optimization (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html).
 */
import type { Policy } from '../policy/schema';
import type { ModificationRecord } from '../ports';
import type { RdsInstance } from '../rds-ports';
import type { Forecast } from '../types';
import type { PriceBook } from './price-book';
import { checkRdsLedger, type RdsBlock } from './rds-ledger';
import { tagsMatch } from './selection';
import { alertLevel, rescueTrigger } from './triggers';
import type { AlertSeverity } from './types';

/** One DB instance's decision; expected outcomes are values with reasons a person reads. */
export type RdsDecision = { readonly identifier: string; readonly reasons: readonly string[] } & (
  | { readonly kind: 'skip'; readonly skip: 'not-selected' | 'not-gp2' | 'no-data' }
  | { readonly kind: 'ok'; readonly forecast?: Forecast }
  | { readonly kind: 'alert'; readonly severity: AlertSeverity; readonly forecast: Forecast }
  | { readonly kind: 'rescue'; readonly forecast: Forecast; readonly dryRun: boolean; readonly monthlyCostDeltaUSD: number; readonly urgencySeconds: number }
  | { readonly kind: 'blocked'; readonly severity: AlertSeverity; readonly forecast: Forecast; readonly block: RdsBlock; readonly nextAllowedEpochSeconds?: number }
);

/** What deciding one DB instance needs. */
export interface RdsDecideInput {
  readonly policy: Policy;
  readonly instance: RdsInstance;
  readonly forecast: Forecast;
  /** The guardian's records for this instance (`rdsResourceKey`). */
  readonly records: readonly ModificationRecord[];
  readonly prices: PriceBook;
  readonly now: number;
}

/** Whether the policy watches this DB instance, and why not when it does not. */
export function selectDbInstance(policy: Policy, instance: RdsInstance): { selected: true } | { selected: false; reason: string } {
  const rds = policy.rds;
  if (!rds.enabled) return { selected: false, reason: 'rds.enabled is false' };
  if (instance.clusterIdentifier !== undefined || instance.storageType.startsWith('aurora')) return { selected: false, reason: 'Aurora: cluster storage has no burst bucket' };
  if (rds.excludeIdentifiers.includes(instance.identifier)) return { selected: false, reason: 'excluded by identifier' };
  const optIn = policy.selection.optInTag;
  if (optIn !== null && !tagsMatch(instance.tags, { [optIn.key]: optIn.value === undefined ? [] : [optIn.value] })) {
    return { selected: false, reason: `no opt-in tag ${optIn.key}${optIn.value === undefined ? '' : `=${optIn.value}`}` };
  }
  if (!tagsMatch(instance.tags, rds.match.tags)) return { selected: false, reason: 'tags do not match rds.match.tags' };
  return { selected: true };
}

/** The guardian's applied rescue of this instance, if it made one. */
export function guardianRescueOf(records: readonly ModificationRecord[]): ModificationRecord | undefined {
  return records.filter((r) => r.kind === 'rescue' && !r.dryRun && ['modifying', 'optimizing', 'completed'].includes(r.status)).at(-1);
}

/** Monthly cost of moving `sizeGiB` of RDS storage from gp2 to gp3, USD (positive = costs more). */
export function rdsGp3CostDeltaUSD(prices: PriceBook, sizeGiB: number): number {
  return (prices.rdsStorage.gp3.perGBMonthUSD - prices.rdsStorage.gp2.perGBMonthUSD) * sizeGiB;
}

/** Decides for one selected-or-not DB instance. */
export function decideDbInstance(input: RdsDecideInput): RdsDecision {
  const { policy, instance, forecast, records, now } = input;
  const base = { identifier: instance.identifier };
  const selection = selectDbInstance(policy, instance);
  if (!selection.selected) return { ...base, kind: 'skip', skip: 'not-selected', reasons: [selection.reason] };
  if (instance.storageType !== 'gp2') {
    const rescue = guardianRescueOf(records);
    if (rescue !== undefined) return { ...base, kind: 'ok', reasons: [`on ${instance.storageType} since the guardian's rescue; RDS storage is never moved back to gp2 (same price, more IOPS)`] };
    return { ...base, kind: 'skip', skip: 'not-gp2', reasons: [`${instance.storageType} storage has no burst bucket`] };
  }
  if (forecast.kind === 'insufficient-data' || forecast.kind === 'not-burstable') return { ...base, kind: 'skip', skip: 'no-data', reasons: [forecast.reason] };
  const level = alertLevel({ policy }, forecast);
  const trigger = policy.rds.rescue ? rescueTrigger({ policy, forecast, override: undefined, metrics: undefined, now }) : undefined;
  if (trigger !== undefined) {
    const verdict = checkRdsLedger(instance, records, now);
    if (verdict.kind === 'blocked') {
      return { ...base, kind: 'blocked', severity: 'critical', forecast, block: verdict.block, reasons: [trigger.reason, verdict.reason], ...(verdict.nextAllowedEpochSeconds === undefined ? {} : { nextAllowedEpochSeconds: verdict.nextAllowedEpochSeconds }) };
    }
    return { ...base, kind: 'rescue', forecast, dryRun: policy.dryRun, monthlyCostDeltaUSD: rdsGp3CostDeltaUSD(input.prices, instance.allocatedStorageGiB), urgencySeconds: trigger.urgencySeconds, reasons: [trigger.reason] };
  }
  if (level.kind === 'alert') return { ...base, kind: 'alert', severity: level.severity, forecast, reasons: [level.reason] };
  return { ...base, kind: 'ok', forecast, reasons: [level.reason] };
}
