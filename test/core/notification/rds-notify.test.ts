import { describe, expect, it } from 'vitest';
import type { RdsDecision } from '../../../lambda/core/decision/rds-decide';
import { formatBody, formatSubject } from '../../../lambda/core/notification/format';
import { nextRdsNotification } from '../../../lambda/core/notification/rds-notify';
import type { NotificationState } from '../../../lambda/core/ports';
import type { RdsInstance } from '../../../lambda/core/rds-ports';
import { NOW, draining, policyOf } from '../../fixtures/policies/decide-fixtures';

const instance: RdsInstance = { identifier: 'orders-db', arn: 'arn:aws:rds:eu-west-1:123456789012:db:orders-db', engine: 'postgres', storageType: 'gp2', allocatedStorageGiB: 200, status: 'available', tags: {} };
const policy = policyOf('rds:\n  enabled: true\n');

function alert(secondsToEmpty: number, severity: 'warning' | 'critical' = 'critical'): RdsDecision {
  return { identifier: 'orders-db', kind: 'alert', severity, forecast: draining(secondsToEmpty, 12, 1400), reasons: [`empties in ${secondsToEmpty} s`] };
}

function next(decision: RdsDecision, previous?: NotificationState, now = NOW) {
  return nextRdsNotification({ decision, instance, previous, policy, now, region: 'eu-west-1', account: { id: '123456789012', name: 'prod-payments' } });
}

describe('nextRdsNotification', () => {
  it('names the DB instance, account, region, the wall in ISO UTC and relative, the exact modify-db-instance command and the console link', () => {
    const { notification, state } = next(alert(42 * 60));
    expect(notification).toBeDefined();
    if (notification === undefined) return;
    expect(formatSubject(notification)).toBe('[CRITICAL] rds:orders-db: empties in ~42m (08:42 UTC); alert only');
    const body = formatBody(notification);
    expect(body).toContain('DB instance: orders-db (postgres), gp2 storage, 200 GiB');
    expect(body).toContain('Where: account 123456789012 (prod-payments), region eu-west-1');
    expect(body).toContain('Credits empty at: 2027-01-15T08:42:00Z (in ~42m)');
    expect(body).toContain('aws rds modify-db-instance --region eu-west-1 --db-instance-identifier orders-db --storage-type gp3 --apply-immediately');
    expect(body).toContain('aws rds remove-tags-from-resource --region eu-west-1 --resource-name arn:aws:rds:eu-west-1:123456789012:db:orders-db --tag-keys burst-guardian');
    expect(body).toContain('https://eu-west-1.console.aws.amazon.com/rds/home?region=eu-west-1#database:id=orders-db;is-cluster=false');
    expect(body).toContain('history rds:orders-db');
    expect(state).toMatchObject({ volumeId: 'rds:orders-db', open: true, lastSeverity: 'critical', lastSecondsToEmpty: 42 * 60 });
  });

  it('does not repeat an open alert within the repeat interval, escalates when the time to empty halves, repeats after the interval', () => {
    const first = next(alert(40 * 60));
    const previous = first.state;
    expect(next(alert(35 * 60), previous, NOW + 300).notification).toBeUndefined();
    expect(next(alert(15 * 60), previous, NOW + 300).notification?.event).toBe('escalation');
    expect(next(alert(35 * 60), previous, NOW + 61 * 60).notification?.event).toBe('forecast-alert');
  });

  it('sends one recovered when a page is over, and nothing after', () => {
    const open = next(alert(40 * 60)).state;
    const ok: RdsDecision = { identifier: 'orders-db', kind: 'ok', reasons: ['refilling'] };
    const recovered = next(ok, open, NOW + 600);
    expect(recovered.notification?.event).toBe('recovered');
    expect(next(ok, recovered.state, NOW + 900).notification).toBeUndefined();
  });

  it('always reports an applied rescue, as a notice, without the manual command', () => {
    const rescue: RdsDecision = { identifier: 'orders-db', kind: 'rescue', forecast: draining(20 * 60, 12, 1400), dryRun: false, monthlyCostDeltaUSD: 0, urgencySeconds: 1200, reasons: ['forecast empty in 20 min'] };
    const { notification } = nextRdsNotification({ decision: rescue, instance, previous: undefined, policy: { ...policy, dryRun: false }, now: NOW, applied: true, region: 'eu-west-1' });
    expect(notification).toMatchObject({ event: 'rescue', route: 'notice', change: { from: { type: 'gp2' }, to: { type: 'gp3' } }, monthlyCostDeltaUSD: 0 });
    const body = formatBody(notification ?? (undefined as never));
    expect(body).not.toContain('modify-db-instance');
    expect(body).toContain('aws rds describe-db-instances --region eu-west-1 --db-instance-identifier orders-db');
  });
});
