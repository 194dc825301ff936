/**
 * Issue 11 end to end, other people's modifications and refused rescues: each case checks the same
 * four things as reconcile-faults.test.ts (reconcile-world.ts `expectSound`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDynalite } from '../helpers/dynalite';
import { awsError, drainingVolume, NOW_EPOCH_SECONDS, volumeIdOf, type FakeVolume } from './fake-aws';
import { eventKinds, expectSound, H, POLICY_JSON, REVERTING_POLICY_JSON, statuses, subjects, world as worldOn, type World } from './reconcile-world';

const dynalite = useDynalite();
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const world = (volumes: readonly FakeVolume[], policyJson = POLICY_JSON): Promise<World> => worldOn(dynalite, volumes, policyJson);

describe('modifications by others and refused rescues, end to end', () => {
  it('lets go of a flipped volume someone else modified: recorded as external, on-call told once, never reverted', async () => {
    const w = await world([drainingVolume(1), drainingVolume(2)], REVERTING_POLICY_JSON);
    await w.scan('t0');
    w.aws.completeModifications();
    // The demand is over: both volumes could go back to gp2 once the 6 h hold has passed.
    for (const id of [volumeIdOf(1), volumeIdOf(2)]) Object.assign(w.aws.volumes.get(id) ?? {}, { drainingMinutes: 0 });
    w.clock.now += H;
    w.aws.modifyAsHuman(volumeIdOf(1), { type: 'gp3', iops: 4000, throughput: 250 });
    w.clock.now += 300;
    await w.scan('t1');
    w.aws.completeModifications();
    for (let i = 2; i < 7; i++) {
      w.clock.now += 2 * H;
      await w.scan(`t${i}`);
      w.aws.completeModifications();
    }
    expect(await statuses(w, volumeIdOf(1))).toEqual(['rescue:completed', 'external:completed']);
    const [, external] = await w.history.listModifications(volumeIdOf(1));
    expect(external).toMatchObject({ source: 'external', from: { type: 'gp3' }, to: { type: 'gp3', iops: 4000, throughputMiBps: 250 } });
    expect(await eventKinds(w, volumeIdOf(1))).toContain('external-modification');
    expect(subjects(w, 'left-control')).toHaveLength(1);
    expect(subjects(w, 'left-control')[0]).toContain(volumeIdOf(1));
    // Volume 2, which nobody else touched, is reverted; volume 1 is left as its new owner set it.
    expect(await statuses(w, volumeIdOf(2))).toEqual(['rescue:completed', 'revert:completed']);
    expect(w.aws.volumes.get(volumeIdOf(1))?.type).toBe('gp3');
    await expectSound(w, { [volumeIdOf(1)]: 1, [volumeIdOf(2)]: 2 });
  });

  it('counts three human modifications in 24 h against the limit: the rescue is blocked, told with its ISO time, never sent', async () => {
    const w = await world([drainingVolume(1)]);
    const human = async (target: { type: string; iops?: number }): Promise<void> => {
      w.clock.now += H;
      w.aws.modifyAsHuman(volumeIdOf(1), target);
      w.aws.completeModifications();
      w.clock.now += 300;
      await w.scan(`after-${target.type}-${target.iops ?? ''}`);
    };
    await human({ type: 'gp3', iops: 3000 });
    await human({ type: 'gp3', iops: 4000 });
    await human({ type: 'gp2' });
    // Back on gp2 and draining: a rescue would use the 4th slot and leave none for its revert.
    w.clock.now += 300;
    await w.scan('trigger');
    expect(await statuses(w, volumeIdOf(1))).toEqual(['external:completed', 'external:completed', 'external:completed']);
    const blocked = w.aws.published.filter((p) => p.MessageAttributes?.['event']?.StringValue === 'blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]?.Message).toMatch(/next attempt not before \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/);
    await expectSound(w, { [volumeIdOf(1)]: 0 });
  });

  it('backs off after EC2 refuses a rescue for modifications it never saw, and tells on-call once with the next time', async () => {
    const w = await world([drainingVolume(1)]);
    // Four quick modifications by someone else between two scans: only the last is visible.
    for (const target of [{ type: 'gp3', iops: 3000 }, { type: 'gp3', iops: 3500 }, { type: 'gp3', iops: 4000 }, { type: 'gp2' }]) {
      w.aws.modifyAsHuman(volumeIdOf(1), target);
      w.aws.completeModifications();
      w.clock.now += 60;
    }
    for (let i = 0; i < 4; i++) {
      await w.scan(`s${i}`);
      w.clock.now += 300;
    }
    expect(w.aws.modifyAttempts.get(volumeIdOf(1))).toBe(1);
    const records = await w.history.listModifications(volumeIdOf(1));
    const refused = records.find((r) => r.status === 'rejected');
    // AWS's message named the time: the back-off ends there (4 starts from NOW, the first leaves the window 24 h later).
    expect(refused?.retryAfterEpochSeconds).toBe(NOW_EPOCH_SECONDS + 24 * H);
    expect(subjects(w, 'rescue-failed')).toHaveLength(1);
    const failed = w.aws.published.find((p) => p.MessageAttributes?.['event']?.StringValue === 'rescue-failed');
    expect(failed?.Message).toContain('not before 2027-01-16T08:00:00Z');
    await expectSound(w, { [volumeIdOf(1)]: 0 });
  });

  it('answers as EC2 does when a person races the guardian or the API throttles: rejected and backed off, or not-sent and retried', async () => {
    const w = await world([drainingVolume(1), drainingVolume(2)]);
    // Throttled: the call did not happen (RequestLimitExceeded), so the next scan may act again.
    w.aws.inject('ModifyVolume', { volumeId: volumeIdOf(2), error: awsError('RequestLimitExceeded', 'Request limit exceeded.', 503) });
    // Someone grows volume 1 between the guardian's reads and its ModifyVolume: EC2 answers IncorrectModificationState itself.
    const send = w.aws.ec2.send.bind(w.aws.ec2);
    let raced = false;
    vi.spyOn(w.aws.ec2, 'send').mockImplementation((async (command: { input?: { VolumeId?: string; DryRun?: boolean } }) => {
      if (!raced && command.constructor.name === 'ModifyVolumeCommand' && command.input?.VolumeId === volumeIdOf(1)) {
        raced = true;
        w.aws.modifyAsHuman(volumeIdOf(1), { type: 'gp2', sizeGiB: 200 });
      }
      return send(command as never);
    }) as never);
    await w.scan('t0');
    expect(await statuses(w, volumeIdOf(1))).toEqual(['rescue:rejected']);
    expect(await statuses(w, volumeIdOf(2))).toEqual(['rescue:not-sent']);
    expect(subjects(w, 'rescue-failed')).toHaveLength(2);
    w.clock.now += 300;
    await w.scan('t1');
    // Volume 2 is sent again; volume 1 waits out the back-off (its modification by someone else is recorded).
    expect(await statuses(w, volumeIdOf(2))).toEqual(['rescue:not-sent', 'rescue:modifying']);
    expect(await statuses(w, volumeIdOf(1))).toEqual(['external:modifying', 'rescue:rejected']);
    w.aws.completeModifications();
    for (let i = 2; i < 6; i++) {
      w.clock.now += 300;
      await w.scan(`t${i}`);
      w.aws.completeModifications();
    }
    expect(await statuses(w, volumeIdOf(1))).toEqual(['external:completed', 'rescue:rejected', 'rescue:completed']);
    expect(w.aws.modifyAttempts.get(volumeIdOf(1))).toBe(2);
    expect(subjects(w, 'rescue-failed')).toHaveLength(2);
    await expectSound(w, { [volumeIdOf(1)]: 1, [volumeIdOf(2)]: 1 });
  });
});
