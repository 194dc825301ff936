/**
 * The simulated fleet: volumes on a shared clock, implementing the same ports as the AWS adapters
 * (`VolumeInventory`, `BurstMetricsReader`, `VolumeModifier`) so the guardian core runs on it
 * unchanged (DESIGN.md §3).
 */
import { InvalidModificationError, VolumeNotFoundError } from '../core/errors';
import type {
  InstanceEbsBalance,
  InstanceEbsBalanceReader,
  InstanceTypeReader,
  MetricField,
  BurstMetricsReader,
  InventoryFilter,
  MetricsRequest,
  MetricsResult,
  VolumeInventory,
  VolumeModifier,
} from '../core/ports';
import type { ModificationRequest, VolumeDescription, VolumeMetricSeries, VolumeModification, VolumeType } from '../core/types';
import { SimulatedCloudWatch, type MetricGap } from './cloudwatch';
import { defaultMetricFields } from '../core/scan/read-plan';
import { aggregateSeries } from './metric-aggregation';
import { checkModificationAllowed, validateModificationRequest, type ModificationRule } from './modification-rules';
import { createRng, type Rng } from './rng';
import { SimVolume } from './sim-volume';
import { advanceHost, SimInstance } from './sim-instance';
import { burstableInstanceSpec } from '../core/credit/instance-ebs';
import { defaultIoSizeKiB, reportedIops, type PerformanceConfig } from './volume-performance';
import type { WorkloadFactory } from './workloads';

/** Fleet-wide simulation settings. */
export interface FleetOptions {
  readonly startEpochSeconds: number;
  readonly seed: number;
  /** CloudWatch publication delay, seconds (DESIGN.md §2: expect ~2 minutes). @default 120 */
  readonly metricDelaySeconds?: number;
  /** Windows (seconds since start) with no datapoints, applied to every volume. */
  readonly gaps?: readonly MetricGap[];
  /** Probability a minute's datapoints are never published. @default 0 */
  readonly dropProbability?: number;
  /** @default 'four-per-24h' */
  readonly modificationRule?: ModificationRule;
  /** How long `modifying` lasts, seconds. @default 60 */
  readonly modifyingSeconds?: number;
  /** How long `optimizing` lasts, seconds (AWS: minutes to 24 h). @default 900 */
  readonly optimizingSeconds?: number;
  /** Probability a modification ends `failed` (seeded). @default 0 */
  readonly failureProbability?: number;
  /** BurstBalance a volume has when it returns to gp2/st1/sc1 (undocumented by AWS). @default 0 */
  readonly returnBalancePercent?: number;
}

/** One volume to add to the fleet. */
export interface SimVolumeSpec {
  readonly volumeId?: string;
  readonly type: VolumeType;
  readonly sizeGiB: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
  readonly workload: WorkloadFactory;
  /** @default 100 (new volumes start with a full bucket) */
  readonly initialBalancePercent?: number;
  /** @default 16 KiB for SSD types, 1 MiB for st1/sc1 */
  readonly ioSizeKiB?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly instanceId?: string;
}

interface Entry {
  readonly volume: SimVolume;
  readonly tags: Readonly<Record<string, string>>;
  readonly instanceId: string | undefined;
}

/** One instance to add: its type, and its EBS bucket's starting balance when the size has one. */
export interface SimInstanceSpec {
  readonly instanceId: string;
  readonly instanceType: string;
  /** @default 100 */
  readonly initialBalancePercent?: number;
}

/** A simulated fleet on its own clock. */
export class SimulatedFleet implements VolumeInventory, BurstMetricsReader, VolumeModifier, InstanceEbsBalanceReader, InstanceTypeReader {
  private readonly volumes = new Map<string, Entry>();
  private readonly instanceTypes = new Map<string, string>();
  /** Instances whose size has an EBS bucket (core/credit/instance-ebs.ts), modelled by sim-instance.ts. */
  private readonly hosts = new Map<string, SimInstance>();
  private readonly rng: Rng;
  private readonly modificationRng: Rng;
  private clockEpochSeconds: number;

