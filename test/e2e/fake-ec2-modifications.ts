/**
 * The Elastic Volumes half of the fake EC2, written from AWS's documentation rather than from what
 * the guardian expects. Each rule cites its page:
 * - ModifyVolume: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html
 * - DescribeVolumesModifications: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumesModifications.html
 * - error codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * - states: https://docs.aws.amazon.com/ebs/latest/userguide/monitoring-volume-modifications.html
 */
import type { DescribeVolumesModificationsCommandInput, VolumeModification } from '@aws-sdk/client-ec2';

/** An AWS-shaped error: the SDK puts the code in `name` and the HTTP status in `$metadata`. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

/** "up to four times within a rolling 24-hour period" (ModifyVolume, current rule). */
export const MODIFICATIONS_PER_24H = 4;
const DAY_SECONDS = 86_400;

/** Who asked: the guardian (through the SDK mock) or a person/tool (straight into the fake). */
export type Requester = 'guardian' | 'human';

/** One modification as the fake keeps it. */
export interface LoggedModification {
  readonly requester: Requester;
  modification: VolumeModification;
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Every modification of every volume, oldest first; AWS shows only the latest per volume. */
export class FakeModificationLog {
  private readonly byVolume = new Map<string, LoggedModification[]>();
  /** Page size of DescribeVolumesModifications answers (small, so callers must page). */
  pageSize = 1;
  /** Answer the first page of every filtered listing empty but with a NextToken (EC2 may). */
  emptyFirstPage = true;
  /** DescribeVolumesModifications calls that listed `VolumeIds` (the guardian must use the filter). */
  callsWithVolumeIds = 0;

  /** All modifications of a volume, oldest first. */
  of(volumeId: string): readonly LoggedModification[] {
    return this.byVolume.get(volumeId) ?? [];
  }

  /** The latest modification of a volume. */
  latest(volumeId: string): VolumeModification | undefined {
    return this.of(volumeId).at(-1)?.modification;
  }

  /**
   * The ModifyVolume rules, checked before anything changes: a modification still `modifying` or
   * `optimizing` answers IncorrectModificationState; a fifth start within a rolling 24 h, whoever
   * made the other four, answers VolumeModificationRateExceeded, whose message names the time the
   * next one is allowed ("wait until the time indicated in the error message",
   * https://docs.aws.amazon.com/botocore/latest/reference/services/workspaces-instances/client/exceptions/VolumeModificationRateExceededException.html).
   */
  check(volumeId: string, now: number): void {
    const latest = this.latest(volumeId);
    if (latest !== undefined && (latest.ModificationState === 'modifying' || latest.ModificationState === 'optimizing')) {
      throw awsError('IncorrectModificationState', `Cannot modify volume ${volumeId} as it is in state '${latest.ModificationState}'.`);
    }
    const starts = this.of(volumeId).map((l) => Math.floor((l.modification.StartTime?.getTime() ?? 0) / 1000)).filter((s) => s > now - DAY_SECONDS);
    if (starts.length >= MODIFICATIONS_PER_24H) {
      const next = (starts[starts.length - MODIFICATIONS_PER_24H] ?? now) + DAY_SECONDS;
      throw awsError('VolumeModificationRateExceeded', `You've reached the maximum modification rate per volume limit (4 in a rolling 24-hour period). Wait until ${iso(next)} to modify volume ${volumeId} again.`);
    }
  }

  /** Appends a started modification. */
  add(volumeId: string, requester: Requester, modification: VolumeModification): void {
    this.byVolume.set(volumeId, [...this.of(volumeId), { requester, modification }]);
  }

  /** Moves every open modification to `state` (AWS progressing; `failed` is rare and transient). */
  advance(state: 'optimizing' | 'completed' | 'failed', now: number, volumeId?: string): void {
    for (const [id, log] of this.byVolume) {
      const last = log.at(-1);
      if (last === undefined || (volumeId !== undefined && id !== volumeId)) continue;
      const m = last.modification;
      if (m.ModificationState !== 'modifying' && m.ModificationState !== 'optimizing') continue;
      last.modification = { ...m, ModificationState: state, ...(state === 'optimizing' ? { Progress: 50 } : { Progress: 100, EndTime: new Date(now * 1000) }) };
    }
  }

  /**
   * DescribeVolumesModifications. With `VolumeIds` the whole call fails when one listed volume does
   * not exist (InvalidVolume.NotFound) or was never modified (InvalidVolumeModification.NotFound,
   * "Modification for volume '…' does not exist", awslabs/aws-sdk-rust#1346). With the `volume-id`
   * filter only the records that exist come back: a deleted or never-modified volume is simply
   * absent. Pages are short (and the first may be empty) with a NextToken until the last
   * ("MaxResults ... up to a limit of 500").
   */
  describe(input: DescribeVolumesModificationsCommandInput, exists: (volumeId: string) => boolean): { VolumesModifications: VolumeModification[]; NextToken?: string } {
    if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 500)) {
      throw awsError('InvalidParameterValue', `Value (${input.MaxResults}) for parameter maxResults is invalid.`);
    }
    if (input.VolumeIds !== undefined && input.VolumeIds.length > 0) {
      this.callsWithVolumeIds++;
      const missing = input.VolumeIds.find((id) => !exists(id));
      if (missing !== undefined) throw awsError('InvalidVolume.NotFound', `The volume '${missing}' does not exist.`);
      const unmodified = input.VolumeIds.find((id) => this.latest(id) === undefined);
      if (unmodified !== undefined) throw awsError('InvalidVolumeModification.NotFound', `Modification for volume '${unmodified}' does not exist.`);
    }
    const wanted = input.VolumeIds ?? input.Filters?.find((f) => f.Name === 'volume-id')?.Values;
    const records = [...this.byVolume.keys()]
      .filter((id) => exists(id) && (wanted === undefined || wanted.includes(id)))
      .map((id) => this.latest(id))
      .filter((m): m is VolumeModification => m !== undefined);
    // Listed ids come back in one answer; a filtered listing pages.
    if (input.VolumeIds !== undefined && input.VolumeIds.length > 0) return { VolumesModifications: records.map((m) => ({ ...m })) };
    const offset = Number(input.NextToken ?? (this.emptyFirstPage ? '-1' : '0'));
    if (offset < 0) return { VolumesModifications: [], NextToken: '0' };
    const end = Math.min(records.length, offset + Math.min(this.pageSize, input.MaxResults ?? 500));
    return { VolumesModifications: records.slice(offset, end).map((m) => ({ ...m })), ...(end < records.length ? { NextToken: String(end) } : {}) };
  }
}
