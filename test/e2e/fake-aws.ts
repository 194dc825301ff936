/**
 * A small stateful EC2/CloudWatch/SNS world behind aws-sdk-client-mock, for the handler, CLI and
 * fault-injection tests: DescribeVolumes pages with filters, ModifyVolume that really changes the
 * volume under AWS's rules (in progress, 4 per rolling 24 h whoever modified, deleted volumes; see
 * fake-ec2-modifications.ts for each rule's documentation), DescribeVolumesModifications as EC2
 * answers it (whole-call NotFound with VolumeIds, short pages), GetMetricData answering every
 * query from a per-volume drain profile, SNS Publish recorded. Faults are queued per operation;
 * "humans" modify volumes straight through the fake (`modifyAsHuman`), and volumes can be deleted.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult, type MetricStat } from '@aws-sdk/client-cloudwatch';
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  EC2Client,
  ModifyVolumeCommand,
  type DescribeVolumesCommandInput,
  type DescribeVolumesModificationsCommandInput,
  type ModifyVolumeCommandInput,
  type Volume,
  type VolumeModification,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { GuardianClients } from '../../lambda/handlers/wiring';
import { hasBasicMonitoringPoint } from '../helpers/basic-monitoring';
import { awsError, FakeModificationLog, type Requester } from './fake-ec2-modifications';

export { awsError } from './fake-ec2-modifications';

/** A fixed "now" for every scan: 2027-01-15T08:00:00Z. */
export const NOW_EPOCH_SECONDS = 1_800_000_000;

/** One fake volume: `drainingMinutes` > 0 means BurstBalance has been falling for that long. */
export interface FakeVolume {
  readonly volumeId: string;
  type: string;
  readonly sizeGiB: number;
  iops?: number;
  throughput?: number;
  readonly name: string;
  /** BurstBalance now (percent) and how fast it fell over the last `drainingMinutes`, at 1,000 IOPS demand. */
  readonly balanceNowPercent: number;
  readonly drainingMinutes: number;
}

/** A fault to throw on the next call of an operation (`applyFirst`: the call reaches AWS, then the reply is lost). */
export interface Fault {
  readonly error: Error;
  readonly applyFirst?: boolean;
  /** Only for this volume (ModifyVolume). */
  readonly volumeId?: string;
}

type Operation = 'DescribeVolumes' | 'ModifyVolume' | 'DescribeVolumesModifications' | 'DescribeInstances' | 'GetMetricData' | 'Publish';

/** A gp2 volume 100 GiB (baseline 300 IOPS) draining at 1,000 IOPS demand: 700 credits/s ≈ 0.78 %/min. */
export function drainingVolume(index: number, balanceNowPercent = 25): FakeVolume {
  return { volumeId: volumeIdOf(index), type: 'gp2', sizeGiB: 100, iops: 300, name: `ci-${index}`, balanceNowPercent, drainingMinutes: 90 };
}

/** A gp2 volume with a full bucket and light load. */
export function idleVolume(index: number): FakeVolume {
  return { volumeId: volumeIdOf(index), type: 'gp2', sizeGiB: 100, iops: 300, name: `idle-${index}`, balanceNowPercent: 100, drainingMinutes: 0 };
}

/** `vol-` and 17 hex digits. */
export function volumeIdOf(index: number): string {
  return `vol-${index.toString(16).padStart(17, '0')}`;
}

const DRAIN_PERCENT_PER_MINUTE = (700 * 60 * 100) / 5_400_000;