  constructor(private readonly options: FleetOptions) {
    this.rng = createRng(options.seed);
    this.modificationRng = this.rng.fork('modifications');
    this.clockEpochSeconds = options.startEpochSeconds;
  }

  /** The fleet's current time. */
  get nowEpochSeconds(): number {
    return this.clockEpochSeconds;
  }

  /** Adds a volume at the current time; returns its id. */
  addVolume(spec: SimVolumeSpec): string {
    const volumeId = spec.volumeId ?? `vol-${(this.volumes.size + 1).toString(16).padStart(17, '0')}`;
    const streamRng = this.rng.fork(`volume/${volumeId}`);
    const cloudWatch = new SimulatedCloudWatch(volumeId, {
      delaySeconds: this.options.metricDelaySeconds ?? 120,
      startEpochSeconds: this.options.startEpochSeconds,
      gaps: this.options.gaps ?? [],
      dropProbability: this.options.dropProbability ?? 0,
      rng: streamRng.fork('gaps'),
    });
    const workload = spec.workload({ startEpochSeconds: this.clockEpochSeconds, rng: streamRng.fork('workload') });
    const config = { type: spec.type, sizeGiB: spec.sizeGiB, iops: spec.iops, throughputMiBps: spec.throughputMiBps };
    const volume = new SimVolume(volumeId, config, spec.initialBalancePercent ?? 100, spec.ioSizeKiB ?? defaultIoSizeKiB(spec.type),
      this.clockEpochSeconds, workload, cloudWatch, this.options.returnBalancePercent ?? 0);
    this.volumes.set(volumeId, { volume, tags: spec.tags ?? {}, instanceId: spec.instanceId });
    return volumeId;
  }

  /** Adds an instance volumes can be attached to (`SimVolumeSpec.instanceId`); a size with a bucket gets one. */
  addInstance(spec: SimInstanceSpec): void {
    this.instanceTypes.set(spec.instanceId, spec.instanceType);
    const bucket = burstableInstanceSpec(spec.instanceType);
    if (bucket !== undefined) this.hosts.set(spec.instanceId, new SimInstance(spec.instanceId, bucket, spec.initialBalancePercent ?? 100, this.options.metricDelaySeconds ?? 120));
  }

  /** The simulated instance's bucket (balances, exhaustions), for drivers and tests. */
  instance(instanceId: string): SimInstance | undefined {
    return this.hosts.get(instanceId);
  }

  /** Advances every volume to `epochSeconds` (never backwards); volumes on an instance with a bucket minute by minute with it. */
  advanceTo(epochSeconds: number): void {
    if (epochSeconds < this.clockEpochSeconds) throw new RangeError(`cannot move the clock back from ${this.clockEpochSeconds} to ${epochSeconds}`);
    for (const [instanceId, host] of this.hosts) {
      advanceHost(host, [...this.volumes.values()].filter((e) => e.instanceId === instanceId).map((e) => e.volume), this.clockEpochSeconds, epochSeconds);
    }
    for (const entry of this.volumes.values()) entry.volume.advanceTo(epochSeconds);
    this.clockEpochSeconds = epochSeconds;
  }

  /** InstanceTypeReader: DescribeInstances with the instance-id filter (unknown ids are absent). */
  async readInstanceTypes(instanceIds: readonly string[]): Promise<Map<string, string>> {
    return new Map(instanceIds.flatMap((id) => {
      const type = this.instanceTypes.get(id);
      return type === undefined ? [] : [[id, type] as const];
    }));
  }

  /** InstanceEbsBalanceReader: EBSIOBalance%/EBSByteBalance% as GetMetricData returns them now; sizes without a bucket publish nothing. */
  async readInstanceBalances(request: { readonly instanceIds: readonly string[]; readonly startEpochSeconds: number; readonly endEpochSeconds: number }): Promise<Map<string, InstanceEbsBalance>> {
    const out = new Map<string, InstanceEbsBalance>();
    for (const id of new Set(request.instanceIds)) {
      const series = this.hosts.get(id)?.balanceSeries(Math.min(this.clockEpochSeconds, request.endEpochSeconds), request.startEpochSeconds);
      if (series !== undefined && (series.ioBalancePercent.length > 0 || series.byteBalancePercent.length > 0)) out.set(id, series);
    }
    return out;
  }

