import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetricsUnavailableError } from '../../lambda/core/errors';
import type { MetricsRequest } from '../../lambda/core/ports';
import { CloudWatchBurstMetricsReader, queriesPerCall } from '../../lambda/aws/cloudwatch-burst-metrics-reader';
import { planQueries } from '../../lambda/aws/cloudwatch-metric-queries';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

const START = 1_767_225_600;
const END = START + 3600;

function reader(): CloudWatchBurstMetricsReader {
  return new CloudWatchBurstMetricsReader({ client: new CloudWatchClient({ region: 'us-east-1' }), iopsExceededCheck: false });
}

function request(count: number, overrides: Partial<MetricsRequest> = {}): MetricsRequest {
  const volumes = Array.from({ length: count }, (_, i) => ({ volumeId: `vol-${i}`, type: 'gp2' as const, instanceId: `i-${i}` }));
  return { volumes, startEpochSeconds: START, endEpochSeconds: END, periodSeconds: 60, ...overrides };
}

function answerEveryQuery(value: number): void {
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, StatusCode: 'Complete', Timestamps: [new Date(START * 1000)], Values: [value] })),
  }));
}

describe('CloudWatchBurstMetricsReader', () => {
  it('reads 1,000 volumes × 3 metrics in 6 calls of at most 500 queries, one window for all', async () => {
    answerEveryQuery(50);
    const result = await reader().readMetrics(request(1000));
    const inputs = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(inputs.length).toBe(6);
    expect(inputs.every((i) => (i.MetricDataQueries?.length ?? 0) <= 500)).toBe(true);
    expect(inputs.every((i) => i.StartTime?.getTime() === START * 1000 && i.EndTime?.getTime() === END * 1000)).toBe(true);
    expect(result.metricsRequested).toBe(3000);
    expect(result.series.size).toBe(1000);
    expect(result.errors.size).toBe(0);
  });

  it.each([
    [3 * 3600, 60, 500],
    [24 * 3600, 60, 70],
    [24 * 3600, 300, 350],
    [7 * 86_400, 60, 10],
    [60, 60, 500],
  ])('sizes batches so a %d s window at %d s fits one page: %d queries a call', (windowSeconds, periodSeconds, expected) => {
    expect(queriesPerCall({ startEpochSeconds: START, endEpochSeconds: START + windowSeconds, periodSeconds })).toBe(expected);
  });

  it('splits a 24-hour window into calls of at most 100,800 datapoints', async () => {
    answerEveryQuery(1);
    await reader().readMetrics(request(100, { endEpochSeconds: START + 86_400 }));
    const sizes = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries?.length ?? 0);
    expect(sizes).toEqual([70, 70, 70, 70, 20]);
  });

  it('asks for BurstBalance Average and ops Sum per volume with mappable ids', async () => {
    answerEveryQuery(1);
    await reader().readMetrics(request(1));
    expect(cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries).toEqual([
      { Id: 'v0_bb', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/EBS', MetricName: 'BurstBalance', Dimensions: [{ Name: 'VolumeId', Value: 'vol-0' }] }, Period: 60, Stat: 'Average' } },
      { Id: 'v0_ro', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/EBS', MetricName: 'VolumeReadOps', Dimensions: [{ Name: 'VolumeId', Value: 'vol-0' }] }, Period: 60, Stat: 'Sum' } },
      { Id: 'v0_wo', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/EBS', MetricName: 'VolumeWriteOps', Dimensions: [{ Name: 'VolumeId', Value: 'vol-0' }] }, Period: 60, Stat: 'Sum' } },
    ]);
  });

  it.each([
    ['gp2', ['burstBalancePercent', 'readOps', 'writeOps', 'iopsExceededCheck', 'containerStartP90Ms']],
    ['gp3', ['readOps', 'writeOps', 'containerStartP90Ms']],
    ['st1', ['burstBalancePercent', 'readOps', 'writeOps', 'readBytes', 'writeBytes', 'containerStartP90Ms']],
    ['sc1', ['burstBalancePercent', 'readOps', 'writeOps', 'readBytes', 'writeBytes', 'containerStartP90Ms']],
  ] as const)('plans the metrics a %s volume needs', (type, fields) => {
    const planned = planQueries({ ...request(0), probeNamespace: 'Guardian/Probe', volumes: [{ volumeId: 'vol-1', type, instanceId: 'i-1' }] });
    expect(planned.map((q) => q.field)).toEqual(fields);
    const probe = planned.find((q) => q.field === 'containerStartP90Ms')?.query.MetricStat?.Metric;
    expect(probe).toEqual({ Namespace: 'Guardian/Probe', MetricName: 'ContainerStartLatencyP90', Dimensions: [{ Name: 'VolumeId', Value: 'vol-1' }, { Name: 'InstanceId', Value: 'i-1' }] });
  });

  it('skips the probe metric for a volume without an instance', () => {
    const planned = planQueries({ ...request(0), probeNamespace: 'Guardian/Probe', volumes: [{ volumeId: 'vol-1', type: 'gp3' }] });
    expect(planned.map((q) => q.field)).toEqual(['readOps', 'writeOps']);
  });

  it('joins PartialData pages by NextToken, sorted, and leaves missing series empty instead of zero', async () => {
    const page1: MetricDataResult[] = [{ Id: 'v0_bb', StatusCode: 'PartialData', Timestamps: [new Date((START + 60) * 1000)], Values: [80] }];
    const page2: MetricDataResult[] = [
      { Id: 'v0_bb', StatusCode: 'Complete', Timestamps: [new Date(START * 1000)], Values: [81] },
      { Id: 'v0_ro', StatusCode: 'Complete', Timestamps: [], Values: [] },
    ];
    cw.on(GetMetricDataCommand).resolvesOnce({ MetricDataResults: page1, NextToken: 'next' }).resolvesOnce({ MetricDataResults: page2 });
    const result = await reader().readMetrics(request(1));
    const series = result.series.get('vol-0');
    expect(series?.burstBalancePercent).toEqual([{ tEpochSeconds: START, value: 81 }, { tEpochSeconds: START + 60, value: 80 }]);
    expect(series?.readOps).toEqual([]);
    expect(series?.writeOps).toEqual([]);
    expect(cw.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('next');
    expect(result.metricsRequested).toBe(6);
  });

  it('puts a volume whose query answered Forbidden in errors as MetricsUnavailableError, others unaffected', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'v0_bb', StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'no access' }] },
        { Id: 'v1_bb', StatusCode: 'Complete', Timestamps: [new Date(START * 1000)], Values: [40] },
      ],
    });
    const result = await reader().readMetrics(request(2));
    expect(result.errors.get('vol-0')).toBeInstanceOf(MetricsUnavailableError);
    expect(result.series.has('vol-0')).toBe(false);
    expect(result.series.get('vol-1')?.burstBalancePercent).toEqual([{ tEpochSeconds: START, value: 40 }]);
  });

  it('records the volumes of a failed batch in errors with the SDK error as cause and reads the other batches', async () => {
    const boom = Object.assign(new Error('internal'), { name: 'InternalServiceFault' });
    cw.on(GetMetricDataCommand)
      .rejectsOnce(boom)
      .callsFake((input: GetMetricDataCommandInput) => ({ MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] })) }));
    const result = await new CloudWatchBurstMetricsReader({ client: new CloudWatchClient({ region: 'us-east-1' }), iopsExceededCheck: false, maxConcurrentCalls: 1 }).readMetrics(request(200));
    expect(result.errors.size).toBe(167);
    expect((result.errors.get('vol-0') as MetricsUnavailableError).cause).toBe(boom);
    expect(result.series.size).toBe(33);
  });

  it('never has more than the configured calls in flight, and a call the SDK gave up on costs its batch only', async () => {
    let inFlight = 0;
    let peak = 0;
    let throttled = false;
    cw.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (!throttled) {
        throttled = true;
        throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      }
      return { MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] })) };
    });
    const result = await new CloudWatchBurstMetricsReader({ client: new CloudWatchClient({ region: 'us-east-1' }), iopsExceededCheck: false, maxConcurrentCalls: 3 }).readMetrics(request(2000));
    expect(peak).toBeLessThanOrEqual(3);
    // One throttled call (after the SDK's own retries): its batch's volumes are errors, never zeros; no second attempt here.
    expect(cw.commandCalls(GetMetricDataCommand).length).toBe(12);
    expect(result.errors.size).toBeGreaterThan(0);
    expect(result.errors.size).toBeLessThan(2000);
    expect(result.series.size + result.errors.size).toBe(2000);
  });
});