/** The fake world and its mocks. */
export class FakeAws {
  readonly volumes = new Map<string, FakeVolume>();
  /** ModifyVolume calls of the guardian that AWS accepted, per volume. */
  readonly modifyCalls = new Map<string, number>();
  /** Every ModifyVolume call of the guardian that reached the fake (accepted or refused), per volume. */
  readonly modifyAttempts = new Map<string, number>();
  /** Every modification of every volume, whoever made it. */
  readonly modifications = new FakeModificationLog();
  /** Volumes deleted (DescribeVolumes no longer lists them; ModifyVolume answers InvalidVolume.NotFound). */
  readonly deleted = new Set<string>();
  readonly dryRunModifyCalls = new Map<string, number>();
  readonly published: PublishCommandInput[] = [];
  readonly calls: Record<Operation, number> = { DescribeVolumes: 0, ModifyVolume: 0, DescribeVolumesModifications: 0, DescribeInstances: 0, GetMetricData: 0, Publish: 0 };
  readonly ec2 = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  readonly cloudwatch = new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  readonly sns = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  private readonly outages = new Map<Operation, Error>();
  private readonly faults: Record<Operation, Fault[]> = { DescribeVolumes: [], ModifyVolume: [], DescribeVolumesModifications: [], DescribeInstances: [], GetMetricData: [], Publish: [] };
  /** DescribeVolumes page size the fake answers with (below 500 so tests see several pages). */
  pageSize = 2;
  /**
   * Instances whose EBS bandwidth bursts, with their `EBSIOBalance%` / `EBSByteBalance%` now (AWS/EC2,
   * per InstanceId, 5-minute basic monitoring:
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html). Other
   * instances publish nothing, as sizes that do not burst.
   */
  readonly instanceEbsBalance = new Map<string, { ioPercent: number; bytePercent: number; ioFallPercentPerMinute?: number }>();
  /** Instance types DescribeInstances reports (instances not listed here are reported as `m5.8xlarge`: a size with no bucket). */
  readonly instanceTypes = new Map<string, string>();
  /** Answers for other namespaces (`FakeRds.metricValue`): a value `minutesAgo` before now, or undefined. */
  readonly metricSources: ((stat: MetricStat, minutesAgo: number) => number | undefined)[] = [];

