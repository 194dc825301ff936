import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { drainingVolume, FakeAws, NOW_EPOCH_SECONDS } from './fake-aws';

/** The e2e fake's DescribeInstances answers as API_DescribeInstances.html documents (see fake-aws.ts). */
describe('FakeAws DescribeInstances', () => {
  const volumes = Array.from({ length: 7 }, (_, k) => drainingVolume(k + 1));
  const ids = volumes.map((v) => `i-${v.volumeId.slice(4)}`);
  const listed = (page: { Reservations?: { Instances?: { InstanceId?: string }[] }[] }) => (page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);

  it('pages at MaxResults with a NextToken until every instance is listed', async () => {
    const aws = new FakeAws(volumes);
    const first = await aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(listed(first)).toEqual(ids.slice(0, 5));
    const second = await aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(listed(second)).toEqual(ids.slice(5));
    expect(second.NextToken).toBeUndefined();
  });

  it('fails the whole call on an unknown id in InstanceIds, and leaves it out through the instance-id filter', async () => {
    const aws = new FakeAws(volumes);
    await expect(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[0] ?? '', 'i-00000000000000000'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    expect(listed(await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[1] ?? ''] })))).toEqual([ids[1]]);
    await expect(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-zz'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.Malformed' });
    const filtered = await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [ids[2] ?? '', 'i-00000000000000000'] }], MaxResults: 1000 }));
    expect(listed(filtered)).toEqual([ids[2]]);
  });

  it('refuses MaxResults outside 5–1000 and MaxResults with InstanceIds', async () => {
    const aws = new FakeAws(volumes);
    await expect(aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [ids[0] ?? ''] }))).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });

  it('answers EBSIOBalance% only at the 5-minute points of basic monitoring, whatever the period asked', async () => {
    const aws = new FakeAws(volumes);
    aws.instanceEbsBalance.set(ids[0] ?? '', { ioPercent: 50, bytePercent: 80 });
    const points = async (period: number) => {
      const answer = await aws.cloudwatch.send(new GetMetricDataCommand({
        StartTime: new Date((NOW_EPOCH_SECONDS - 3600) * 1000), EndTime: new Date(NOW_EPOCH_SECONDS * 1000),
        MetricDataQueries: [{ Id: 'io', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'EBSIOBalance%', Dimensions: [{ Name: 'InstanceId', Value: ids[0] }] }, Period: period, Stat: 'Average' } }],
      }));
      return (answer.MetricDataResults?.[0]?.Timestamps ?? []).map((t) => t.getTime() / 1000);
    };
    const perMinute = await points(60);
    expect(perMinute.length).toBeGreaterThan(0);
    for (const t of perMinute) expect(t % 300).toBe(0);
    expect(perMinute.length).toBeLessThanOrEqual(3600 / 300);
    expect((await points(300)).length).toBeGreaterThan(0);
  });
});