  /**
   * Deletes a volume, even with a modification open (AWS allows it). Afterwards DescribeVolumes no
   * longer lists it, DescribeVolumesModifications (filter form) returns nothing for it, and
   * ModifyVolume answers InvalidVolume.NotFound
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
   */
  deleteVolume(volumeId: string): void {
    this.volume(volumeId);
    this.volumes.delete(volumeId);
  }

  /** The simulated volume itself (counters, balance), for drivers and tests. */
  volume(volumeId: string): SimVolume {
    const entry = this.volumes.get(volumeId);
    if (entry === undefined) throw new VolumeNotFoundError(`InvalidVolume.NotFound: ${volumeId}`);
    return entry.volume;
  }

  /** A volume as DescribeVolumes reports it now. */
  describeVolume(volumeId: string): VolumeDescription {
    const entry = this.volumes.get(volumeId);
    if (entry === undefined) throw new VolumeNotFoundError(`InvalidVolume.NotFound: ${volumeId}`);
    const { config } = entry.volume;
    const iops = reportedIops(config);
    return {
      volumeId, type: config.type, sizeGiB: config.sizeGiB, state: 'in-use', tags: entry.tags, availabilityZone: 'sim-1a',
      ...(iops === undefined ? {} : { iops }),
      ...(config.type === 'gp3' ? { throughputMiBps: config.throughputMiBps ?? 125 } : {}),
      ...(entry.instanceId === undefined ? {} : { instanceId: entry.instanceId }),
    };
  }

  /** The 1-minute series visible now for periods starting at or after `sinceEpochSeconds`. */
  metricSeries(volumeId: string, sinceEpochSeconds: number): VolumeMetricSeries {
    return this.volume(volumeId).cloudWatch.series(this.clockEpochSeconds, sinceEpochSeconds);
  }

  /** VolumeInventory: volumes matching the filter, like DescribeVolumes with server-side filters. */
  async listVolumes(filter: InventoryFilter): Promise<VolumeDescription[]> {
    return [...this.volumes.keys()].map((id) => this.describeVolume(id)).filter((v) => matches(v, filter));
  }

  /** VolumeInventory: the ids that still exist (deleted volumes are gone). */
  async existingVolumeIds(volumeIds: readonly string[]): Promise<Set<string>> {
    return new Set(volumeIds.filter((id) => this.volumes.has(id)));
  }

  /** BurstMetricsReader: what GetMetricData returns now for the window, aggregated to the period. */
  async readMetrics(request: MetricsRequest): Promise<MetricsResult> {
    const series = new Map<string, VolumeMetricSeries>();
    const errors = new Map<string, Error>();
    let metricsRequested = 0;
    for (const volume of request.volumes) {
      // Billed per metric requested, as GetMetricData is, whether or not the volume answers.
      const fields = volume.fields ?? defaultMetricFields(volume, request.probeNamespace === undefined ? {} : { probeNamespace: request.probeNamespace });
      metricsRequested += fields.length;
      const entry = this.volumes.get(volume.volumeId);
      if (entry === undefined) {
        errors.set(volume.volumeId, new VolumeNotFoundError(`InvalidVolume.NotFound: ${volume.volumeId}`));
        continue;
      }
      const raw = entry.volume.cloudWatch.series(this.clockEpochSeconds, request.startEpochSeconds);
      series.set(volume.volumeId, onlyFields(aggregateSeries(raw, request.endEpochSeconds, request.periodSeconds), fields));
    }
    return { series, errors, metricsRequested };
  }

