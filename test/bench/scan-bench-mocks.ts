/**
 * Mocked EC2 and CloudWatch for `bench:scan`: a seeded fleet, per-call latency and occasional
 * throttling, answering DescribeVolumes and GetMetricData as AWS would (pages, ids, delay).
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { DescribeVolumesCommand, EC2Client, type DescribeVolumesCommandInput, type Volume } from '@aws-sdk/client-ec2';

/** Settings of the mocked APIs. */
export interface MockSettings {
  readonly volumes: number;
  readonly latencyMs: number;
  /** Probability that a call is throttled (Throttling / RequestLimitExceeded). */
  readonly throttleRate: number;
  readonly seed: number;
}

/** What the mocks saw. */
export interface MockCounters {
  readonly calls: Record<'DescribeVolumes' | 'GetMetricData', number>;
  readonly throttled: Record<'DescribeVolumes' | 'GetMetricData', number>;
  peakQueriesPerCall: number;
  peakDatapointsPerCall: number;
}

/** mulberry32: a small seeded PRNG so every run sees the same fleet and the same throttles. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TYPES = ['gp2', 'gp2', 'gp2', 'gp2', 'gp2', 'gp2', 'gp2', 'gp3', 'st1', 'sc1'] as const;

function fleetVolume(i: number): Volume {
  const type = TYPES[i % TYPES.length] ?? 'gp2';
  const sizeGiB = type === 'st1' || type === 'sc1' ? 500 + (i % 4) * 250 : 20 + (i % 50) * 10;
  const attached = i % 23 !== 0; // some detached volumes: no instance, no datapoints
  return {
    VolumeId: `vol-${i.toString(16).padStart(17, '0')}`,
    VolumeType: type,
    Size: sizeGiB,
    Iops: type === 'gp2' ? Math.max(100, 3 * sizeGiB) : type === 'gp3' ? 3000 : undefined,
    State: attached ? 'in-use' : 'available',
    Attachments: attached ? [{ InstanceId: `i-${i.toString(16).padStart(17, '0')}`, State: 'attached' }] : [],
    Tags: [{ Key: 'Name', Value: `ci-runner-${i}` }, { Key: 'team', Value: i % 2 === 0 ? 'ci' : 'build' }],
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function throttleError(name: string): Error {
  return Object.assign(new Error('Rate exceeded'), { name });
}

/** A metric's synthetic value at a time: some gp2 volumes drain, the rest idle; ops follow. */
function valueOf(volumeIndex: number, metric: string, t: number, start: number): number {
  const draining = volumeIndex % 5 === 0;
  const minutes = (t - start) / 60;
  switch (metric) {
    case 'BurstBalance':
      return draining ? Math.max(0, 90 - minutes * 0.4) : 100;
    case 'VolumeReadOps':
    case 'VolumeWriteOps':
      return (draining ? 1200 : 40) * 60;
    case 'VolumeReadBytes':
    case 'VolumeWriteBytes':
      return 20 * 1_048_576 * 60;
    default:
      return 0;
  }
}

/**
 * Clients whose `send` answers from the seeded fleet. Not aws-sdk-client-mock: its sinon stubs keep
 * every response for inspection, which at 10,000 volumes would measure the mock's memory, not ours.
 */
export function createMockClients(settings: MockSettings): { ec2: EC2Client; cloudWatch: CloudWatchClient; counters: MockCounters } {
  const random = seededRandom(settings.seed);
  const counters: MockCounters = {
    calls: { DescribeVolumes: 0, GetMetricData: 0 },
    throttled: { DescribeVolumes: 0, GetMetricData: 0 },
    peakQueriesPerCall: 0,
    peakDatapointsPerCall: 0,
  };
  const describeVolumes = async (input: DescribeVolumesCommandInput) => {
    await sleep(settings.latencyMs);
    if (random() < settings.throttleRate) {
      counters.throttled.DescribeVolumes++;
      throw throttleError('RequestLimitExceeded');
    }
    counters.calls.DescribeVolumes++;
    const start = Number(input.NextToken ?? '0');
    const end = Math.min(settings.volumes, start + (input.MaxResults ?? 1000));
    const page = Array.from({ length: end - start }, (_, k) => fleetVolume(start + k));
    return { Volumes: page, ...(end < settings.volumes ? { NextToken: String(end) } : {}) };
  };
  const getMetricData = async (input: GetMetricDataCommandInput) => {
    await sleep(settings.latencyMs);
    if (random() < settings.throttleRate) {
      counters.throttled.GetMetricData++;
      throw throttleError('Throttling');
    }
    counters.calls.GetMetricData++;
    const queries = input.MetricDataQueries ?? [];
    counters.peakQueriesPerCall = Math.max(counters.peakQueriesPerCall, queries.length);
    const results: MetricDataResult[] = [];
    let datapoints = 0;
    const startSeconds = Math.floor((input.StartTime?.getTime() ?? 0) / 1000);
    // CloudWatch publishes EBS metrics ~2 minutes late: the last two periods are missing.
    const endSeconds = Math.floor((input.EndTime?.getTime() ?? 0) / 1000) - 120;
    for (const query of queries) {
      const stat = query.MetricStat;
      const volumeId = stat?.Metric?.Dimensions?.[0]?.Value ?? '';
      const volumeIndex = parseInt(volumeId.slice(4), 16);
      const period = stat?.Period ?? 60;
      const timestamps: Date[] = [];
      const values: number[] = [];
      const detached = volumeIndex % 23 === 0;
      if (!detached && stat?.Metric?.Namespace === 'AWS/EBS') {
        for (let t = startSeconds; t + period <= endSeconds; t += period) {
          timestamps.push(new Date(t * 1000));
          values.push(valueOf(volumeIndex, stat.Metric.MetricName ?? '', t, startSeconds));
        }
      }
      datapoints += values.length;
      results.push({ Id: query.Id, Label: stat?.Metric?.MetricName, StatusCode: 'Complete', Timestamps: timestamps, Values: values });
    }
    counters.peakDatapointsPerCall = Math.max(counters.peakDatapointsPerCall, datapoints);
    return { MetricDataResults: results };
  };
  const ec2 = new EC2Client({ region: 'us-east-1' });
  const cloudWatch = new CloudWatchClient({ region: 'us-east-1' });
  const route = async (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeVolumesCommand) return describeVolumes(command.input);
    if (command instanceof GetMetricDataCommand) return getMetricData(command.input);
    throw new Error(`bench mock: unexpected command ${String(command)}`);
  };
  (ec2 as unknown as { send: typeof route }).send = route;
  (cloudWatch as unknown as { send: typeof route }).send = route;
  return { ec2, cloudWatch, counters };
}
