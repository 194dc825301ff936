/**
 * Is the volume's wall its instance's? Smaller EC2 sizes have their own EBS burst bucket
 * (core/credit/instance-ebs.ts); while `EBSIOBalance%` or `EBSByteBalance%` is low, every attached
 * volume is held to the instance's baseline, gp3 and io1 included, so flipping the volume spends a
 * modification and money for nothing. The rescue is refused when the instance bucket is (nearly)
 * empty now, or is forecast (core/forecast/instance.ts) to be empty no later than the volume's own
 * bucket; the reason says why and what would help. No instance data (a size that does not burst
 * publishes nothing) means no judgement.
 */
import type { InstanceBucketForecast } from '../forecast/instance';
import { isoUtc } from '../iso-time';
import type { InstanceEbsBalance } from '../ports';
import type { Forecast, MetricPoint } from '../types';
import { instanceFixFor } from './instance-fix';

/** At or below this balance the instance bucket, not the volume, is the bottleneck. */
export const INSTANCE_BALANCE_FLOOR_PERCENT = 10;
/** A balance older than this says nothing about now (basic monitoring: 5-minute points, ~10 min delay). */
const FRESH_SECONDS = 20 * 60;

const GENERIC_FIX = 'move the instance to a larger size or one whose EBS bandwidth does not burst';

/** What the decision knows about the volume's instance. */
export interface InstanceEvidence {
  readonly balance: InstanceEbsBalance | undefined;
  /** Present when the instance type is known and has a bucket. */
  readonly forecast?: InstanceBucketForecast;
  /** The volume's own forecast: the instance is the wall when it empties no later. */
  readonly volumeForecast?: Forecast;
  readonly region?: string;
}

/** The reason to refuse a flip because the instance's EBS bucket is the wall, or undefined. */
export function instanceBottleneck(e: InstanceEvidence, now: number): string | undefined {
  const low = lowReadings(e.balance, now);
  const named = e.forecast === undefined ? undefined : `${e.forecast.instanceId} (${e.forecast.spec.instanceType})`;
  const fix = e.forecast === undefined ? GENERIC_FIX : fixText(e.forecast, e.region ?? 'us-east-1');
  const tail = `its own EBS burst bucket holds every attached volume to the instance's baseline, whatever the volume type, so a flip would not help; ${fix}`;
  if (low.length > 0 && e.balance !== undefined) {
    const what = low.map(([name, value]) => `${name} ${value.toFixed(1)} %`).join(', ');
    return `instance ${named ?? e.balance.instanceId} is the bottleneck (${what}): ${tail}`;
  }
  const f = e.forecast;
  if (f === undefined) return undefined;
  const instanceLeft = f.worst.kind === 'empty' ? 0 : f.worst.kind === 'draining' ? f.worst.secondsToEmpty : undefined;
  if (instanceLeft === undefined) return undefined;
  const volumeLeft = e.volumeForecast?.kind === 'empty' ? 0 : e.volumeForecast?.kind === 'draining' ? e.volumeForecast.secondsToEmpty : Number.POSITIVE_INFINITY;
  if (instanceLeft > volumeLeft) return undefined;
  const balance = 'balancePercent' in f.worst ? ` ${f.worst.balancePercent.toFixed(1)} %` : '';
  const when = instanceLeft === 0 ? 'is empty now' : `is forecast empty at ${isoUtc(now + instanceLeft)} (in ${Math.round(instanceLeft / 60)} min)`;
  const before = Number.isFinite(volumeLeft) ? `, no later than this volume's bucket (in ${Math.round(volumeLeft / 60)} min)` : '';
  return `instance ${named ?? f.instanceId} is the bottleneck (${f.wall}${balance} ${when}${before}): ${tail}`;
}

/** The concrete fix when the size table has one, else the generic advice. */
function fixText(forecast: InstanceBucketForecast, region: string): string {
  const fix = instanceFixFor(forecast, region);
  return fix === undefined ? GENERIC_FIX : `move the instance to ${fix.text}`;
}

function lowReadings(balance: InstanceEbsBalance | undefined, now: number): (readonly [string, number])[] {
  if (balance === undefined) return [];
  const readings: [string, number | undefined][] = [['EBSIOBalance%', latest(balance.ioBalancePercent, now)], ['EBSByteBalance%', latest(balance.byteBalancePercent, now)]];
  return readings.flatMap(([name, value]) => (value !== undefined && value <= INSTANCE_BALANCE_FLOOR_PERCENT ? [[name, value] as const] : []));
}

function latest(points: readonly MetricPoint[], now: number): number | undefined {
  const last = points.at(-1);
  return last === undefined || last.tEpochSeconds < now - FRESH_SECONDS ? undefined : last.value;
}
