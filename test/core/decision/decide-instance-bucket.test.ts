import { describe, expect, it } from 'vitest';
import { decide } from '../../../lambda/core/decision/decide';
import type { InstanceEbsBalance } from '../../../lambda/core/ports';
import { INSTANCE_EBS_TABLE } from '../../../lambda/core/credit/instance-ebs';
import type { InstanceBucketForecast } from '../../../lambda/core/forecast/instance';
import type { Forecast } from '../../../lambda/core/types';
import { NOW, draining, gp2, inputOf, openPolicy } from '../../fixtures/policies/decide-fixtures';

const attached = { ...gp2('vol-a'), instanceId: 'i-0small' };

function balance(io: number, bytes: number, ageSeconds = 300): InstanceEbsBalance {
  return { instanceId: 'i-0small', ioBalancePercent: [{ tEpochSeconds: NOW - ageSeconds, value: io }], byteBalancePercent: [{ tEpochSeconds: NOW - ageSeconds, value: bytes }] };
}

function decideWith(b: InstanceEbsBalance | undefined) {
  const [d] = decide(inputOf({ policy: openPolicy(), volumes: [attached], forecasts: new Map([['vol-a', draining(20 * 60, 15, 4000)]]), ...(b === undefined ? {} : { instanceBalances: new Map([['i-0small', b]]) }) }));
  return d!;
}

describe('decide: the instance EBS burst bucket', () => {
  it('refuses to flip a draining volume whose instance bucket is empty, and says why in the reason', () => {
    const d = decideWith(balance(2, 60));
    expect(d).toMatchObject({ kind: 'blocked', wanted: 'rescue', block: 'instance-bucket' });
    expect(d.reasons[1]).toBe("instance i-0small is the bottleneck (EBSIOBalance% 2.0 %): its own EBS burst bucket holds every attached volume to the instance's baseline, whatever the volume type, so a flip would not help; move the instance to a larger size or one whose EBS bandwidth does not burst");
  });

  it.each([
    ['the instance bucket is healthy', balance(80, 90)],
    ['the instance publishes no balance (a size that does not burst)', undefined],
    ['the instance balance is stale', balance(1, 1, 3_600)],
  ])('rescues as usual when %s', (_what, b) => {
    expect(decideWith(b).kind).toBe('rescue');
  });
});

/** An m5.large whose I/O bucket has this forecast (the byte bucket full). */
function m5Large(io: Forecast): InstanceBucketForecast {
  const spec = INSTANCE_EBS_TABLE.get('m5.large');
  if (spec === undefined) throw new Error('no m5.large');
  return { instanceId: 'i-0small', spec, io, bytes: { kind: 'full', balancePercent: 100 }, wall: 'EBSIOBalance%', worst: io };
}

function decideWithForecast(instance: Forecast, volumeSecondsToEmpty = 20 * 60) {
  const [d] = decide(inputOf({ policy: openPolicy(), volumes: [attached], forecasts: new Map([['vol-a', draining(volumeSecondsToEmpty, 15, 4000)]]), instanceBalances: new Map([['i-0small', balance(60, 90)]]), instanceForecasts: new Map([['i-0small', m5Large(instance)]]) }));
  return d!;
}

describe('decide: the instance bucket forecast', () => {
  it('refuses a flip when the instance bucket is forecast empty before the volume, with the ISO time, the size and a priced fix', () => {
    // Implied demand 8,000 IOPS: × 1.2 = 9,600, so m5.2xlarge (12,000 IOPS baseline) in the family.
    const d = decideWithForecast({ ...draining(10 * 60, 60, 8_000) });
    expect(d).toMatchObject({ kind: 'blocked', wanted: 'rescue', block: 'instance-bucket' });
    expect(d.reasons[1]).toBe("instance i-0small (m5.large) is the bottleneck (EBSIOBalance% 60.0 % is forecast empty at 2027-01-15T08:10:00Z (in 10 min), no later than this volume's bucket (in 20 min)): its own EBS burst bucket holds every attached volume to the instance's baseline, whatever the volume type, so a flip would not help; move the instance to m5.2xlarge (baseline 12,000 IOPS, 287.5 MB/s), +$210.24/month (bundled us-east-1 On-Demand Linux list price (not the Price List API))");
  });

  it('refuses a flip when the instance bucket is empty now, and sizes the fix as a lower bound', () => {
    const d = decideWithForecast({ kind: 'empty', balancePercent: 0.4, demandPerSecond: 3_600 });
    expect(d.kind).toBe('blocked');
    expect(d.reasons[1]).toContain('is empty now');
    expect(d.reasons[1]).toContain('move the instance to m5.xlarge at least (while the bucket is empty the demand above the baseline does not show)');
  });

  it.each([
    ['the instance empties after the volume', draining(40 * 60, 60, 5_000)],
    ['the instance bucket refills', { kind: 'refilling', balancePercent: 70, secondsToFull: 600 } as Forecast],
    ['the instance forecast has no data', { kind: 'insufficient-data', reason: 'no points' } as Forecast],
  ])('rescues when %s', (_what, instance) => {
    expect(decideWithForecast(instance).kind).toBe('rescue');
  });
});
