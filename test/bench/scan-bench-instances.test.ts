import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { burstableInstanceSpec } from '../../lambda/core/credit/instance-ebs';
import { createFakeClients, type FakeAccount } from './scan-bench-aws';
import { BURSTABLE_TYPES, instanceCount, instanceIdOf, instanceNumberOf, instanceTypeOf, SUSTAINED_TYPES } from './scan-bench-instances';

function account(volumes: number, burstableInstanceShare: number): FakeAccount {
  const calls = { DescribeVolumes: 0, DescribeVolumesModifications: 0, DescribeInstances: 0, ModifyVolume: 0, GetMetricData: 0, Publish: 0 };
  return { volumes, latencyMs: 0, burstableInstanceShare, calls, instanceMetricsRequested: 0, modifications: new Map(), peakQueriesPerCall: 0, peakDatapointsPerCall: 0 };
}

describe('bench:scan instances', () => {
  it('puts 10 volumes on 7 instances (3, 2, then one each)', () => {
    expect(Array.from({ length: 10 }, (_, i) => instanceNumberOf(i))).toEqual([0, 0, 0, 1, 1, 2, 3, 4, 5, 6]);
    expect(instanceNumberOf(13)).toBe(8);
    expect(instanceCount(10_000)).toBe(7_000);
  });

  it('meets the burstable share with types that have a bucket, and none at share 0', () => {
    for (const share of [0, 0.3, 0.5, 1]) {
      const types = Array.from({ length: 7_000 }, (_, n) => instanceTypeOf(n, share));
      const burstable = types.filter((t) => burstableInstanceSpec(t) !== undefined).length;
      expect(Math.abs(burstable - share * 7_000)).toBeLessThanOrEqual(7);
    }
    for (const t of BURSTABLE_TYPES) expect(burstableInstanceSpec(t)).toBeDefined();
    for (const t of SUSTAINED_TYPES) expect(burstableInstanceSpec(t)).toBeUndefined();
  });

  it('answers DescribeInstances as EC2 documents: pages, filters, and whole-call errors', async () => {
    const { ec2 } = createFakeClients(account(100, 0.5));
    const first = await ec2.send(new DescribeInstancesCommand({ MaxResults: 50 }));
    expect(first.Reservations?.[0]?.Instances).toHaveLength(50);
    const rest = await ec2.send(new DescribeInstancesCommand({ MaxResults: 50, NextToken: first.NextToken }));
    expect(rest.Reservations?.[0]?.Instances).toHaveLength(20);
    expect(rest.NextToken).toBeUndefined();
    const filtered = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceIdOf(3), instanceIdOf(5_000)] }] }));
    expect(filtered.Reservations?.[0]?.Instances?.map((i) => i.InstanceId)).toEqual([instanceIdOf(3)]);
    const byId = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceIdOf(3)] }));
    expect(byId.Reservations?.[0]?.Instances?.[0]?.InstanceType).toBe(instanceTypeOf(3, 0.5));
    await expect(ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceIdOf(3), instanceIdOf(5_000)] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    await expect(ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceIdOf(3)], MaxResults: 5 }))).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await expect(ec2.send(new DescribeInstancesCommand({ MaxResults: 4 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
