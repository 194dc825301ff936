/**
 * Which ledger record stands for the modification AWS reports. DescribeVolumesModifications returns
 * only the latest modification per volume, with AWS's own `StartTime`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VolumeModification.html): that time,
 * not the clock of the machine that wrote the intent (a laptop running `scan --execute` may be
 * minutes off), identifies a modification once a record has stored it.
 */
import { startOf, type ModificationRecord, type ModificationRecordStatus } from '../ports';
import type { VolumeModification } from '../types';

/** How far the writer's clock may be off AWS's and an intent still match AWS's modification. */
export const CLOCK_SKEW_TOLERANCE_SECONDS = 3_600;

/** Records written before AWS's StartTime was stored match within this (the old rule). */
const LEGACY_MATCH_SECONDS = 300;

/** Statuses of records that reached AWS. */
export const REACHED_AWS: ReadonlySet<ModificationRecordStatus> = new Set(['modifying', 'optimizing', 'completed', 'failed']);

/** True when AWS's modification goes to the configuration the record asked for. */
export function sameTarget(record: Pick<ModificationRecord, 'to'>, m: VolumeModification): boolean {
  if (record.to.type !== m.targetType) return false;
  const iopsAgree = record.to.iops === undefined || m.targetIops === undefined || record.to.iops === m.targetIops;
  const throughputAgrees = record.to.throughputMiBps === undefined || m.targetThroughputMiBps === undefined || record.to.throughputMiBps === m.targetThroughputMiBps;
  return iopsAgree && throughputAgrees;
}

/** The record among `records` that already stands for AWS's modification `m`, if one does. */
export function claimOf(records: readonly ModificationRecord[], m: VolumeModification): ModificationRecord | undefined {
  return records.find((r) => {
    if (r.dryRun) return false;
    if (r.awsStartEpochSeconds !== undefined) return r.awsStartEpochSeconds === m.startEpochSeconds;
    return REACHED_AWS.has(r.status) && Math.abs(r.requestedEpochSeconds - m.startEpochSeconds) <= LEGACY_MATCH_SECONDS && sameTarget(r, m);
  });
}

/**
 * True when AWS's latest modification `m` is the one `record` asked for: the StartTime the record
 * stored, or, for an intent whose answer was lost, a modification to its target that no other
 * record claims and that did not start long before the intent (clock skew allowed).
 */
export function isModificationOf(record: ModificationRecord, m: VolumeModification, others: readonly ModificationRecord[]): boolean {
  if (record.awsStartEpochSeconds !== undefined) return record.awsStartEpochSeconds === m.startEpochSeconds;
  if (!sameTarget(record, m) || claimOf(others, m) !== undefined) return false;
  if (m.startEpochSeconds < record.requestedEpochSeconds - CLOCK_SKEW_TOLERANCE_SECONDS) return false;
  // A modification older than one the volume already went through is history, not this intent's.
  return !others.some((o) => REACHED_AWS.has(o.status) && !o.dryRun && startOf(o) > m.startEpochSeconds);
}
