/**
 * Issue 11 end to end, reconciliation: each case checks the same four things (reconcile-world.ts):
 * at most one ModifyVolume per decision, no intent left open once AWS has answered, the history
 * tells what happened, and no volume ever exceeds 4 modifications in a rolling 24 h.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDynalite } from '../helpers/dynalite';
import { countModifications } from '../../lambda/core/report/effects';
import { awsError, drainingVolume, idleVolume, NOW_EPOCH_SECONDS, volumeIdOf, type FakeVolume } from './fake-aws';
import { eventKinds, expectSound, H, statuses, world as worldOn, type World } from './reconcile-world';

const dynalite = useDynalite();
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const world = (volumes: readonly FakeVolume[]): Promise<World> => worldOn(dynalite, volumes);

describe('reconciliation as EC2 answers, end to end', () => {
  it('reconciles every volume when an intent sits on a never-modified volume among them', async () => {
    const w = await world([drainingVolume(1), drainingVolume(2), drainingVolume(3), idleVolume(4)]);
    // Volume 3's ModifyVolume never reaches AWS: its intent stays open on a volume AWS never modified.
    w.aws.inject('ModifyVolume', { volumeId: volumeIdOf(3), error: awsError('TimeoutError', 'socket timed out', 0) });
    await w.scan('t0');
    w.aws.completeModifications();
    w.clock.now += 300;
    await w.scan('t1');
    // With VolumeIds, volume 3 would fail the whole call (InvalidVolumeModification.NotFound) and leave 1 and 2 open.
    for (const id of [volumeIdOf(1), volumeIdOf(2)]) {
      expect(await statuses(w, id)).toEqual(['rescue:completed']);
      expect((await w.history.listModifications(id))[0]?.awsStartEpochSeconds).toBe(NOW_EPOCH_SECONDS);
    }
    expect(await statuses(w, volumeIdOf(3))).toEqual(['rescue:intent']);
    w.clock.now += 300;
    await w.scan('t2');
    w.aws.completeModifications();
    w.clock.now += 300;
    await w.scan('t3');
    expect(await statuses(w, volumeIdOf(3))).toEqual(['rescue:not-sent', 'rescue:completed']);
    expect(await statuses(w, volumeIdOf(4))).toEqual([]);
    expect(w.aws.modifications.callsWithVolumeIds).toBe(0);
    await expectSound(w, { [volumeIdOf(1)]: 1, [volumeIdOf(2)]: 1, [volumeIdOf(3)]: 1, [volumeIdOf(4)]: 0 });
  });

  it('closes as volume-deleted the intents and modifications of volumes deleted under them, and goes on with the others', async () => {
    const w = await world([drainingVolume(1), drainingVolume(2), drainingVolume(3), drainingVolume(4)]);
    w.aws.inject(
      'ModifyVolume',
      // Volume 1: the request times out before reaching AWS; the volume is then deleted.
      { volumeId: volumeIdOf(1), error: awsError('TimeoutError', 'socket timed out', 0) },
      // Volume 3: deleted between DescribeVolumes and ModifyVolume.
      { volumeId: volumeIdOf(3), error: awsError('InvalidVolume.NotFound', `The volume '${volumeIdOf(3)}' does not exist.`) },
    );
    await w.scan('t0');
    w.aws.deleteVolume(volumeIdOf(1));
    w.aws.deleteVolume(volumeIdOf(2)); // modifying when deleted
    w.aws.deleteVolume(volumeIdOf(3));
    w.clock.now += 300;
    await w.scan('t1');
    expect(await statuses(w, volumeIdOf(1))).toEqual(['rescue:volume-deleted']);
    expect(await statuses(w, volumeIdOf(2))).toEqual(['rescue:volume-deleted']);
    expect(await statuses(w, volumeIdOf(3))).toEqual(['rescue:volume-deleted']);
    w.aws.completeModifications();
    w.clock.now += 300;
    await w.scan('t2');
    expect(await statuses(w, volumeIdOf(4))).toEqual(['rescue:completed']);
    await expectSound(w, { [volumeIdOf(1)]: 0, [volumeIdOf(2)]: 1, [volumeIdOf(3)]: 0, [volumeIdOf(4)]: 1 });
  });

  it('shows a flip whose result DynamoDB failed to record, to the history, the revert path and finance', async () => {
    const w = await world([drainingVolume(1)]);
    const failing = Object.create(dynalite.documentClient) as DynamoDBDocumentClient;
    // DynamoDB fails every write once ModifyVolume has been called (the intent was written before).
    failing.send = (async (command: unknown) => {
      if (w.aws.calls.ModifyVolume > 0 && (command instanceof UpdateCommand || command instanceof PutCommand)) throw awsError('InternalServerError', 'Internal server error', 500);
      return dynalite.documentClient.send(command as UpdateCommand);
    }) as DynamoDBDocumentClient['send'];
    await w.scan('t0', { dynamo: failing });
    expect(await statuses(w, volumeIdOf(1))).toEqual(['rescue:intent']);
    expect(await eventKinds(w, volumeIdOf(1))).not.toContain('failure');
    w.aws.completeModifications();
    w.clock.now += 300;
    await w.scan('t1');
    const [record] = await w.history.listModifications(volumeIdOf(1));
    expect(record).toMatchObject({ kind: 'rescue', status: 'completed', awsStartEpochSeconds: NOW_EPOCH_SECONDS });
    const rescue = (await w.history.listEvents(volumeIdOf(1))).find((e) => e.kind === 'rescue');
    expect(rescue?.details['reconciled']).toBe(true);
    // Finance: the month's ledger counts one applied rescue.
    const month = await w.history.listMonth(new Date(NOW_EPOCH_SECONDS * 1000).toISOString().slice(0, 7));
    expect(countModifications(month.modifications, { sinceEpochSeconds: NOW_EPOCH_SECONDS - H, untilEpochSeconds: NOW_EPOCH_SECONDS + H })).toMatchObject({ rescue: 1, failed: 0, unconfirmed: 0 });
    // The revert path: the volume is flipped, so later scans never rescue it again.
    w.clock.now += 300;
    await w.scan('t2');
    await expectSound(w, { [volumeIdOf(1)]: 1 });
  });

  it.each([
    ['10 min ahead', 600],
    ['10 min behind', -600],
  ])('keeps a real modification real when the laptop running scan --execute is %s', async (_, offset) => {
    const w = await world([drainingVolume(1), drainingVolume(2)]);
    // Volume 2's answer is lost: only reconciliation can match it, by AWS's StartTime and target.
    w.aws.inject('ModifyVolume', { volumeId: volumeIdOf(2), error: awsError('TimeoutError', 'socket hang up', 0), applyFirst: true });
    await w.scan('laptop', { clockOffsetSeconds: offset });
    for (let i = 0; i < 3; i++) {
      w.clock.now += 300;
      await w.scan(`lambda-${i}`);
    }
    w.aws.completeModifications();
    w.clock.now += 300;
    await w.scan('lambda-done');
    for (const id of [volumeIdOf(1), volumeIdOf(2)]) {
      const records = await w.history.listModifications(id);
      expect(records.map((r) => `${r.kind}:${r.status}`), id).toEqual(['rescue:completed']);
      expect(records[0]?.awsStartEpochSeconds, id).toBe(NOW_EPOCH_SECONDS);
      expect(records[0]?.requestedEpochSeconds, id).toBe(NOW_EPOCH_SECONDS + offset);
    }
    await expectSound(w, { [volumeIdOf(1)]: 1, [volumeIdOf(2)]: 1 });
  });
});
