/**
 * `VolumeInventory` over EC2 DescribeVolumes: server-side filters, 500 volumes a page, all pages.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html
 */
import { DescribeVolumesCommand, type EC2Client, type Filter, type Volume } from '@aws-sdk/client-ec2';
import type { InventoryFilter, VolumeInventory } from '../core/ports';
import type { VolumeDescription, VolumeType } from '../core/types';
import { mapEc2Error } from './ec2-errors';

/** DescribeVolumes accepts MaxResults 5–500. */
export const DESCRIBE_VOLUMES_PAGE_SIZE = 500;

/**
 * Volume ids go in the `volume-id` filter, not `VolumeIds`: the API reference says MaxResults cannot
 * be combined with VolumeIds, and a filter does not fail on an id that no longer exists. EC2 caps a
 * filter at 200 values, so longer id lists are split into several listings.
 */
export const VOLUME_ID_FILTER_CHUNK = 200;

const KNOWN_TYPES: ReadonlySet<string> = new Set(['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard']);

/** Options of the inventory adapter. */
export interface Ec2VolumeInventoryOptions {
  /** Retries (throttling included) are the client's: `createGuardianClients` configures them. */
  readonly client: EC2Client;
}

/** Lists EBS volumes with DescribeVolumes. */
export class Ec2VolumeInventory implements VolumeInventory {
  private readonly client: EC2Client;

  constructor(options: Ec2VolumeInventoryOptions) {
    this.client = options.client;
  }

  /** Every volume matching the filter, all pages; unknown volume types are skipped, never guessed. */
  async listVolumes(filter: InventoryFilter): Promise<VolumeDescription[]> {
    const baseFilters = buildFilters(filter);
    const ids = filter.volumeIds;
    if (ids === undefined) return this.listPages(baseFilters);
    if (ids.length === 0) return [];
    const out: VolumeDescription[] = [];
    for (let i = 0; i < ids.length; i += VOLUME_ID_FILTER_CHUNK) {
      const chunk = ids.slice(i, i + VOLUME_ID_FILTER_CHUNK);
      out.push(...(await this.listPages([...baseFilters, { Name: 'volume-id', Values: [...chunk] }])));
    }
    return out;
  }

  /** The ids that DescribeVolumes still lists (the `volume-id` filter: a deleted id is absent, never an error). */
  async existingVolumeIds(volumeIds: readonly string[]): Promise<Set<string>> {
    return new Set((await this.listVolumes({ volumeIds })).map((v) => v.volumeId));
  }

  private async listPages(filters: Filter[]): Promise<VolumeDescription[]> {
    const out: VolumeDescription[] = [];
    let nextToken: string | undefined;
    do {
      const input = {
        ...(filters.length > 0 ? { Filters: filters } : {}),
        MaxResults: DESCRIBE_VOLUMES_PAGE_SIZE,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      };
      let page;
      try {
        page = await this.client.send(new DescribeVolumesCommand(input));
      } catch (error) {
        throw mapEc2Error(error, 'DescribeVolumes');
      }
      for (const volume of page.Volumes ?? []) {
        const mapped = toVolumeDescription(volume);
        if (mapped !== undefined) out.push(mapped);
      }
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    return out;
  }
}

/** The server-side filters for an inventory filter (volume ids excluded: they are chunked). */
export function buildFilters(filter: InventoryFilter): Filter[] {
  const filters: Filter[] = [];
  if (filter.volumeTypes !== undefined && filter.volumeTypes.length > 0) {
    filters.push({ Name: 'volume-type', Values: [...filter.volumeTypes] });
  }
  for (const [key, values] of Object.entries(filter.tags ?? {})) {
    // `tag:<key>` matches key and value; `tag-key` matches the key with any value.
    filters.push(values.length === 0 ? { Name: 'tag-key', Values: [key] } : { Name: `tag:${key}`, Values: [...values] });
  }
  return filters;
}

/** Maps an EC2 Volume; undefined when it lacks an id, size or a known type. */
export function toVolumeDescription(volume: Volume): VolumeDescription | undefined {
  const type = volume.VolumeType;
  if (volume.VolumeId === undefined || volume.Size === undefined || type === undefined || !KNOWN_TYPES.has(type)) {
    return undefined;
  }
  const tags: Record<string, string> = {};
  for (const tag of volume.Tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  // ECS-task-attached volumes may list an attachment without InstanceId; detached ones list none.
  const instanceId = (volume.Attachments ?? []).find((a) => a.InstanceId !== undefined && a.InstanceId !== '')?.InstanceId;
  return {
    volumeId: volume.VolumeId,
    type: type as VolumeType,
    sizeGiB: volume.Size,
    ...(volume.Iops === undefined ? {} : { iops: volume.Iops }),
    ...(volume.Throughput === undefined ? {} : { throughputMiBps: volume.Throughput }),
    state: volume.State ?? 'unknown',
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(volume.AvailabilityZone === undefined ? {} : { availabilityZone: volume.AvailabilityZone }),
    tags,
  };
}
