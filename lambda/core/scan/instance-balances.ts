/**
 * The instances' own EBS burst buckets in a scan (issue 15 part 1). Once per scan the instance types
 * of the listed volumes' instances are read (`InstanceTypeReader`, DescribeInstances); then, chunk by
 * chunk, `EBSIOBalance%`/`EBSByteBalance%` of the instances whose size has a bucket in the table
 * (core/credit/instance-ebs.ts), each instance once per scan, 2 metrics an instance, and their
 * forecasts. A size that never bursts is not read. An instance of a type the table does not know (or
 * when the types are unreadable) is read only when one of its volumes is about to be rescued: the
 * refusal needs its balance, the forecast needs its size. A failed read is counted as a metrics error
 * and the scan goes on: no instance data means no judgement about the instance, never a refusal.
 */
import { burstableInstanceSpec, INSTANCE_EBS_TABLE } from '../credit/instance-ebs';
import { forecastInstanceBucket, type InstanceBucketForecast } from '../forecast/instance';
import type { InstanceEbsBalance } from '../ports';
import type { VolumeDescription } from '../types';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** Look-back of the instance balances: 3 h of 5-minute points, the forecaster's lookback (same price as 1 h: CloudWatch bills per metric). */
const LOOKBACK_SECONDS = 3 * 3_600;
/** Metrics read per instance: EBSIOBalance% and EBSByteBalance%. */
export const METRICS_PER_INSTANCE = 2;

/** What the scan knows about the instances so far (filled across chunks). */
export interface InstanceView {
  /** Instance types, when the reader answered. */
  readonly types: Map<string, string>;
  /** Whether the types could be read at all. */
  typesRead: boolean;
  readonly balances: Map<string, InstanceEbsBalance>;
  readonly forecasts: Map<string, InstanceBucketForecast>;
  /** Instances whose balances were asked for this scan (answered or not). */
  readonly asked: Set<string>;
  metricsRequested: number;
}

function attachedIds(volumes: readonly VolumeDescription[]): string[] {
  return [...new Set(volumes.flatMap((v) => (v.instanceId === undefined ? [] : [v.instanceId])))];
}

/** Reads the types of the listed volumes' instances (once per scan). */
export async function readInstanceView(deps: ScanDeps, volumes: readonly VolumeDescription[], errors: ScanError[]): Promise<InstanceView> {
  const view: InstanceView = { types: new Map(), typesRead: false, balances: new Map(), forecasts: new Map(), asked: new Set(), metricsRequested: 0 };
  const ids = attachedIds(volumes);
  if (deps.instanceTypes === undefined || deps.instanceEbs === undefined || ids.length === 0) return view;
  try {
    for (const [id, type] of await deps.instanceTypes.readInstanceTypes(ids)) view.types.set(id, type);
    view.typesRead = true;
  } catch (error) {
    errors.push({ stage: 'inventory', resource: 'instances', message: `instance types (DescribeInstances) unreadable, instance buckets read only for rescues: ${messageOf(error)}` });
  }
  return view;
}

/** Reads and forecasts the chunk's instances whose size has a bucket and that were not read yet. */
export async function readChunkInstances(deps: ScanDeps, view: InstanceView, volumes: readonly VolumeDescription[], now: number, intervalSeconds: number, errors: ScanError[]): Promise<void> {
  const due = attachedIds(volumes).filter((id) => !view.asked.has(id) && burstableInstanceSpec(view.types.get(id)) !== undefined);
  await readBalances(deps, view, due, now, intervalSeconds, errors);
}

/**
 * The instances of volumes about to be rescued that the type-driven read left out: their type is
 * unknown to the table, or types were unreadable (a size known not to burst needs nothing).
 */
export async function readRescueInstances(deps: ScanDeps, view: InstanceView, rescuing: readonly VolumeDescription[], now: number, intervalSeconds: number, errors: ScanError[]): Promise<boolean> {
  const due = attachedIds(rescuing).filter((id) => !view.asked.has(id) && !INSTANCE_EBS_TABLE.has(view.types.get(id) ?? ''));
  return (await readBalances(deps, view, due, now, intervalSeconds, errors)) > 0;
}

async function readBalances(deps: ScanDeps, view: InstanceView, instanceIds: readonly string[], now: number, intervalSeconds: number, errors: ScanError[]): Promise<number> {
  if (deps.instanceEbs === undefined || instanceIds.length === 0) return 0;
  for (const id of instanceIds) view.asked.add(id);
  // Billed per metric requested, whether or not the instance answers.
  view.metricsRequested += METRICS_PER_INSTANCE * instanceIds.length;
  let read: Map<string, InstanceEbsBalance>;
  try {
    read = await deps.instanceEbs.readInstanceBalances({ instanceIds, startEpochSeconds: now - LOOKBACK_SECONDS, endEpochSeconds: now });
  } catch (error) {
    errors.push({ stage: 'metrics', resource: 'instances', message: `instance EBS balances (EBSIOBalance%/EBSByteBalance%) unreadable, deciding without them: ${messageOf(error)}` });
    return 0;
  }
  for (const [id, balance] of read) {
    view.balances.set(id, balance);
    const spec = burstableInstanceSpec(view.types.get(id));
    if (spec !== undefined) view.forecasts.set(id, forecastInstanceBucket(balance, spec, now, { intervalSeconds }));
  }
  return read.size;
}
