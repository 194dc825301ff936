import { DescribeVolumesCommand, EC2Client, type Volume } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotAuthorizedError } from '../../lambda/core/errors';
import { Ec2VolumeInventory, toVolumeDescription } from '../../lambda/aws/ec2-volume-inventory';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());

function volume(i: number): Volume {
  return { VolumeId: `vol-${String(i).padStart(17, '0')}`, VolumeType: 'gp2', Size: 100, Iops: 300, State: 'in-use', Attachments: [{ InstanceId: `i-${i}` }], Tags: [] };
}

function inventory(): Ec2VolumeInventory {
  return new Ec2VolumeInventory({ client: new EC2Client({ region: 'us-east-1' }) });
}

describe('Ec2VolumeInventory', () => {
  it('answers which volumes still exist with the volume-id filter alone (a deleted id is simply absent)', async () => {
    ec2.on(DescribeVolumesCommand).resolves({ Volumes: [volume(1)] });
    const ids = [volume(1).VolumeId ?? '', 'vol-00000000000000000deleted'];
    expect(await inventory().existingVolumeIds(ids)).toEqual(new Set([volume(1).VolumeId]));
    expect(ec2.commandCalls(DescribeVolumesCommand).map((c) => c.args[0].input)).toEqual([{ Filters: [{ Name: 'volume-id', Values: ids }], MaxResults: 500 }]);
  });

  it('reads 1,234 volumes in 3 pages of at most 500, following NextToken', async () => {
    const all = Array.from({ length: 1234 }, (_, i) => volume(i));
    ec2.on(DescribeVolumesCommand).callsFake((input: { NextToken?: string; MaxResults?: number }) => {
      const start = Number(input.NextToken ?? '0');
      const end = start + (input.MaxResults ?? 0);
      return { Volumes: all.slice(start, end), ...(end < all.length ? { NextToken: String(end) } : {}) };
    });
    const volumes = await inventory().listVolumes({});
    expect(volumes.length).toBe(1234);
    const calls = ec2.commandCalls(DescribeVolumesCommand);
    expect(calls.length).toBe(3);
    expect(calls.map((c) => c.args[0].input)).toEqual([{ MaxResults: 500 }, { MaxResults: 500, NextToken: '500' }, { MaxResults: 500, NextToken: '1000' }]);
  });

  it('sends volume type and tag filters server-side', async () => {
    ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
    await inventory().listVolumes({ volumeTypes: ['gp2', 'st1'], tags: { team: ['ci', 'build'], 'guardian:managed': [] } });
    expect(ec2.commandCalls(DescribeVolumesCommand)[0]?.args[0].input).toEqual({
      Filters: [
        { Name: 'volume-type', Values: ['gp2', 'st1'] },
        { Name: 'tag:team', Values: ['ci', 'build'] },
        { Name: 'tag-key', Values: ['guardian:managed'] },
      ],
      MaxResults: 500,
    });
  });

  it('passes volume ids as a volume-id filter in chunks of 200, never VolumeIds with MaxResults', async () => {
    ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
    const ids = Array.from({ length: 450 }, (_, i) => `vol-${i}`);
    await inventory().listVolumes({ volumeIds: ids, volumeTypes: ['gp2'] });
    const inputs = ec2.commandCalls(DescribeVolumesCommand).map((c) => c.args[0].input);
    expect(inputs.length).toBe(3);
    expect(inputs.every((i) => i.VolumeIds === undefined && i.MaxResults === 500)).toBe(true);
    expect(inputs.map((i) => i.Filters?.[1]?.Values?.length)).toEqual([200, 200, 50]);
    expect(inputs[0]?.Filters?.[1]?.Name).toBe('volume-id');
  });

  it('makes no call for an empty id list', async () => {
    expect(await inventory().listVolumes({ volumeIds: [] })).toEqual([]);
    expect(ec2.commandCalls(DescribeVolumesCommand).length).toBe(0);
  });

  it('calls DescribeVolumes once per page and leaves throttling retries to the SDK (no second loop)', async () => {
    ec2.on(DescribeVolumesCommand).rejects(Object.assign(new Error('slow down'), { name: 'RequestLimitExceeded' }));
    await expect(inventory().listVolumes({})).rejects.toThrow();
    expect(ec2.commandCalls(DescribeVolumesCommand).length).toBe(1);
  });

  it('throws NotAuthorizedError with the SDK error as cause when DescribeVolumes is denied', async () => {
    const denied = Object.assign(new Error('no'), { name: 'UnauthorizedOperation' });
    ec2.on(DescribeVolumesCommand).rejects(denied);
    const error = await inventory().listVolumes({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthorizedError);
    expect((error as NotAuthorizedError).cause).toBe(denied);
  });
});

describe('toVolumeDescription', () => {
  it.each([
    ['attached to an instance', [{ InstanceId: 'i-1', State: 'attached' }], 'i-1'],
    ['attached to an ECS task (no instance id)', [{ State: 'attached', AssociatedResource: 'arn:aws:ecs:task/1' }], undefined],
    ['detached', [], undefined],
    ['without attachment data', undefined, undefined],
  ] as const)('maps a volume %s', (_label, attachments, instanceId) => {
    const mapped = toVolumeDescription({
      VolumeId: 'vol-1', VolumeType: 'gp3', Size: 20, Iops: 3000, Throughput: 125, State: 'in-use', AvailabilityZone: 'us-east-1a',
      Attachments: attachments === undefined ? undefined : [...attachments], Tags: [{ Key: 'Name', Value: 'ci-runner' }, { Key: 'empty' }],
    });
    expect(mapped).toEqual({
      volumeId: 'vol-1', type: 'gp3', sizeGiB: 20, iops: 3000, throughputMiBps: 125, state: 'in-use', availabilityZone: 'us-east-1a',
      tags: { Name: 'ci-runner', empty: '' }, ...(instanceId === undefined ? {} : { instanceId }),
    });
  });

  it.each([
    ['an unknown type', { VolumeId: 'vol-1', VolumeType: 'future-type', Size: 1 }],
    ['no size', { VolumeId: 'vol-1', VolumeType: 'gp2' }],
    ['no id', { VolumeType: 'gp2', Size: 1 }],
  ] as const)('skips a volume with %s', (_label, raw) => {
    expect(toVolumeDescription(raw as Volume)).toBeUndefined();
  });
});
