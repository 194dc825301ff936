/**
 * Turning a rescue/revert decision into what the acting side needs: the ModifyVolume request
 * (gp3 always with explicit Iops and Throughput, DESIGN.md §2) and the ledger intent written
 * before the call (DESIGN.md §3: record first, act second).
 */
import type { Decision } from './types';
import type { ModificationRecord } from '../ports';
import type { ModificationRequest } from '../types';

/** A decision that modifies a volume. */
export type ActingDecision = Extract<Decision, { kind: 'rescue' | 'revert' }>;

/** True for decisions that call ModifyVolume (rescue, revert). */
export function isActing(decision: Decision): decision is ActingDecision {
  return decision.kind === 'rescue' || decision.kind === 'revert';
}

/** The ModifyVolume request of a rescue or revert. */
export function modificationRequestFor(decision: ActingDecision): ModificationRequest {
  const t = decision.target;
  return {
    volumeId: decision.volumeId,
    targetType: t.type,
    ...(t.iops === undefined ? {} : { iops: t.iops }),
    ...(t.throughputMiBps === undefined ? {} : { throughputMiBps: t.throughputMiBps }),
  };
}

/** Ledger id: sortable by time, unique per volume and kind (`<requestedEpochSeconds padded>#<kind>`, ports.ts). */
export function modificationIdFor(requestedEpochSeconds: number, kind: 'rescue' | 'revert'): string {
  return `${String(Math.floor(requestedEpochSeconds)).padStart(12, '0')}#${kind}`;
}

/** The intent record to write before calling ModifyVolume (status `dry-run` when the decision is a dry run). */
export function intentRecordFor(decision: ActingDecision, options: { readonly now: number; readonly runId: string; readonly sizeGiB: number }): ModificationRecord {
  const to = decision.target;
  return {
    volumeId: decision.volumeId,
    modificationId: modificationIdFor(options.now, decision.kind),
    kind: decision.kind,
    requestedEpochSeconds: options.now,
    status: decision.dryRun ? 'dry-run' : 'intent',
    from: decision.from,
    to: { type: to.type, ...(to.iops === undefined ? {} : { iops: to.iops }), ...(to.throughputMiBps === undefined ? {} : { throughputMiBps: to.throughputMiBps }) },
    sizeGiB: options.sizeGiB,
    reason: decision.reasons.join('; '),
    dryRun: decision.dryRun,
    hourlyCostDeltaUSD: decision.cost.hourlyUSD,
    monthlyCostDeltaUSD: decision.cost.monthlyUSD,
    ...(decision.kind === 'rescue' && decision.burstBalancePercent !== undefined ? { burstBalanceBeforePercent: decision.burstBalancePercent } : {}),
    runId: options.runId,
    ...(decision.schedule === undefined ? {} : { schedule: decision.schedule }),
  };
}