  constructor(volumes: readonly FakeVolume[], private readonly nowEpochSeconds: () => number = () => NOW_EPOCH_SECONDS) {
    for (const v of volumes) this.volumes.set(v.volumeId, { ...v });
    mockClient(this.ec2)
      .on(DescribeVolumesCommand).callsFake(async (input: DescribeVolumesCommandInput) => this.describeVolumes(input))
      .on(ModifyVolumeCommand).callsFake(async (input: ModifyVolumeCommandInput) => this.modifyVolume(input))
      .on(DescribeVolumesModificationsCommand).callsFake(async (input: DescribeVolumesModificationsCommandInput) => this.describeModifications(input))
      .on(DescribeInstancesCommand).callsFake(async (input: DescribeInstancesCommandInput) => this.describeInstances(input));
    mockClient(this.cloudwatch).on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => this.getMetricData(input));
    mockClient(this.sns).on(PublishCommand).callsFake(async (input: PublishCommandInput) => this.publish(input));
  }

  /** The clients to hand to the handlers (DynamoDB is the real dynalite one). */
  clients(dynamo: DynamoDBDocumentClient): GuardianClients {
    return { ec2: this.ec2, cloudwatch: this.cloudwatch, sns: this.sns, dynamo };
  }

  /** Queues a fault for the next call(s) of an operation. */
  inject(operation: Operation, ...faults: Fault[]): void {
    this.faults[operation].push(...faults);
  }

  /** How many injected faults have not fired yet (a test whose faults never fire tests nothing). */
  pendingFaults(): number {
    return Object.values(this.faults).reduce((sum, queue) => sum + queue.length, 0);
  }

  /** Marks every open modification completed (AWS finished optimizing), or only one volume's. */
  completeModifications(volumeId?: string): void {
    this.modifications.advance('completed', this.nowEpochSeconds(), volumeId);
  }

  /** A person (console, CLI, another tool) modifies a volume: same rules, not a guardian call. Throws AWS's error when refused. */
  modifyAsHuman(volumeId: string, target: { type: string; iops?: number; throughput?: number; sizeGiB?: number }): VolumeModification {
    return this.applyModification({ VolumeId: volumeId, VolumeType: target.type as ModifyVolumeCommandInput['VolumeType'], Iops: target.iops, Throughput: target.throughput, Size: target.sizeGiB }, 'human');
  }

  /** Deletes a volume (it may have a modification open: AWS allows deleting a volume at any time). */
  deleteVolume(volumeId: string): void {
    this.volumes.delete(volumeId);
    this.deleted.add(volumeId);
  }

  /** Modifications of a volume that started in any rolling 24 h, at most (the limit must never be exceeded). */
  maxModificationsIn24h(volumeId: string): number {
    const starts = this.modifications.of(volumeId).map((l) => (l.modification.StartTime?.getTime() ?? 0) / 1000);
    return Math.max(0, ...starts.map((s) => starts.filter((o) => o <= s && o > s - 86_400).length));
  }

  /** Every call of `operation` fails with `error` (an outage, a revoked permission) until `restore`. */
  outage(operation: Operation, error: Error): void {
    this.outages.set(operation, error);
  }

  /** Ends an `outage`. */
  restore(operation: Operation): void {
    this.outages.delete(operation);
  }

  private takeFault(operation: Operation, volumeId?: string): Fault | undefined {
    const down = this.outages.get(operation);
    if (down !== undefined) throw down;
    const queue = this.faults[operation];
    const index = queue.findIndex((f) => f.volumeId === undefined || f.volumeId === volumeId);
    if (index < 0) return undefined;
    const [fault] = queue.splice(index, 1);
    if (fault !== undefined && fault.applyFirst !== true) throw fault.error;
    return fault;
  }

  /**
   * DescribeInstances (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html):
   * MaxResults 5–1000 and never with InstanceIds; an id in InstanceIds that does not exist fails the whole
   * call ("If you specify an instance ID that is not valid, an error is returned": InvalidInstanceID.NotFound,
   * or InvalidInstanceID.Malformed for an id not shaped i-<8 or 17 hex>: errors-overview.html);
   * the `instance-id` filter leaves unknown ids out; with MaxResults, pages of at most that many and a NextToken.
   * The instances are those the volumes are attached to (`i-` + the volume id's hex).
   */
  private describeInstances(input: DescribeInstancesCommandInput): { Reservations: { Instances: { InstanceId: string; InstanceType: string }[] }[]; NextToken?: string } {
    this.calls.DescribeInstances++;
    this.takeFault('DescribeInstances');
    const ids = input.InstanceIds ?? [];
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) throw awsError('InvalidParameterValue', `MaxResults must be between 5 and 1000, got ${input.MaxResults}`);
    if (input.MaxResults !== undefined && ids.length > 0) throw awsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    const attached = [...this.volumes.values()].map((v) => `i-${v.volumeId.slice(4)}`);
    for (const id of ids) if (!/^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw awsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    for (const id of ids) if (!attached.includes(id)) throw awsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    const wanted = input.Filters?.find((f) => f.Name === 'instance-id')?.Values;
    const start = Number(input.NextToken ?? '0');
    const end = Math.min(attached.length, start + (input.MaxResults ?? attached.length));
    const instances = attached.slice(start, end).filter((id) => (wanted === undefined || wanted.includes(id)) && (ids.length === 0 || ids.includes(id)))
      .map((id) => ({ InstanceId: id, InstanceType: this.instanceTypes.get(id) ?? 'm5.8xlarge' }));
    return { Reservations: instances.length === 0 ? [] : [{ Instances: instances }], ...(end < attached.length ? { NextToken: String(end) } : {}) };
  }

  private describeVolumes(input: DescribeVolumesCommandInput): { Volumes: Volume[]; NextToken?: string } {
    this.calls.DescribeVolumes++;
    this.takeFault('DescribeVolumes');
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html: MaxResults 5–500
    // (DESIGN.md §2b), and "This parameter cannot be used in combination with the volume IDs parameter"; an unknown id in VolumeIds fails the whole call
    // (errors-overview.html: InvalidVolume.NotFound).
    const max = input.MaxResults;
    if (max !== undefined && (max < 5 || max > 500)) throw awsError('InvalidParameterValue', `Value (${max}) for parameter maxResults is invalid. Expecting a value between 5 and 500.`);
    if (max !== undefined && (input.VolumeIds?.length ?? 0) > 0) throw awsError('InvalidParameterCombination', 'The parameter volumeSet cannot be used with the parameter maxResults');
    const unknown = (input.VolumeIds ?? []).find((id) => !this.volumes.has(id));
    if (unknown !== undefined) throw awsError('InvalidVolume.NotFound', `The volume '${unknown}' does not exist.`);
    const filters = [...(input.Filters ?? []), ...((input.VolumeIds?.length ?? 0) > 0 ? [{ Name: 'volume-id', Values: input.VolumeIds }] : [])];
    const matching = [...this.volumes.values()].filter((v) =>
      filters.every((f) => {
        if (f.Name === 'volume-type') return (f.Values ?? []).includes(v.type);
        if (f.Name === 'volume-id') return (f.Values ?? []).includes(v.volumeId);
        return true;
      }),
    );
    const start = Number(input.NextToken ?? '0');
    const end = Math.min(matching.length, start + Math.min(this.pageSize, input.MaxResults ?? 500));
    const page = matching.slice(start, end).map((v) => ({
      VolumeId: v.volumeId,
      VolumeType: v.type as Volume['VolumeType'],
      Size: v.sizeGiB,
      ...(v.iops === undefined ? {} : { Iops: v.iops }),
      ...(v.throughput === undefined ? {} : { Throughput: v.throughput }),
      State: 'in-use' as const,
      Attachments: [{ InstanceId: `i-${v.volumeId.slice(4)}`, State: 'attached' as const }],
      Tags: [{ Key: 'Name', Value: v.name }],
    }));
    return { Volumes: page, ...(end < matching.length ? { NextToken: String(end) } : {}) };
  }

  private modifyVolume(input: ModifyVolumeCommandInput): { VolumeModification: VolumeModification } {
    const volumeId = input.VolumeId ?? '';
    if (input.DryRun === true) {
      this.dryRunModifyCalls.set(volumeId, (this.dryRunModifyCalls.get(volumeId) ?? 0) + 1);
      // "If you have the required permissions, the error response is DryRunOperation" (ModifyVolume).
      throw awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    }
    this.calls.ModifyVolume++;
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html: Iops is valid only
    // for gp3, io1 and io2 targets, Throughput only for gp3; otherwise InvalidParameterCombination.
    const targetType = input.VolumeType ?? this.volumes.get(volumeId)?.type;
    if (input.Iops !== undefined && !['gp3', 'io1', 'io2'].includes(targetType ?? '')) throw awsError('InvalidParameterCombination', `The parameter iops is not supported for ${targetType} volumes.`);
    if (input.Throughput !== undefined && targetType !== 'gp3') throw awsError('InvalidParameterCombination', `The parameter throughput is not supported for ${targetType} volumes.`);
    // A throttled (RequestLimitExceeded) or failed call did not happen: the fault fires before any change.
    const fault = this.takeFault('ModifyVolume', volumeId);
    this.modifyAttempts.set(volumeId, (this.modifyAttempts.get(volumeId) ?? 0) + 1);
    const modification = this.applyModification(input, 'guardian');
    this.modifyCalls.set(volumeId, (this.modifyCalls.get(volumeId) ?? 0) + 1);
    // The modification happened at AWS; the caller only loses the answer.
    if (fault?.applyFirst === true) throw fault.error;
    return { VolumeModification: modification };
  }

  /** ModifyVolume's effect under AWS's rules (fake-ec2-modifications.ts), whoever asked. */
  private applyModification(input: ModifyVolumeCommandInput, requester: Requester): VolumeModification {
    const volumeId = input.VolumeId ?? '';
    const volume = this.volumes.get(volumeId);
    if (volume === undefined) throw awsError('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
    this.modifications.check(volumeId, this.nowEpochSeconds());
    const modification: VolumeModification = {
      VolumeId: volumeId,
      ModificationState: 'modifying',
      OriginalVolumeType: volume.type as VolumeModification['OriginalVolumeType'],
      TargetVolumeType: input.VolumeType ?? (volume.type as VolumeModification['TargetVolumeType']),
      OriginalSize: volume.sizeGiB,
      TargetSize: input.Size ?? volume.sizeGiB,
      ...(volume.iops === undefined ? {} : { OriginalIops: volume.iops }),
      ...(input.Iops === undefined ? {} : { TargetIops: input.Iops }),
      ...(input.Throughput === undefined ? {} : { TargetThroughput: input.Throughput }),
      // AWS's clock: the StartTime every reader must trust over its own.
      StartTime: new Date(this.nowEpochSeconds() * 1000),
      Progress: 0,
    };
    this.modifications.add(volumeId, requester, modification);
    volume.type = input.VolumeType ?? volume.type;
    volume.iops = input.Iops ?? volume.iops;
    volume.throughput = input.Throughput ?? volume.throughput;
    Object.assign(volume, { sizeGiB: input.Size ?? volume.sizeGiB });
    return { ...modification };
  }

  private describeModifications(input: DescribeVolumesModificationsCommandInput): { VolumesModifications: VolumeModification[]; NextToken?: string } {
    this.calls.DescribeVolumesModifications++;
    this.takeFault('DescribeVolumesModifications');
    return this.modifications.describe(input, (id) => this.volumes.has(id));
  }

  /**
   * SNS Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): the Subject must be
   * under 100 characters with no line breaks or control characters (older revisions of the page:
   * ASCII text, so the fake takes printable ASCII only), and the message at most 256 KB (262,144
   * bytes); otherwise the call fails with `InvalidParameter` (SDK: `InvalidParameterException`).
   */
  private publish(input: PublishCommandInput): { MessageId: string } {
    this.calls.Publish++;
    this.takeFault('Publish');
    const subject = input.Subject;
    if (subject !== undefined && (subject.length >= 100 || !/^[\x20-\x7e]*$/.test(subject))) {
      throw awsError('InvalidParameterException', 'Invalid parameter: Subject');
    }
    if ((input.Message ?? '') === '') throw awsError('InvalidParameterException', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(input.Message ?? '', 'utf8') > 262_144) throw awsError('InvalidParameterException', 'Invalid parameter: Message too long');
    this.published.push(input);
    return { MessageId: `m-${this.published.length}` };
  }

  private getMetricData(input: GetMetricDataCommandInput): { MetricDataResults: MetricDataResult[] } {
    this.calls.GetMetricData++;
    this.takeFault('GetMetricData');
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html: 1–500
    // queries a call, each Id unique and matching ^[a-z][a-zA-Z0-9_]*$, else the whole call fails.
    const queries = input.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > 500) throw awsError('ValidationError', `MetricDataQueries must have 1-500 members, got ${queries.length}`);
    const ids = new Set<string>();
    for (const q of queries) {
      if (q.Id === undefined || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id) || ids.has(q.Id)) throw awsError('ValidationError', `invalid or duplicate query id '${q.Id}'`);
      ids.add(q.Id);
    }
    // ScanBy defaults to TimestampDescending: newest first unless the caller asks otherwise.
    const ascending = input.ScanBy === 'TimestampAscending';
    const startSeconds = Math.floor((input.StartTime?.getTime() ?? 0) / 1000);
    // CloudWatch publishes EBS metrics ~2 minutes late: the last two periods are missing.
    const endSeconds = Math.floor((input.EndTime?.getTime() ?? 0) / 1000) - 120;
    const results = (input.MetricDataQueries ?? []).map((query) => {
      const stat = query.MetricStat;
      const volume = this.volumes.get(stat?.Metric?.Dimensions?.find((d) => d.Name === 'VolumeId')?.Value ?? '');
      const period = stat?.Period ?? 60;
      const timestamps: Date[] = [];
      const values: number[] = [];
      const instance = this.instanceEbsBalance.get(stat?.Metric?.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value ?? '');
      if (instance !== undefined && stat?.Metric?.Namespace === 'AWS/EC2') {
        for (let t = startSeconds; t + period <= endSeconds; t += period) {
          if (!hasBasicMonitoringPoint(t, period)) continue;
          timestamps.push(new Date(t * 1000));
          const minutesAgo = (this.nowEpochSeconds() - t) / 60;
          values.push(stat.Metric.MetricName === 'EBSIOBalance%' ? Math.min(100, instance.ioPercent + (instance.ioFallPercentPerMinute ?? 0) * minutesAgo) : instance.bytePercent);
        }
      }
      if (volume !== undefined && stat?.Metric?.Namespace === 'AWS/EBS') {
        for (let t = startSeconds; t + period <= endSeconds; t += period) {
          const value = metricValue(volume, stat.Metric.MetricName ?? '', (this.nowEpochSeconds() - t) / 60);
          if (value === undefined) continue;
          timestamps.push(new Date(t * 1000));
          values.push(value);
        }
      }
      // Other services' namespaces (AWS/RDS from FakeRds), when no volume or instance answered.
      for (const source of this.metricSources) {
        if (timestamps.length > 0 || stat === undefined) break;
        for (let t = startSeconds; t + period <= endSeconds; t += period) {
          const value = source(stat, (this.nowEpochSeconds() - t) / 60);
          if (value === undefined) continue;
          timestamps.push(new Date(t * 1000));
          values.push(value);
        }
      }
      if (!ascending) {
        timestamps.reverse();
        values.reverse();
      }
      return { Id: query.Id, StatusCode: 'Complete' as const, Timestamps: timestamps, Values: values };
    });
    return { MetricDataResults: results };
  }
}

/** A metric of a fake volume `minutesAgo` minutes before now (undefined: no datapoint). */
function metricValue(volume: FakeVolume, metric: string, minutesAgo: number): number | undefined {
  const draining = minutesAgo <= volume.drainingMinutes;
  const burstable = volume.type === 'gp2';
  switch (metric) {
    case 'BurstBalance':
      if (!burstable) return undefined;
      return Math.min(100, volume.balanceNowPercent + (draining ? minutesAgo : volume.drainingMinutes) * DRAIN_PERCENT_PER_MINUTE);
    case 'VolumeReadOps':
    case 'VolumeWriteOps':
      // Sum per minute: half the demand each way.
      return ((draining ? 1000 : 50) / 2) * 60;
    case 'VolumeIOPSExceededCheck':
      return 0;
    default:
      return undefined;
  }
}
