/**
 * EC2, CloudWatch and SNS for `bench:scan`, answering as AWS documents (DESIGN.md §2b), behind the
 * real SDK clients' `send` (not aws-sdk-client-mock: its stubs keep every response, which at 50,000
 * volumes would measure the mock's memory). Every call waits the given latency and is counted.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, DescribeVolumesCommand, DescribeVolumesModificationsCommand, EC2Client, type DescribeInstancesCommandInput, ModifyVolumeCommand, type DescribeVolumesCommandInput, type DescribeVolumesModificationsCommandInput, type Filter, type Volume, type VolumeModification } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { hasBasicMonitoringPoint } from '../helpers/basic-monitoring';
import { fleetVolume, metricValue, type FleetVolume } from './scan-bench-fleet';
import { instanceCount, instanceIdOf, instanceMetricValue, instanceNumberOf, instanceNumberOfId, instanceTypeOf } from './scan-bench-instances';

/** API calls the fakes answered, by name. */
export type CallCounts = Record<'DescribeVolumes' | 'DescribeVolumesModifications' | 'DescribeInstances' | 'ModifyVolume' | 'GetMetricData' | 'Publish', number>;

/** What the fakes share: the account's volumes, the latency, the counters. */
export interface FakeAccount {
  readonly volumes: number;
  readonly latencyMs: number;
  /** Share of the instances that are sizes with an EBS burst bucket (scan-bench-instances.ts). */
  readonly burstableInstanceShare: number;
  readonly calls: CallCounts;
  /** `AWS/EC2` metrics requested (first pages only: a NextToken page repeats the same queries). */
  instanceMetricsRequested: number;
  /** Completed modifications per volume (the flipped ones), as DescribeVolumesModifications returns the latest. */
  readonly modifications: Map<string, VolumeModification>;
  peakQueriesPerCall: number;
  peakDatapointsPerCall: number;
}

