/**
 * What would take an instance off its EBS burst bucket (core/forecast/instance.ts): the smallest
 * larger size of its family whose *baseline* covers the demand the bucket's drain implies (with
 * headroom), else the cheapest size of the same architecture in the table (x86, or Graviton for the
 * `g` families; m7g rows only when already on m7g, they are unverified) whose baseline covers it,
 * bursting or not, with the monthly price difference from the bundled us-east-1 prices
 * (instance-prices.ts, labelled). While the bucket is empty the drain shows no demand above the
 * baseline, so the size is then a lower bound and says so.
 */
import { familySizes, INSTANCE_EBS_TABLE, type InstanceEbsSpec } from '../credit/instance-ebs';
import type { InstanceBucketForecast } from '../forecast/instance';
import { INSTANCE_HOURLY_USD, INSTANCE_PRICE_REGION, INSTANCE_PRICE_SOURCE } from './instance-prices';
import { HOURS_PER_MONTH } from './pricing';

/** Baseline must exceed the implied demand by this factor (the same spirit as the rescue's headroom). */
const HEADROOM = 1.2;

/** A size to move the instance to, and what it costs more per month. */
export interface InstanceFix {
  readonly instanceType: string;
  /** False: the size sustains its maximum (no bucket at all). */
  readonly burstable: boolean;
  readonly baselineIops: number;
  readonly baselineMBps: number;
  /** (new − current) hourly price × 730 h, USD; undefined when a price is not bundled. */
  readonly monthlyDeltaUSD?: number;
  /** Where the price comes from, and whether it is the instance's region. */
  readonly priceNote: string;
  /** One line for people: `m5.xlarge (baseline 6,000 IOPS, 143.75 MB/s), +$70.08/month (…)`. */
  readonly text: string;
}

/** The demand each bucket's forecast implies, IOPS and MB/s (the current baseline when unknown). */
function impliedDemand(f: InstanceBucketForecast): { iops: number; mbps: number } {
  const of = (forecast: InstanceBucketForecast['io'], baseline: number): number =>
    forecast.kind === 'draining' ? Math.max(baseline, forecast.demandPerSecond) : forecast.kind === 'empty' ? baseline * 1.0001 : 0;
  return { iops: of(f.io, f.spec.baselineIops), mbps: of(f.bytes, f.spec.baselineMBps) };
}

/** The fix for an instance whose bucket drains, or undefined when nothing in the table covers it. */
export function instanceFixFor(f: InstanceBucketForecast, region: string): InstanceFix | undefined {
  const need = impliedDemand(f);
  const covers = (s: InstanceEbsSpec): boolean => s.baselineIops >= need.iops * HEADROOM && s.baselineMBps >= need.mbps * HEADROOM && (s.baselineIops > f.spec.baselineIops || s.baselineMBps > f.spec.baselineMBps);
  const cheapest = (candidates: InstanceEbsSpec[]): InstanceEbsSpec | undefined =>
    candidates.sort((a, b) => (INSTANCE_HOURLY_USD.get(a.instanceType) ?? Infinity) - (INSTANCE_HOURLY_USD.get(b.instanceType) ?? Infinity))[0];
  const family = familyOf(f.spec.instanceType);
  const sameArchitecture = (s: InstanceEbsSpec): boolean => isGraviton(familyOf(s.instanceType)) === isGraviton(family) && (s.verified || familyOf(s.instanceType) === family);
  const larger = familySizes(f.spec.instanceType).find(covers);
  const target = larger ?? cheapest([...INSTANCE_EBS_TABLE.values()].filter((s) => sameArchitecture(s) && covers(s)));
  if (target === undefined) return undefined;
  const now = INSTANCE_HOURLY_USD.get(f.spec.instanceType);
  const then = INSTANCE_HOURLY_USD.get(target.instanceType);
  const monthlyDeltaUSD = now === undefined || then === undefined ? undefined : Math.round((then - now) * HOURS_PER_MONTH * 100) / 100;
  const priceNote = region === INSTANCE_PRICE_REGION ? INSTANCE_PRICE_SOURCE : `${INSTANCE_PRICE_SOURCE}; ${region} prices differ`;
  const cost = monthlyDeltaUSD === undefined ? 'price not bundled' : `${monthlyDeltaUSD >= 0 ? '+' : '-'}$${Math.abs(monthlyDeltaUSD).toFixed(2)}/month (${priceNote})`;
  const kind = target.burstable ? `baseline ${target.baselineIops.toLocaleString('en-US')} IOPS, ${target.baselineMBps} MB/s` : `no burst bucket: ${target.baselineIops.toLocaleString('en-US')} IOPS, ${target.baselineMBps} MB/s sustained`;
  const atLeast = f.worst.kind === 'empty' ? ' at least (while the bucket is empty the demand above the baseline does not show)' : '';
  return { instanceType: target.instanceType, burstable: target.burstable, baselineIops: target.baselineIops, baselineMBps: target.baselineMBps, ...(monthlyDeltaUSD === undefined ? {} : { monthlyDeltaUSD }), priceNote, text: `${target.instanceType}${atLeast} (${kind}), ${cost}` };
}

function familyOf(instanceType: string): string {
  return instanceType.split('.')[0] ?? instanceType;
}

/** Graviton families end in `g` (m7g, c7g, …): another architecture, not a resize. */
function isGraviton(family: string): boolean {
  return /\dg[a-z]*$/.test(family);
}
