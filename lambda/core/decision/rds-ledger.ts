/**
 * RDS's own storage-modification rules, pure (issue 15 part 2). RDS documents two wordings:
 * - "You can't make further storage modifications for either six (6) hours or until storage
 *   optimization has completed on the instance, whichever is longer"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.ScalingUp.html);
 * - "After storage optimization completes on the instance, you can make additional storage
 *   modifications. You can perform a maximum of four storage modifications within any 24-hour period"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.gp3.html).
 * The guardian honours both at once (a request that either wording refuses is never sent): no change
 * while the instance is `storage-optimization` or has a pending storage type, none within 6 h of the
 * last storage change it knows of, at most 4 in any 24 h, and none while its own record is open or
 * backing off from a refusal. A refused request answers `InvalidParameterCombination` "You can't
 * currently modify the storage of this DB instance because the previous storage change is being
 * optimized." (hashicorp/terraform-provider-aws#12493) or `InvalidDBInstanceState`.
 */
import { isoUtc } from '../iso-time';
import { startOf, type ModificationRecord } from '../ports';
import type { RdsInstance } from '../rds-ports';

/** RDS's storage cooldown, seconds (six hours). */
export const RDS_STORAGE_COOLDOWN_SECONDS = 6 * 3_600;
/** RDS's rolling window and its storage-modification allowance. */
export const RDS_WINDOW_SECONDS = 86_400;
export const RDS_MODIFICATIONS_PER_WINDOW = 4;

/** Why RDS would refuse a storage change now. */
export type RdsBlock = 'storage-optimization' | 'instance-state' | 'in-progress' | 'cooldown' | 'rate-limit' | 'refused-backoff';

/** The verdict: allowed, or blocked with a reason and (when known) the earliest next attempt. */
export type RdsLedgerVerdict =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'blocked'; readonly block: RdsBlock; readonly reason: string; readonly nextAllowedEpochSeconds?: number };

const OPEN = new Set(['intent', 'modifying', 'optimizing']);
/** Records that reached RDS (or may have): they count against the cooldown and the window. */
const COUNTED = new Set(['intent', 'modifying', 'optimizing', 'completed', 'failed']);

/** May the guardian change this DB instance's storage type now? */
export function checkRdsLedger(instance: RdsInstance, records: readonly ModificationRecord[], now: number): RdsLedgerVerdict {
  if (instance.status === 'storage-optimization') {
    return { kind: 'blocked', block: 'storage-optimization', reason: 'RDS is optimizing the storage after its last change: no storage change until that completes' };
  }
  if (instance.pendingStorageType !== undefined) {
    return { kind: 'blocked', block: 'in-progress', reason: `a storage change to ${instance.pendingStorageType} is pending` };
  }
  if (instance.status !== 'available') {
    return { kind: 'blocked', block: 'instance-state', reason: `DB instance is '${instance.status}', not 'available' (ModifyDBInstance answers InvalidDBInstanceState)` };
  }
  if (records.some((r) => OPEN.has(r.status) && !r.dryRun)) {
    return { kind: 'blocked', block: 'in-progress', reason: "the guardian's own storage change is still open" };
  }
  const backoff = records.map((r) => r.retryAfterEpochSeconds ?? 0).reduce((a, b) => Math.max(a, b), 0);
  if (backoff > now) {
    return { kind: 'blocked', block: 'refused-backoff', reason: `RDS refused the last request; next attempt not before ${isoUtc(backoff)}`, nextAllowedEpochSeconds: backoff };
  }
  const counted = records.filter((r) => !r.dryRun && COUNTED.has(r.status)).map(startOf).sort((a, b) => b - a);
  const last = counted[0];
  if (last !== undefined && now - last < RDS_STORAGE_COOLDOWN_SECONDS) {
    const next = last + RDS_STORAGE_COOLDOWN_SECONDS;
    return { kind: 'blocked', block: 'cooldown', reason: `last storage change began ${isoUtc(last)}: RDS allows the next 6 h later, at ${isoUtc(next)}`, nextAllowedEpochSeconds: next };
  }
  const inWindow = counted.filter((t) => t > now - RDS_WINDOW_SECONDS);
  if (inWindow.length >= RDS_MODIFICATIONS_PER_WINDOW) {
    const oldest = inWindow[RDS_MODIFICATIONS_PER_WINDOW - 1] ?? now;
    const next = oldest + RDS_WINDOW_SECONDS;
    return { kind: 'blocked', block: 'rate-limit', reason: `${inWindow.length} storage changes in the last 24 h (RDS allows ${RDS_MODIFICATIONS_PER_WINDOW})`, nextAllowedEpochSeconds: next };
  }
  return { kind: 'allowed' };
}
