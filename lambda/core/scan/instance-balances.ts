/**
 * One read per scan of the EBS burst balances of the instances the volumes are attached to
 * (`InstanceEbsBalanceReader`, optional: without it the decision has no instance data). A failed
 * read is counted as a metrics error and the scan goes on: no instance data means no judgement
 * about the instance, never a refusal.
 */
import type { InstanceEbsBalance } from '../ports';
import type { VolumeDescription } from '../types';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** Look-back of the instance balances: basic monitoring's 5-minute points arrive late. */
const LOOKBACK_SECONDS = 3_600;

/** The balances by instance id; empty when the reader is absent, no volume is attached, or the read failed. */
export async function readInstanceBalances(deps: ScanDeps, volumes: readonly VolumeDescription[], now: number, errors: ScanError[]): Promise<Map<string, InstanceEbsBalance>> {
  const instanceIds = [...new Set(volumes.flatMap((v) => (v.instanceId === undefined ? [] : [v.instanceId])))];
  if (deps.instanceEbs === undefined || instanceIds.length === 0) return new Map();
  try {
    return await deps.instanceEbs.readInstanceBalances({ instanceIds, startEpochSeconds: now - LOOKBACK_SECONDS, endEpochSeconds: now });
  } catch (error) {
    errors.push({ stage: 'metrics', message: `instance EBS balances (EBSIOBalance%/EBSByteBalance%) unreadable, deciding without them: ${messageOf(error)}` });
    return new Map();
  }
}
