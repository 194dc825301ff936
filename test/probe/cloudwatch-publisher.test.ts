import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetricsPublishError } from '../../lambda/core/errors';
import { batchDatums, CloudWatchProbePublisher } from '../../lambda/probe/cloudwatch-publisher';
import { PROBE_NAMESPACE } from '../../lambda/shared/probe-metric-names';
import { buildMetricData, type ProbeDatum } from '../../lambda/probe/report';
import { FULL_REPORT } from './report-fixtures';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

/** `n` datums, as a daemon would have buffered across failed intervals. */
function manyDatums(n: number): ProbeDatum[] {
  const one = buildMetricData(FULL_REPORT)[0];
  if (one === undefined) throw new Error('fixture yields no datum');
  return Array.from({ length: n }, (_, i) => ({ ...one, Value: i }));
}

describe('batchDatums', () => {
  it.each([
    { n: 0, maxMetrics: 1000, sizes: [] },
    { n: 7, maxMetrics: 1000, sizes: [7] },
    { n: 1000, maxMetrics: 1000, sizes: [1000] },
    { n: 2001, maxMetrics: 1000, sizes: [1000, 1000, 1] },
  ])('splits $n datums at $maxMetrics per call into $sizes', ({ n, maxMetrics, sizes }) => {
    expect(batchDatums(manyDatums(n), maxMetrics).map((b) => b.length)).toEqual(sizes);
  });

  it('splits on the byte budget before the count limit', () => {
    const datums = manyDatums(10);
    const oneSize = JSON.stringify(datums[0]).length;
    expect(batchDatums(datums, 1000, oneSize * 4 + 5).map((b) => b.length)).toEqual([4, 4, 2]);
  });
});

describe('CloudWatchProbePublisher', () => {
  it('sends one PutMetricData with the exact input for one interval', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const publisher = new CloudWatchProbePublisher({ client: new CloudWatchClient({ region: 'eu-west-1' }), namespace: PROBE_NAMESPACE });
    expect(await publisher.publish(buildMetricData(FULL_REPORT))).toBe(1);
    const calls = cw.commandCalls(PutMetricDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Namespace: 'EbsBurstGuardian/Probe', MetricData: buildMetricData(FULL_REPORT) });
  });

  it('sends buffered datums in batches of at most 1,000 metrics', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const publisher = new CloudWatchProbePublisher({ client: new CloudWatchClient({ region: 'eu-west-1' }), namespace: 'X/Y' });
    expect(await publisher.publish(manyDatums(2500))).toBe(3);
    const calls = cw.commandCalls(PutMetricDataCommand);
    expect(calls.map((c) => c.args[0].input.MetricData?.length)).toEqual([1000, 1000, 500]);
    expect(calls.map((c) => c.args[0].input.Namespace)).toEqual(['X/Y', 'X/Y', 'X/Y']);
  });

  it('sends nothing for no datums', async () => {
    const publisher = new CloudWatchProbePublisher({ client: new CloudWatchClient({ region: 'eu-west-1' }), namespace: 'X/Y' });
    expect(await publisher.publish([])).toBe(0);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('throws MetricsPublishError keeping the SDK error as cause', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform cloudwatch:PutMetricData'), { name: 'AccessDenied' });
    cw.on(PutMetricDataCommand).rejects(denied);
    const publisher = new CloudWatchProbePublisher({ client: new CloudWatchClient({ region: 'eu-west-1' }), namespace: 'X/Y' });
    const error = await publisher.publish(buildMetricData(FULL_REPORT)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsPublishError);
    expect((error as MetricsPublishError).message).toMatch(/batch 1\/1 to X\/Y failed: AccessDenied/);
    expect((error as MetricsPublishError).cause).toBe(denied);
  });

  it('stops at the first failed batch and returns only the datums not yet sent', async () => {
    cw.on(PutMetricDataCommand).resolvesOnce({}).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));
    const publisher = new CloudWatchProbePublisher({ client: new CloudWatchClient({ region: 'eu-west-1' }), namespace: 'X/Y' });
    const datums = manyDatums(2500);
    const outcome = await publisher.publishUntilFailure(datums);
    expect(outcome.sentRequests).toBe(1);
    expect(outcome.unsent).toEqual(datums.slice(1000));
    expect(outcome.error).toBeInstanceOf(MetricsPublishError);
    expect(outcome.error?.message).toMatch(/batch 2\/3 .* failed: Throttling/);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(2);
  });
});
