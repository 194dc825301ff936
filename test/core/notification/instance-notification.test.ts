import { describe, expect, it } from 'vitest';
import { INSTANCE_EBS_TABLE } from '../../../lambda/core/credit/instance-ebs';
import type { InstanceBucketForecast } from '../../../lambda/core/forecast/instance';
import { formatBody, formatMessageAttributes, formatSubject, SNS_MAX_SUBJECT_CHARS } from '../../../lambda/core/notification/format';
import { nextInstanceNotification } from '../../../lambda/core/notification/instance';
import type { NotificationState } from '../../../lambda/core/ports';
import type { Forecast } from '../../../lambda/core/types';
import { NOW, draining, gp2, policyOf } from '../../fixtures/policies/decide-fixtures';

const policy = policyOf();

function t3(io: Forecast): InstanceBucketForecast {
  const spec = INSTANCE_EBS_TABLE.get('t3.medium');
  if (spec === undefined) throw new Error('no t3.medium');
  return { instanceId: 'i-0123456789abcdef0', spec, io, bytes: { kind: 'full', balancePercent: 100 }, wall: 'EBSIOBalance%', worst: io };
}

const persistent = { heldRuns: 12, drainSeconds: 3_600, pastDrains: 0, longestPastDrainSeconds: 0, survival: 0.95 };

/** A drain that has held an hour: its page confidence clears the policy's 0.6. */
function held(f: Forecast): Forecast {
  return f.kind === 'draining' ? { ...f, persistence: persistent } : f;
}

function step(io: Forecast, previous: NotificationState | undefined, now = NOW) {
  return nextInstanceNotification({ forecast: t3(io), volumes: [{ ...gp2('vol-a'), instanceId: 'i-0123456789abcdef0' }], previous, policy, now, region: 'eu-west-1' });
}

describe('nextInstanceNotification', () => {
  it('warns, then pages when the drain holds within the page horizon, repeats nothing in between, and closes the page with a notice', () => {
    const warned = step(draining(120 * 60, 60, 6_000), undefined);
    expect(warned.notification).toMatchObject({ event: 'instance-bucket', severity: 'warning', route: 'notice', volumeId: 'i-0123456789abcdef0' });
    expect(warned.state).toMatchObject({ volumeId: 'i-0123456789abcdef0', open: true, lastSeverity: 'warning' });
    expect(step(draining(110 * 60, 55, 6_000), warned.state, NOW + 300).notification).toBeUndefined();
    const paged = step(held(draining(20 * 60, 20, 6_000)), warned.state, NOW + 3_600);
    expect(paged.notification).toMatchObject({ severity: 'critical', route: 'page' });
    const recovered = step({ kind: 'refilling', balancePercent: 50, secondsToFull: 3_600 }, paged.state, NOW + 7_200);
    expect(recovered.notification).toMatchObject({ event: 'recovered', route: 'notice' });
    expect(recovered.state?.open).toBe(false);
  });

  it('formats an ASCII subject under 100 characters, the region-labelled price, and an instance_id attribute', () => {
    const n = step(draining(45 * 60, 40, 6_000), undefined).notification;
    if (n === undefined) throw new Error('no notification');
    expect(formatSubject(n).length).toBeLessThanOrEqual(SNS_MAX_SUBJECT_CHARS);
    expect(formatSubject(n)).toMatch(/^\[WARNING\] i-0123456789abcdef0: t3\.medium EBS bucket empties in ~45m \(08:45 UTC\); fix: /);
    expect(formatBody(n)).toContain('bundled us-east-1 On-Demand Linux list price (not the Price List API); eu-west-1 prices differ');
    expect(formatBody(n)).toContain('#InstanceDetails:instanceId=i-0123456789abcdef0');
    expect(formatMessageAttributes(n)['instance_id']).toEqual({ DataType: 'String', StringValue: 'i-0123456789abcdef0' });
  });
});
