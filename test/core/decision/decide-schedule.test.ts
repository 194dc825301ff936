import { describe, expect, it } from 'vitest';
import { decide, intentRecordFor, isActing, type Decision } from '../../../lambda/core/decision/decide';
import type { ModificationRecord } from '../../../lambda/core/ports';
import { H, NOW, draining, gp2, inputOf, openPolicy, policyOf, rescueRecord } from '../../fixtures/policies/decide-fixtures';

// NOW is 2027-01-15T08:00:00Z; the window is 09:00–11:00 UTC daily, flipped 30 min before.
const SCHEDULE = `schedules:
  - name: etcd-nightly
    cron: "0 9 * * *"
    durationMinutes: 120
    match: { tags: { role: [etcd] } }
    target: { type: io1, iops: 3000 }
`;
const ETCD = { role: 'etcd' };
const M = 60;

function one(at: number, volume = gp2('vol-a', 100, ETCD), records: ModificationRecord[] = [], yaml = SCHEDULE, forecast = { kind: 'full', balancePercent: 100 } as const): Decision {
  const [d] = decide(inputOf({ now: at, policy: openPolicy(yaml), volumes: [volume], forecasts: new Map([[volume.volumeId, forecast]]), ledger: new Map([[volume.volumeId, records]]) }));
  return d!;
}

function io1(id: string) {
  return { volumeId: id, type: 'io1' as const, sizeGiB: 100, iops: 3000, state: 'in-use' as const, tags: ETCD };
}

/** The flip the schedule made `ageSeconds` before `at`. */
function scheduledFlip(at: number, ageSeconds: number, schedule = 'etcd-nightly'): ModificationRecord {
  const r = rescueRecord('vol-a', NOW - at + ageSeconds);
  return { ...r, to: { type: 'io1', iops: 3000 }, schedule };
}

describe('decide: planned critical windows', () => {
  it('leaves a matched volume alone before the lead time', () => {
    expect(one(NOW)).toMatchObject({ kind: 'ok' });
  });

  it('flips a matched gp2 volume to the target 30 min before the window, naming the schedule', () => {
    const d = one(NOW + 35 * M);
    expect(d).toMatchObject({ kind: 'rescue', schedule: 'etcd-nightly', target: { type: 'io1', iops: 3000 }, from: { type: 'gp2' }, urgencySeconds: 25 * M, dryRun: false });
    expect(d.reasons[0]).toBe("schedule 'etcd-nightly': window 2027-01-15T09:00:00Z to 2027-01-15T11:00:00Z");
    expect(d.reasons[1]).toBe('flipping 25 min before it starts');
    if (isActing(d)) expect(intentRecordFor(d, { now: NOW + 35 * M, runId: 'r', sizeGiB: 100 }).schedule).toBe('etcd-nightly');
  });

  it('does not flip a volume the schedule does not match, or an alert-only one', () => {
    expect(one(NOW + 35 * M, gp2('vol-a', 100, { role: 'web' }))).toMatchObject({ kind: 'ok' });
    const alertOnly = `${SCHEDULE}overrides:\n  - name: hands-off\n    match: { tags: { role: [etcd] } }\n    alertOnly: true\n`;
    expect(one(NOW + 35 * M, gp2('vol-a', 100, ETCD), [], alertOnly)).toMatchObject({ kind: 'ok' });
  });

  it('does not flip in the last 15 minutes of the window', () => {
    expect(one(NOW + 2 * H + 50 * M)).toMatchObject({ kind: 'ok', reasons: [expect.any(String), 'too late in the window to flip: it would be reverted at once'] });
  });

  it('holds a scheduled flip through the window although its shadow bucket would allow a revert', () => {
    const d = one(NOW + 2 * H, io1('vol-a'), [scheduledFlip(NOW + 2 * H, 90 * M)]);
    expect(d).toMatchObject({ kind: 'ok', reasons: [expect.stringContaining("schedule 'etcd-nightly'"), 'holding io1 until the window ends'] });
  });

  it('reverts a scheduled flip to gp2 when the window ends, whatever its bucket says', () => {
    const at = NOW + 3 * H + 5 * M;
    const d = one(at, io1('vol-a'), [scheduledFlip(at, 3 * H)], SCHEDULE, draining(10 * M, 5) as never);
    expect(d).toMatchObject({ kind: 'revert', schedule: 'etcd-nightly', target: { type: 'gp2' }, from: { type: 'io1', iops: 3000 } });
    expect(d.reasons.slice(0, 2)).toEqual(["schedule 'etcd-nightly': the window has ended", 'back to gp2']);
  });

  it('reverts the flip of a schedule removed from the policy', () => {
    const at = NOW + 2 * H;
    expect(one(at, io1('vol-a'), [scheduledFlip(at, H, 'gone')])).toMatchObject({ kind: 'revert', schedule: 'gone', reasons: ["schedule 'gone' is no longer in the policy: reverting its flip", 'back to gp2', expect.any(String)] });
  });

  it('leaves a volume the guardian rescued to its rescue (schedules do not stack)', () => {
    const d = one(NOW + H, { volumeId: 'vol-a', type: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 128, state: 'in-use', tags: ETCD }, [rescueRecord('vol-a', 10 * M - H)]);
    expect(d.kind).not.toBe('rescue');
    expect(d.reasons.join(' ')).not.toContain('schedule');
  });

  it('is blocked by the ledger when the flip would leave no room for its revert', () => {
    const at = NOW + 35 * M;
    const used = [1, 2, 3].map((i) => ({ ...rescueRecord('vol-a', NOW - at + i * H), modificationId: `${i}#rescue` }));
    expect(one(at, gp2('vol-a', 100, ETCD), used)).toMatchObject({ kind: 'blocked', wanted: 'rescue', block: 'no-room-for-revert' });
  });

  it('marks the flip as a dry run under the default (dry-run) policy', () => {
    const [d] = decide(inputOf({ now: NOW + 35 * M, policy: policyOf(SCHEDULE), volumes: [gp2('vol-a', 100, { ...ETCD, 'burst-guardian': 'managed' })] }));
    expect(d).toMatchObject({ kind: 'rescue', schedule: 'etcd-nightly', dryRun: true });
  });
});