/** A service error shaped as the SDK v3 throws it (`name` = AWS error code). */
function awsError(code: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name: code, Code: code, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One unmanaged volume in 20 of the account lacks the opt-in tag, so filtered pages come back short. */
const UNMANAGED_EVERY = 20;

function describeOf(v: FleetVolume): Volume {
  return {
    VolumeId: v.volumeId, VolumeType: v.type, Size: v.sizeGiB, Iops: v.type === 'gp2' ? Math.max(100, 3 * v.sizeGiB) : 3000,
    ...(v.type === 'gp3' ? { Throughput: 125 } : {}),
    State: v.attached ? 'in-use' : 'available', AvailabilityZone: 'us-east-1a',
    Attachments: v.attached ? [{ InstanceId: instanceIdOf(instanceNumberOf(v.index)), State: 'attached', VolumeId: v.volumeId }] : [],
    Tags: [{ Key: 'Name', Value: `ci-runner-${v.index}` }, ...(v.index % UNMANAGED_EVERY === UNMANAGED_EVERY - 1 ? [] : [{ Key: 'burst-guardian', Value: 'managed' }])],
  };
}

function matches(volume: Volume, filters: readonly Filter[]): boolean {
  return filters.every((f) => {
    const values = f.Values ?? [];
    if (f.Name === 'volume-type') return values.includes(volume.VolumeType ?? '');
    if (f.Name === 'volume-id') return values.includes(volume.VolumeId ?? '');
    if (f.Name === 'tag-key') return (volume.Tags ?? []).some((t) => values.includes(t.Key ?? ''));
    if (f.Name?.startsWith('tag:') === true) return (volume.Tags ?? []).some((t) => t.Key === f.Name?.slice(4) && values.includes(t.Value ?? ''));
    throw awsError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
  });
}

/**
 * DescribeVolumes: MaxResults 5–500 with NextToken, not with VolumeIds; filters apply to each page
 * of the account, so a page can be short or empty and still carry a NextToken; order not promised
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html).
 */
function describeVolumes(account: FakeAccount, input: DescribeVolumesCommandInput) {
  const max = input.MaxResults;
  if (max !== undefined && (max < 5 || max > 500)) throw awsError('InvalidParameterValue', `MaxResults ${max} is out of range 5-500`);
  if (max !== undefined && (input.VolumeIds?.length ?? 0) > 0) throw awsError('InvalidParameterCombination', 'The parameter volumeSet cannot be used with the parameter maxResults');
  const start = Number(input.NextToken ?? '0');
  const end = Math.min(account.volumes, start + (max ?? account.volumes));
  const page: Volume[] = [];
  for (let i = start; i < end; i++) {
    const volume = describeOf(fleetVolume(i));
    if (matches(volume, input.Filters ?? [])) page.push(volume);
  }
  return { Volumes: page.reverse(), ...(end < account.volumes ? { NextToken: String(end) } : {}) };
}

/**
 * DescribeVolumesModifications returns each volume's latest modification. With `VolumeIds`, one
 * unknown or never-modified volume fails the whole call (InvalidVolumeModification.NotFound,
 * awslabs/aws-sdk-rust#1346); the `volume-id` filter answers with what exists, MaxResults ≤ 500 a page
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumesModifications.html).
 */
function describeModifications(account: FakeAccount, input: DescribeVolumesModificationsCommandInput) {
  const known = (id: string) => /^vol-[0-9a-f]{17}$/.test(id) && parseInt(id.slice(4), 16) < account.volumes;
  for (const id of input.VolumeIds ?? []) {
    if (!known(id)) throw awsError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    if (!account.modifications.has(id)) throw awsError('InvalidVolumeModification.NotFound', `Modification for volume '${id}' does not exist.`);
  }
  const filterIds = (input.Filters ?? []).find((f) => f.Name === 'volume-id')?.Values;
  const ids = input.VolumeIds ?? filterIds ?? [...account.modifications.keys()];
  const found = ids.map((id) => account.modifications.get(id)).filter((m): m is VolumeModification => m !== undefined);
  const start = Number(input.NextToken ?? '0');
  const max = Math.min(500, input.MaxResults ?? 500);
  return { VolumesModifications: found.slice(start, start + max), ...(start + max < found.length ? { NextToken: String(start + max) } : {}) };
}

/** The bench policy is a dry run: EC2 answers DryRunOperation when the caller is allowed (HTTP 412). */
function modifyVolume(input: { DryRun?: boolean; VolumeId?: string }) {
  if (input.DryRun === true) throw awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  throw awsError('UnauthorizedOperation', `bench:scan runs a dry-run policy; ModifyVolume on ${input.VolumeId} is not modelled`, 403);
}

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;

/**
 * GetMetricData: ≤ 500 queries with unique ids matching `^[a-z][a-zA-Z0-9_]*$`, ≤ 100,800 datapoints a
 * page (more → PartialData and NextToken), ScanBy honoured, EBS points published ~2 minutes late, no
 * points at all for a detached volume
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
 */
function getMetricData(account: FakeAccount, input: GetMetricDataCommandInput) {
  const queries = input.MetricDataQueries ?? [];
  if (queries.length === 0 || queries.length > MAX_QUERIES) throw awsError('ValidationError', `MetricDataQueries must have 1-${MAX_QUERIES} members, got ${queries.length}`);
  const ids = new Set<string>();
  for (const q of queries) {
    if (q.Id === undefined || !QUERY_ID.test(q.Id) || ids.has(q.Id)) throw awsError('ValidationError', `invalid or duplicate query id '${q.Id}'`);
    ids.add(q.Id);
  }
  account.peakQueriesPerCall = Math.max(account.peakQueriesPerCall, queries.length);
  if (input.NextToken === undefined) account.instanceMetricsRequested += queries.filter((q) => q.MetricStat?.Metric?.Namespace === 'AWS/EC2').length;
  const start = Math.floor((input.StartTime?.getTime() ?? 0) / 1000);
  const published = Math.floor((input.EndTime?.getTime() ?? 0) / 1000) - 120;
  const [fromQuery, fromPoint] = (input.NextToken ?? '0:0').split(':').map(Number) as [number, number];
  const results: MetricDataResult[] = [];
  let points = 0;
  let next: string | undefined;
  for (let qi = fromQuery; qi < queries.length && next === undefined; qi++) {
    const stat = queries[qi]?.MetricStat;
    const id = stat?.Metric?.Dimensions?.find((d) => d.Name === 'VolumeId')?.Value ?? '';
    const instance = stat?.Metric?.Namespace === 'AWS/EC2' ? instanceNumberOfId(stat.Metric.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value ?? '') : undefined;
    const period = stat?.Period ?? 60;
    const volume = /^vol-[0-9a-f]{17}$/.test(id) ? fleetVolume(parseInt(id.slice(4), 16)) : undefined;
    const valueAt = (t: number): number | undefined => {
      if (instance !== undefined) return instance < instanceCount(account.volumes) && hasBasicMonitoringPoint(t, period) ? instanceMetricValue(instance, stat?.Metric?.MetricName ?? '', account.burstableInstanceShare) : undefined;
      return volume === undefined || stat?.Metric?.Namespace !== 'AWS/EBS' ? undefined : metricValue(volume, stat.Metric.MetricName ?? '', t);
    };
    const timestamps: Date[] = [];
    const values: number[] = [];
    let k = 0;
    for (let t = start; t + period <= published; t += period, k++) {
      if (qi === fromQuery && k < fromPoint) continue;
      const value = valueAt(t);
      if (value === undefined) continue;
      if (points === MAX_DATAPOINTS) {
        next = `${qi}:${k}`;
        break;
      }
      timestamps.push(new Date(t * 1000));
      values.push(value);
      points++;
    }
    if (input.ScanBy !== 'TimestampAscending') {
      timestamps.reverse();
      values.reverse();
    }
    results.push({ Id: queries[qi]?.Id, Label: stat?.Metric?.MetricName, StatusCode: next === undefined ? 'Complete' : 'PartialData', Timestamps: timestamps, Values: values });
  }
  account.peakDatapointsPerCall = Math.max(account.peakDatapointsPerCall, points);
  return { MetricDataResults: results, Messages: [], ...(next === undefined ? {} : { NextToken: next }) };
}

/**
 * DescribeInstances (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html):
 * MaxResults 5–1000 with NextToken, not with `InstanceIds` (InvalidParameterCombination); an id in
 * `InstanceIds` that does not exist fails the whole call (InvalidInstanceID.NotFound, "If you specify
 * an instance ID that is not valid, an error is returned"); the `instance-id` filter leaves unknown ids
 * out. Filters apply per page of the account, so a filtered page can be short or empty and still carry
 * a NextToken. Instances, their volumes and types: scan-bench-instances.ts.
 */
/** A well-formed instance id (else InvalidInstanceID.Malformed: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

function describeInstances(account: FakeAccount, input: DescribeInstancesCommandInput) {
  const max = input.MaxResults;
  const ids = input.InstanceIds ?? [];
  if (max !== undefined && (max < 5 || max > 1000)) throw awsError('InvalidParameterValue', `MaxResults ${max} outside 5–1000`);
  if (max !== undefined && ids.length > 0) throw awsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  const total = instanceCount(account.volumes);
  const exists = (n: number | undefined): n is number => n !== undefined && n < total;
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw awsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  for (const id of ids) if (!exists(instanceNumberOfId(id))) throw awsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  for (const f of input.Filters ?? []) if (f.Name !== 'instance-id') throw awsError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
  const filter = input.Filters?.find((f) => f.Name === 'instance-id')?.Values;
  const wanted = filter === undefined ? undefined : new Set(filter);
  const numbers = ids.length > 0 ? ids.map(instanceNumberOfId).filter(exists) : undefined;
  const start = Number(input.NextToken ?? '0');
  const end = numbers !== undefined ? total : Math.min(total, start + (max ?? total));
  const instances: { InstanceId: string; InstanceType: string }[] = [];
  for (const n of numbers ?? Array.from({ length: end - start }, (_, k) => start + k)) {
    const id = instanceIdOf(n);
    if (wanted === undefined || wanted.has(id)) instances.push({ InstanceId: id, InstanceType: instanceTypeOf(n, account.burstableInstanceShare) });
  }
  return { Reservations: instances.length === 0 ? [] : [{ Instances: instances }], ...(numbers === undefined && end < total ? { NextToken: String(end) } : {}) };
}

/** SNS Publish: Subject < 100 printable ASCII characters without line breaks, message ≤ 256 KB (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
function publish(input: PublishCommandInput) {
  const subject = input.Subject ?? '';
  if (subject.length >= 100 || !/^[\x20-\x7e]*$/.test(subject)) throw awsError('InvalidParameter', 'Invalid parameter: Subject');
  if (Buffer.byteLength(input.Message ?? '', 'utf8') > 262_144) throw awsError('InvalidParameter', 'Invalid parameter: Message too long');
  return { MessageId: 'bench' };
}

/** The three clients, their `send` answered by the fakes above. */
export function createFakeClients(account: FakeAccount): { ec2: EC2Client; cloudwatch: CloudWatchClient; sns: SNSClient } {
  const route = async (command: unknown): Promise<unknown> => {
    await sleep(account.latencyMs);
    if (command instanceof DescribeVolumesCommand) return count(account, 'DescribeVolumes', () => describeVolumes(account, command.input));
    if (command instanceof DescribeVolumesModificationsCommand) return count(account, 'DescribeVolumesModifications', () => describeModifications(account, command.input));
    if (command instanceof DescribeInstancesCommand) return count(account, 'DescribeInstances', () => describeInstances(account, command.input));
    if (command instanceof ModifyVolumeCommand) return count(account, 'ModifyVolume', () => modifyVolume(command.input));
    if (command instanceof GetMetricDataCommand) return count(account, 'GetMetricData', () => getMetricData(account, command.input));
    if (command instanceof PublishCommand) return count(account, 'Publish', () => publish(command.input));
    throw new Error(`bench:scan fake AWS: unexpected command ${String(command)}`);
  };
  const ec2 = new EC2Client({ region: 'us-east-1' });
  const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
  const sns = new SNSClient({ region: 'us-east-1' });
  for (const client of [ec2, cloudwatch, sns]) (client as unknown as { send: typeof route }).send = route;
  return { ec2, cloudwatch, sns };
}

function count<T>(account: FakeAccount, name: keyof CallCounts, answer: () => T): T {
  account.calls[name]++;
  return answer();
}
