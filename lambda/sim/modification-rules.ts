/**
 * ModifyVolume as the simulated fleet enforces it: parameter limits, the in-progress rule and the
 * per-volume rate rules, throwing the same domain errors the AWS adapter maps to.
 *
 * Limits: https://docs.aws.amazon.com/ebs/latest/userguide/modify-volume-requirements.html
 * (every modification in the volume's history counts, whoever made it; the rate-limit message names
 * the time of the next allowed one, as EC2's does: "wait until the time indicated in the error message").
 * gp3/io1/io2 ranges: https://docs.aws.amazon.com/ebs/latest/userguide/provisioned-iops.html and
 * general-purpose.html (DESIGN.md §2).
 */
import { InvalidModificationError, ModificationInProgressError, ModificationRateExceededError } from '../core/errors';
import { isoUtc } from '../core/iso-time';
import type { ModificationRequest, VolumeModification } from '../core/types';

/** Which per-volume modification rule AWS applies (DESIGN.md §2: current rule vs the older six-hour wait). */
export type ModificationRule = 'four-per-24h' | 'six-hour-cooldown';

const DAY_SECONDS = 86_400;
const SIX_HOURS_SECONDS = 6 * 3600;
const MAX_PER_DAY = 4;

/** Throws `ModificationInProgressError` or `ModificationRateExceededError` when `history` forbids a modification at `nowEpochSeconds`. */
export function checkModificationAllowed(history: readonly VolumeModification[], rule: ModificationRule, nowEpochSeconds: number): void {
  const latest = history[history.length - 1];
  if (latest !== undefined && (latest.state === 'modifying' || latest.state === 'optimizing')) {
    throw new ModificationInProgressError(
      `IncorrectModificationState: volume ${latest.volumeId} has a modification in state '${latest.state}' since ${isoUtc(latest.startEpochSeconds)}`,
    );
  }
  // A failed modification may be retried at once (DESIGN.md §2), so it does not count against the rate.
  const counted = history.filter((m) => m.state !== 'failed');
  if (rule === 'six-hour-cooldown') {
    const last = counted[counted.length - 1];
    if (last !== undefined && nowEpochSeconds < last.startEpochSeconds + SIX_HOURS_SECONDS) {
      const next = last.startEpochSeconds + SIX_HOURS_SECONDS;
      throw new ModificationRateExceededError(`VolumeModificationRateExceeded: wait at least 6 hours between modifications; next allowed at ${isoUtc(next)}`, next);
    }
    return;
  }
  const inWindow = counted.filter((m) => m.startEpochSeconds > nowEpochSeconds - DAY_SECONDS);
  if (inWindow.length >= MAX_PER_DAY) {
    const oldest = inWindow[inWindow.length - MAX_PER_DAY];
    const next = (oldest?.startEpochSeconds ?? nowEpochSeconds) + DAY_SECONDS;
    throw new ModificationRateExceededError(`VolumeModificationRateExceeded: ${MAX_PER_DAY} modifications in a rolling 24-hour period; next allowed at ${isoUtc(next)}`, next);
  }
}

/** Throws `InvalidModificationError` when AWS would reject the target parameters for a volume of `sizeGiB`. */
export function validateModificationRequest(request: ModificationRequest, sizeGiB: number): void {
  const { targetType, iops, throughputMiBps } = request;
  const fail = (message: string): never => {
    throw new InvalidModificationError(`InvalidParameterValue: ${targetType} on ${sizeGiB} GiB: ${message}`);
  };
  if (throughputMiBps !== undefined && targetType !== 'gp3') fail('throughput can only be set on gp3');
  if (targetType === 'gp3') {
    const gp3Iops = iops ?? 3000;
    if (gp3Iops < 3000 || gp3Iops > 80_000 || gp3Iops > Math.max(3000, 500 * sizeGiB)) fail(`IOPS ${gp3Iops} outside 3,000–80,000 at ≤ 500 per GiB`);
    const throughput = throughputMiBps ?? 125;
    if (throughput < 125 || throughput > 2000 || throughput > 0.25 * gp3Iops) fail(`throughput ${throughput} MiB/s outside 125–2,000 at ≤ 0.25 MiB/s per IOPS`);
    return;
  }
  if (targetType === 'io1' || targetType === 'io2') {
    const perGiB = targetType === 'io1' ? 50 : 1000;
    const max = targetType === 'io1' ? 64_000 : 256_000;
    if (iops === undefined) fail('IOPS is required');
    else if (iops < 100 || iops > max || iops > perGiB * sizeGiB) fail(`IOPS ${iops} outside 100–${max} at ≤ ${perGiB} per GiB`);
    return;
  }
  if (iops !== undefined) fail('IOPS can only be set on gp3, io1 and io2');
  if ((targetType === 'st1' || targetType === 'sc1') && sizeGiB < 125) fail('st1/sc1 need at least 125 GiB');
  if (targetType === 'standard') fail('cannot modify to the previous-generation standard type');
}
