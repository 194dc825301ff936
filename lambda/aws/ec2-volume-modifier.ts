/**
 * `VolumeModifier` over EC2 ModifyVolume and DescribeVolumesModifications (Elastic Volumes).
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumesModifications.html
 */
import {
  DescribeVolumesModificationsCommand,
  ModifyVolumeCommand,
  type EC2Client,
  type ModifyVolumeCommandInput,
  type VolumeModification as Ec2VolumeModification,
} from '@aws-sdk/client-ec2';
import { DryRunSucceeded } from '../core/errors';
import type { VolumeModifier } from '../core/ports';
import type { ModificationRequest, ModificationState, VolumeModification, VolumeType } from '../core/types';
import { mapEc2Error } from './ec2-errors';

/**
 * Volume ids per `volume-id` filter. The API reference publishes no limit on filter values; EC2 has
 * been observed to refuse more than 200 (apache/druid#1954), the chunk the inventory uses too.
 */
export const DESCRIBE_MODIFICATIONS_CHUNK = 200;

/** DescribeVolumesModifications: "MaxResults ... (up to a limit of 500)" (API reference). */
export const DESCRIBE_MODIFICATIONS_PAGE_SIZE = 500;

/** Options of the modifier adapter. */
export interface Ec2VolumeModifierOptions {
  readonly client: EC2Client;
  /** Clock for parsing relative "wait N hours" messages. @default the system clock */
  readonly nowEpochSeconds?: () => number;
}

/** Modifies volumes with ModifyVolume; maps EC2 errors to domain errors. */
export class Ec2VolumeModifier implements VolumeModifier {
  private readonly client: EC2Client;
  private readonly now: () => number;

  constructor(options: Ec2VolumeModifierOptions) {
    this.client = options.client;
    this.now = options.nowEpochSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Requests the modification; with dryRun, resolves undefined once EC2 answers DryRunOperation. */
  async modifyVolume(request: ModificationRequest, options: { readonly dryRun: boolean }): Promise<VolumeModification | undefined> {
    const input = buildModifyVolumeInput(request, options.dryRun);
    try {
      const output = await this.client.send(new ModifyVolumeCommand(input));
      const mapped = output.VolumeModification === undefined ? undefined : toVolumeModification(output.VolumeModification);
      return mapped;
    } catch (error) {
      const mapped = mapEc2Error(error, `ModifyVolume ${request.volumeId}`, this.now());
      // DryRunOperation is how EC2 says "you would have been allowed": success for a dry run.
      if (options.dryRun && mapped instanceof DryRunSucceeded) return undefined;
      throw mapped;
    }
  }

  /**
   * Latest modification per volume. The ids go in the `volume-id` filter, never in `VolumeIds`:
   * with `VolumeIds` the whole call fails when one listed volume was never modified
   * (`InvalidVolumeModification.NotFound`, awslabs/aws-sdk-rust#1346) or no longer exists
   * (`InvalidVolume.NotFound`), so one such volume would hide every other volume's state. A filter
   * simply returns the records that exist: a volume absent from the answer was never modified or is
   * gone. Chunks of 200 ids; every page followed until NextToken is absent (a page may be short or
   * empty and still carry one). Throttled pages are retried (the call did not happen).
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumesModifications.html
   */
  async describeModifications(volumeIds: readonly string[]): Promise<Map<string, VolumeModification>> {
    const out = new Map<string, VolumeModification>();
    const unique = [...new Set(volumeIds)];
    for (let i = 0; i < unique.length; i += DESCRIBE_MODIFICATIONS_CHUNK) {
      const chunk = unique.slice(i, i + DESCRIBE_MODIFICATIONS_CHUNK);
      let nextToken: string | undefined;
      do {
        const input = {
          Filters: [{ Name: 'volume-id', Values: chunk }],
          MaxResults: DESCRIBE_MODIFICATIONS_PAGE_SIZE,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        };
        let page;
        try {
          page = await this.client.send(new DescribeVolumesModificationsCommand(input));
        } catch (error) {
          throw mapEc2Error(error, 'DescribeVolumesModifications', this.now());
        }
        for (const raw of page.VolumesModifications ?? []) {
          const mapped = toVolumeModification(raw);
          // Only the latest is returned per volume; keep the newest should a volume appear twice.
          const held = mapped === undefined ? undefined : out.get(mapped.volumeId);
          if (mapped !== undefined && (held === undefined || mapped.startEpochSeconds >= held.startEpochSeconds)) out.set(mapped.volumeId, mapped);
        }
        nextToken = page.NextToken === '' || page.NextToken === null ? undefined : page.NextToken;
      } while (nextToken !== undefined);
    }
    return out;
  }
}

/**
 * The ModifyVolume input: Iops for gp3/io1/io2 and Throughput for gp3 are always explicit, because
 * the docs disagree on what gp2→gp3 defaults to (DESIGN.md §2).
 */
export function buildModifyVolumeInput(request: ModificationRequest, dryRun: boolean): ModifyVolumeCommandInput {
  const takesIops = request.targetType === 'gp3' || request.targetType === 'io1' || request.targetType === 'io2';
  return {
    VolumeId: request.volumeId,
    VolumeType: request.targetType,
    ...(takesIops && request.iops !== undefined ? { Iops: request.iops } : {}),
    ...(request.targetType === 'gp3' && request.throughputMiBps !== undefined ? { Throughput: request.throughputMiBps } : {}),
    DryRun: dryRun,
  };
}

const STATES: ReadonlySet<string> = new Set(['modifying', 'optimizing', 'completed', 'failed']);

function epochSecondsOf(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000);
}

/** Maps an EC2 VolumeModification; undefined when it lacks the fields the core relies on. */
export function toVolumeModification(raw: Ec2VolumeModification): VolumeModification | undefined {
  const start = epochSecondsOf(raw.StartTime);
  const state = raw.ModificationState;
  if (raw.VolumeId === undefined || state === undefined || !STATES.has(state) || start === undefined) return undefined;
  if (raw.OriginalVolumeType === undefined || raw.TargetVolumeType === undefined) return undefined;
  const end = epochSecondsOf(raw.EndTime);
  const optional = {
    endEpochSeconds: end,
    originalIops: raw.OriginalIops,
    targetIops: raw.TargetIops,
    originalThroughputMiBps: raw.OriginalThroughput,
    targetThroughputMiBps: raw.TargetThroughput,
    statusMessage: raw.StatusMessage,
  };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return {
    volumeId: raw.VolumeId,
    state: state as ModificationState,
    startEpochSeconds: start,
    originalType: raw.OriginalVolumeType as VolumeType,
    targetType: raw.TargetVolumeType as VolumeType,
    originalSizeGiB: raw.OriginalSize ?? raw.TargetSize ?? 0,
    targetSizeGiB: raw.TargetSize ?? raw.OriginalSize ?? 0,
    ...defined,
  };
}
