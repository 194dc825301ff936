/** The fake EC2 and CloudWatch answer as AWS documents (fake-aws.ts and fake-ec2-modifications.ts cite each page); these pin it. */
import { DescribeVolumesCommand, DescribeVolumesModificationsCommand, ModifyVolumeCommand, type DescribeVolumesCommandInput } from '@aws-sdk/client-ec2';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS, volumeIdOf } from './fake-aws';

const H = 3_600;

function worldOf(): { aws: FakeAws; clock: { now: number } } {
  const clock = { now: NOW_EPOCH_SECONDS };
  return { aws: new FakeAws([drainingVolume(1), idleVolume(2), idleVolume(3)], () => clock.now), clock };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(() => undefined, (e: Error) => e.name);
}

describe('the fake EC2 (Elastic Volumes)', () => {
  it('fails the whole DescribeVolumesModifications call when VolumeIds lists a never-modified or deleted volume', async () => {
    const { aws } = worldOf();
    aws.modifyAsHuman(volumeIdOf(1), { type: 'gp3', iops: 3000 });
    const describe = (ids: string[]) => aws.ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: ids }));
    expect(await codeOf(describe([volumeIdOf(1), volumeIdOf(2)]))).toBe('InvalidVolumeModification.NotFound');
    aws.deleteVolume(volumeIdOf(3));
    expect(await codeOf(describe([volumeIdOf(1), volumeIdOf(3)]))).toBe('InvalidVolume.NotFound');
    expect((await describe([volumeIdOf(1)])).VolumesModifications?.map((m) => m.VolumeId)).toEqual([volumeIdOf(1)]);
  });

  it('answers the volume-id filter with only the records that exist, in short pages (the first empty) until NextToken is absent', async () => {
    const { aws } = worldOf();
    aws.modifyAsHuman(volumeIdOf(1), { type: 'gp3', iops: 3000 });
    aws.modifyAsHuman(volumeIdOf(2), { type: 'gp3', iops: 3000 });
    aws.modifyAsHuman(volumeIdOf(3), { type: 'gp3', iops: 3000 });
    aws.deleteVolume(volumeIdOf(3));
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await aws.ec2.send(new DescribeVolumesModificationsCommand({ Filters: [{ Name: 'volume-id', Values: [1, 2, 3, 4].map(volumeIdOf) }], ...(token === undefined ? {} : { NextToken: token }) }));
      pages.push((page.VolumesModifications ?? []).map((m) => m.VolumeId ?? ''));
      token = page.NextToken;
    } while (token !== undefined);
    expect(pages).toEqual([[], [volumeIdOf(1)], [volumeIdOf(2)]]);
  });

  it('refuses Iops for a gp2 target and Throughput for an io1 target (InvalidParameterCombination), changing nothing', async () => {
    const { aws } = worldOf();
    expect(await codeOf(aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(1), VolumeType: 'gp2', Iops: 300 })))).toBe('InvalidParameterCombination');
    expect(await codeOf(aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(1), VolumeType: 'io1', Iops: 3000, Throughput: 250 })))).toBe('InvalidParameterCombination');
    expect(aws.volumes.get(volumeIdOf(1))?.type).toBe('gp2');
  });

  it('rejects DescribeVolumes MaxResults out of 5–500 or with VolumeIds, and fails the whole call on an unknown id', async () => {
    const { aws } = worldOf();
    const describeVolumes = (input: DescribeVolumesCommandInput) => aws.ec2.send(new DescribeVolumesCommand(input));
    expect(await codeOf(describeVolumes({ MaxResults: 4 }))).toBe('InvalidParameterValue');
    expect(await codeOf(describeVolumes({ MaxResults: 501 }))).toBe('InvalidParameterValue');
    expect(await codeOf(describeVolumes({ MaxResults: 5, VolumeIds: [volumeIdOf(1)] }))).toBe('InvalidParameterCombination');
    expect(await codeOf(describeVolumes({ VolumeIds: [volumeIdOf(1), 'vol-0ffffffffffffffff'] }))).toBe('InvalidVolume.NotFound');
    expect((await describeVolumes({ VolumeIds: [volumeIdOf(2)] })).Volumes?.map((v) => v.VolumeId)).toEqual([volumeIdOf(2)]);
  });

  it('fails a whole GetMetricData call with over 500 queries or a bad or repeated id, and answers newest first by default', async () => {
    const { aws } = worldOf();
    const query = (id: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/EBS', MetricName: 'BurstBalance', Dimensions: [{ Name: 'VolumeId', Value: volumeIdOf(1) }] }, Period: 60, Stat: 'Average' } });
    const window = { StartTime: new Date((NOW_EPOCH_SECONDS - H) * 1000), EndTime: new Date(NOW_EPOCH_SECONDS * 1000) };
    const read = (queries: ReturnType<typeof query>[], ascending = false) =>
      aws.cloudwatch.send(new GetMetricDataCommand({ ...window, MetricDataQueries: queries, ...(ascending ? { ScanBy: 'TimestampAscending' as const } : {}) }));
    expect(await codeOf(read(Array.from({ length: 501 }, (_, i) => query(`q${i}`))))).toBe('ValidationError');
    expect(await codeOf(read([query('Q1')]))).toBe('ValidationError');
    expect(await codeOf(read([query('q1'), query('q1')]))).toBe('ValidationError');
    const times = (r: Awaited<ReturnType<typeof read>>) => r.MetricDataResults?.[0]?.Timestamps?.map((t) => t.getTime()) ?? [];
    const newestFirst = times(await read([query('q1')]));
    expect(newestFirst.length).toBeGreaterThan(1);
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => b - a));
    expect(times(await read([query('q1')], true))).toEqual([...newestFirst].reverse());
  });

  it('answers IncorrectModificationState while modifying or optimizing, and DryRunOperation to a dry run', async () => {
    const { aws, clock } = worldOf();
    const modify = (dryRun = false) => aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(1), VolumeType: 'gp3', Iops: 3000, Throughput: 125, DryRun: dryRun }));
    expect(await codeOf(modify(true))).toBe('DryRunOperation');
    expect(aws.volumes.get(volumeIdOf(1))?.type).toBe('gp2');
    await modify();
    expect(await codeOf(modify())).toBe('IncorrectModificationState');
    aws.modifications.advance('optimizing', clock.now);
    expect(await codeOf(modify())).toBe('IncorrectModificationState');
  });

  it('refuses the fifth modification in a rolling 24 h whoever made the others, naming when the next is allowed', async () => {
    const { aws, clock } = worldOf();
    for (const iops of [3000, 3500, 4000, 4500]) {
      aws.modifyAsHuman(volumeIdOf(1), { type: 'gp3', iops });
      aws.completeModifications();
      clock.now += H;
    }
    const refused = await aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(1), VolumeType: 'gp2' })).catch((e: Error) => e);
    expect(refused).toMatchObject({ name: 'VolumeModificationRateExceeded' });
    expect((refused as Error).message).toContain('2027-01-16T08:00:00Z');
    clock.now = NOW_EPOCH_SECONDS + 24 * H + 1;
    await expect(aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(1), VolumeType: 'gp2' }))).resolves.toBeDefined();
  });

  it('answers InvalidVolume.NotFound to ModifyVolume on a deleted volume, and a throttled call changes nothing', async () => {
    const { aws } = worldOf();
    aws.deleteVolume(volumeIdOf(2));
    expect(await codeOf(aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(2), VolumeType: 'gp3' })))).toBe('InvalidVolume.NotFound');
    aws.inject('ModifyVolume', { error: Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' }) });
    expect(await codeOf(aws.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeIdOf(1), VolumeType: 'gp3' })))).toBe('RequestLimitExceeded');
    expect(aws.modifications.of(volumeIdOf(1))).toEqual([]);
    expect(aws.volumes.get(volumeIdOf(1))?.type).toBe('gp2');
  });
});