  /**
   * VolumeModifier: ModifyVolume with AWS's rules; `dryRun` checks everything and changes nothing.
   * A driver calling it directly plays a person or another tool: its modifications count against
   * the per-volume limit like the guardian's (the rules read the volume's whole history).
   */
  async modifyVolume(request: ModificationRequest, options: { readonly dryRun: boolean }): Promise<VolumeModification | undefined> {
    const volume = this.volume(request.volumeId);
    validateModificationRequest(request, volume.config.sizeGiB);
    checkModificationAllowed(volume.history, this.options.modificationRule ?? 'four-per-24h', this.clockEpochSeconds);
    if (isNoChange(volume.config, request)) {
      throw new InvalidModificationError(`InvalidParameterCombination: volume ${request.volumeId} already is ${request.targetType} with these parameters`);
    }
    if (options.dryRun) return undefined;
    const now = this.clockEpochSeconds;
    const source = volume.config;
    const target = { type: request.targetType, sizeGiB: source.sizeGiB, iops: request.iops, throughputMiBps: request.throughputMiBps };
    const record: VolumeModification = {
      volumeId: request.volumeId, state: 'modifying', startEpochSeconds: now,
      originalType: source.type, targetType: target.type, originalSizeGiB: source.sizeGiB, targetSizeGiB: target.sizeGiB,
      ...optional('originalIops', reportedIops(source)), ...optional('targetIops', reportedIops(target)),
      ...optional('originalThroughputMiBps', source.type === 'gp3' ? (source.throughputMiBps ?? 125) : undefined),
      ...optional('targetThroughputMiBps', target.type === 'gp3' ? (target.throughputMiBps ?? 125) : undefined),
    };
    const modifyingEnds = now + (this.options.modifyingSeconds ?? 60);
    const willFail = this.modificationRng.next() < (this.options.failureProbability ?? 0);
    volume.history.push(record);
    volume.active = { record, target, modifyingEndsEpochSeconds: modifyingEnds, optimizingEndsEpochSeconds: modifyingEnds + (this.options.optimizingSeconds ?? 900), willFail };
    return record;
  }

  /**
   * VolumeModifier: the latest modification per volume, as DescribeVolumesModifications returns it
   * with the `volume-id` filter: a volume never modified or deleted is absent, never an error.
   */
  async describeModifications(volumeIds: readonly string[]): Promise<Map<string, VolumeModification>> {
    const result = new Map<string, VolumeModification>();
    for (const id of volumeIds) {
      const latest = this.volumes.get(id)?.volume.history.at(-1);
      if (latest !== undefined) result.set(id, latest);
    }
    return result;
  }
}

/** True when the request would leave type, IOPS and throughput as they are (AWS rejects such a request). */
function isNoChange(current: PerformanceConfig, request: ModificationRequest): boolean {
  if (current.type !== request.targetType) return false;
  const sameIops = request.iops === undefined || request.iops === (reportedIops(current) ?? request.iops);
  const sameThroughput = request.throughputMiBps === undefined || request.throughputMiBps === (current.throughputMiBps ?? 125);
  return sameIops && sameThroughput;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function matches(volume: VolumeDescription, filter: InventoryFilter): boolean {
  if (filter.volumeTypes !== undefined && !filter.volumeTypes.includes(volume.type)) return false;
  if (filter.volumeIds !== undefined && !filter.volumeIds.includes(volume.volumeId)) return false;
  for (const [key, values] of Object.entries(filter.tags ?? {})) {
    const value = volume.tags[key];
    if (value === undefined || (values.length > 0 && !values.includes(value))) return false;
  }
  return true;
}

/** What GetMetricData answers for the queried metrics only: the others were not asked for. */
function onlyFields(series: VolumeMetricSeries, fields: readonly MetricField[]): VolumeMetricSeries {
  const wanted = new Set(fields);
  const pick = (field: MetricField) => (wanted.has(field) ? { [field]: series[field] ?? [] } : {});
  return {
    volumeId: series.volumeId,
    periodSeconds: series.periodSeconds,
    burstBalancePercent: wanted.has('burstBalancePercent') ? series.burstBalancePercent : [],
    readOps: wanted.has('readOps') ? series.readOps : [],
    writeOps: wanted.has('writeOps') ? series.writeOps : [],
    ...pick('readBytes'),
    ...pick('writeBytes'),
    ...pick('iopsExceededCheck'),
    ...pick('containerStartP90Ms'),
  };
}
