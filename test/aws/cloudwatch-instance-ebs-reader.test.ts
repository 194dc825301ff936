import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchInstanceEbsReader } from '../../lambda/aws/cloudwatch-instance-ebs-reader';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());
const T = 1_767_571_200;
const at = (s: number) => new Date((T + s) * 1000);

function reader() {
  return new CloudWatchInstanceEbsReader({ client: new CloudWatchClient({ region: 'us-east-1' }) });
}

describe('CloudWatchInstanceEbsReader', () => {
  it('asks EBSIOBalance% and EBSByteBalance% once per distinct instance, 5-minute Average, and follows NextToken', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'i0_io', StatusCode: 'Complete', Timestamps: [at(300)], Values: [40] }], NextToken: 'p2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'i0_io', StatusCode: 'Complete', Timestamps: [at(0)], Values: [55] }, { Id: 'i0_by', StatusCode: 'Complete', Timestamps: [at(0)], Values: [90] }] });
    const balances = await reader().readInstanceBalances({ instanceIds: ['i-0abc', 'i-0abc'], startEpochSeconds: T - 3600, endEpochSeconds: T + 600 });
    const input = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.MetricDataQueries).toEqual([
      { Id: 'i0_io', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'EBSIOBalance%', Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc' }] }, Period: 300, Stat: 'Average' }, ReturnData: true },
      { Id: 'i0_by', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'EBSByteBalance%', Dimensions: [{ Name: 'InstanceId', Value: 'i-0abc' }] }, Period: 300, Stat: 'Average' }, ReturnData: true },
    ]);
    expect(cw.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('p2');
    expect(balances.get('i-0abc')).toEqual({
      instanceId: 'i-0abc',
      ioBalancePercent: [{ tEpochSeconds: T, value: 55 }, { tEpochSeconds: T + 300, value: 40 }],
      byteBalancePercent: [{ tEpochSeconds: T, value: 90 }],
    });
  });

  it('leaves out an instance that publishes nothing (a size that does not burst) and one whose result is not Complete', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'i0_io', StatusCode: 'Complete', Timestamps: [], Values: [] },
        { Id: 'i0_by', StatusCode: 'Complete', Timestamps: [], Values: [] },
        { Id: 'i1_io', StatusCode: 'Forbidden', Timestamps: [at(0)], Values: [3] },
      ],
    });
    const balances = await reader().readInstanceBalances({ instanceIds: ['i-big', 'i-denied'], startEpochSeconds: T - 3600, endEpochSeconds: T });
    expect([...balances.keys()]).toEqual([]);
  });

  it('splits more than 500 queries into several calls', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await reader().readInstanceBalances({ instanceIds: Array.from({ length: 251 }, (_, i) => `i-${i}`), startEpochSeconds: T - 3600, endEpochSeconds: T });
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries?.length)).toEqual([500, 2]);
  });
});
