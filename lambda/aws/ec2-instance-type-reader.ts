/**
 * `InstanceTypeReader` over EC2 DescribeInstances: which size each attached instance is, so the scan
 * reads `EBSIOBalance%`/`EBSByteBalance%` only for sizes that have a bucket
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html).
 * Ids go in the `instance-id` filter, not `InstanceIds`: an id in `InstanceIds` that no longer exists
 * fails the whole call (`InvalidInstanceID.NotFound`), a filter simply leaves it out; and MaxResults
 * (5–1000) cannot be combined with `InstanceIds`. Filters take at most 200 values: up to 1,000 ids
 * (five filtered calls) the ids are asked for; beyond that every instance of the account is listed,
 * 1,000 a page, which costs fewer calls than 200-id chunks once more than a fifth of the account's
 * instances hold a watched volume. Every page is followed through NextToken.
 */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { InstanceTypeReader } from '../core/ports';
import { mapEc2Error } from './ec2-errors';

/** DescribeInstances accepts MaxResults 5–1000. */
export const DESCRIBE_INSTANCES_PAGE_SIZE = 1000;
/** Values per filter (the same EC2 cap as the volume-id filter: ec2-volume-inventory.ts). */
export const INSTANCE_ID_FILTER_CHUNK = 200;
/** More ids than this and the account's instances are listed unfiltered. */
export const FILTERED_IDS_MAX = 5 * INSTANCE_ID_FILTER_CHUNK;

/** Options of `Ec2InstanceTypeReader`. */
export interface Ec2InstanceTypeReaderOptions {
  /** Retries (throttling included) are the client's: `createGuardianClients` configures them. */
  readonly client: EC2Client;
}

/** Reads instance types with DescribeInstances. */
export class Ec2InstanceTypeReader implements InstanceTypeReader {
  constructor(private readonly options: Ec2InstanceTypeReaderOptions) {}

  /** Type per instance id; ids DescribeInstances does not list are absent. */
  async readInstanceTypes(instanceIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(instanceIds)];
    const out = new Map<string, string>();
    if (ids.length > FILTERED_IDS_MAX) {
      const wanted = new Set(ids);
      for (const [id, type] of await this.listPages(undefined)) if (wanted.has(id)) out.set(id, type);
      return out;
    }
    for (let i = 0; i < ids.length; i += INSTANCE_ID_FILTER_CHUNK) {
      for (const [id, type] of await this.listPages(ids.slice(i, i + INSTANCE_ID_FILTER_CHUNK))) out.set(id, type);
    }
    return out;
  }

  /** Every page of DescribeInstances, filtered by `ids` when given. */
  private async listPages(ids: readonly string[] | undefined): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.options.client.send(new DescribeInstancesCommand({
          ...(ids === undefined ? {} : { Filters: [{ Name: 'instance-id', Values: [...ids] }] }), MaxResults: DESCRIBE_INSTANCES_PAGE_SIZE, ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }));
      } catch (error) {
        throw mapEc2Error(error, 'DescribeInstances');
      }
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (instance.InstanceId !== undefined && instance.InstanceType !== undefined) out.set(instance.InstanceId, instance.InstanceType);
        }
      }
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    return out;
  }
}
