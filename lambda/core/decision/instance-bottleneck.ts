/**
 * Is the volume's wall its instance's? Smaller EC2 sizes have their own EBS burst bucket
 * (core/credit/instance-ebs.ts); while `EBSIOBalance%` or `EBSByteBalance%` is low, every attached
 * volume is held to the instance's baseline, gp3 and io1 included, so flipping the volume spends a
 * modification and money for nothing. The rescue is then refused, and the reason says why and what
 * would help. No instance data (a size that does not burst publishes nothing) means no judgement.
 */
import type { InstanceEbsBalance } from '../ports';
import type { MetricPoint } from '../types';

/** At or below this balance the instance bucket, not the volume, is the bottleneck. */
export const INSTANCE_BALANCE_FLOOR_PERCENT = 10;
/** A balance older than this says nothing about now (basic monitoring: 5-minute points, ~10 min delay). */
const FRESH_SECONDS = 20 * 60;

/** The reason to refuse a flip because the instance's EBS bucket is (nearly) empty, or undefined. */
export function instanceBottleneck(balance: InstanceEbsBalance | undefined, now: number): string | undefined {
  if (balance === undefined) return undefined;
  const io = latest(balance.ioBalancePercent, now);
  const bytes = latest(balance.byteBalancePercent, now);
  const readings: [string, number | undefined][] = [['EBSIOBalance%', io], ['EBSByteBalance%', bytes]];
  const low = readings.flatMap(([name, value]) => (value !== undefined && value <= INSTANCE_BALANCE_FLOOR_PERCENT ? [[name, value] as const] : []));
  if (low.length === 0) return undefined;
  const what = low.map(([name, value]) => `${name} ${value.toFixed(1)} %`).join(', ');
  return `instance ${balance.instanceId} is the bottleneck (${what}): its own EBS burst bucket holds every attached volume to the instance's baseline, whatever the volume type, so a flip would not help; move the instance to a larger size or one whose EBS bandwidth does not burst`;
}

function latest(points: readonly MetricPoint[], now: number): number | undefined {
  const last = points.at(-1);
  return last === undefined || last.tEpochSeconds < now - FRESH_SECONDS ? undefined : last.value;
}
