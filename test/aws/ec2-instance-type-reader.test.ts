import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ec2InstanceTypeReader } from '../../lambda/aws/ec2-instance-type-reader';
import { NotAuthorizedError } from '../../lambda/core/errors';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());
const reader = () => new Ec2InstanceTypeReader({ client: new EC2Client({ region: 'us-east-1' }) });

describe('Ec2InstanceTypeReader', () => {
  it('asks DescribeInstances with the instance-id filter and MaxResults 1000, follows NextToken, and leaves unknown ids out', async () => {
    ec2.on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-a', InstanceType: 'm5.large' }] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-b', InstanceType: 't3.medium' }] }] });
    const types = await reader().readInstanceTypes(['i-a', 'i-b', 'i-gone', 'i-a']);
    expect(ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Name: 'instance-id', Values: ['i-a', 'i-b', 'i-gone'] }], MaxResults: 1000 },
      { Filters: [{ Name: 'instance-id', Values: ['i-a', 'i-b', 'i-gone'] }], MaxResults: 1000, NextToken: 'p2' },
    ]);
    expect([...types]).toEqual([['i-a', 'm5.large'], ['i-b', 't3.medium']]);
  });

  it('lists every instance, 1,000 a page, for more than 1,000 ids, keeping only the ids asked for', async () => {
    ec2.on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-0', InstanceType: 'm5.large' }, { InstanceId: 'i-other', InstanceType: 'c5.large' }] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1000', InstanceType: 't3.medium' }] }] });
    const types = await reader().readInstanceTypes(Array.from({ length: 1_001 }, (_, i) => `i-${i}`));
    expect(ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([{ MaxResults: 1000 }, { MaxResults: 1000, NextToken: 'p2' }]);
    expect([...types]).toEqual([['i-0', 'm5.large'], ['i-1000', 't3.medium']]);
  });

  it('splits up to 1,000 ids into filtered calls of 200 (EC2 caps a filter at 200 values)', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    await reader().readInstanceTypes(Array.from({ length: 201 }, (_, i) => `i-${i}`));
    expect(ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.Filters?.[0]?.Values?.length)).toEqual([200, 1]);
  });

  it('throws NotAuthorizedError when the role lacks ec2:DescribeInstances', async () => {
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }));
    await expect(reader().readInstanceTypes(['i-a'])).rejects.toBeInstanceOf(NotAuthorizedError);
  });
});
