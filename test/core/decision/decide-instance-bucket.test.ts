import { describe, expect, it } from 'vitest';
import { decide } from '../../../lambda/core/decision/decide';
import type { InstanceEbsBalance } from '../../../lambda/core/ports';
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
