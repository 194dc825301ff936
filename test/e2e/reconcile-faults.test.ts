/**
 * Issue 11 end to end: the real handlers → runScan → the real adapters, against the fake EC2 that
 * answers as AWS documents (fake-ec2-modifications.ts) and a real dynalite table. Each case checks
 * the same four things: at most one ModifyVolume per decision, no intent left open once AWS has
 * answered, the history tells what happened, and no volume ever exceeds 4 modifications in 24 h.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { countModifications } from '../../lambda/core/report/effects';
import { createScanHandler } from '../../lambda/handlers/scan';
import type { HandlerOptions } from '../../lambda/handlers/wiring';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { awsError, drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS, volumeIdOf, type FakeVolume } from './fake-aws';

const POLICY_YAML = readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8');
const POLICY_JSON = JSON.stringify(parsePolicy(POLICY_YAML, 'rescue-live.yaml'));
/** The same policy, reverting instead of recommending to stay on the cheaper gp3. */
const REVERTING_POLICY_JSON = JSON.stringify(parsePolicy(POLICY_YAML.replace('  minimumHoldMinutes: 360', '  minimumHoldMinutes: 360\n  keepIfCheaper: false'), 'rescue-live.yaml'));
const H = 3_600;

let dynalite: DynaliteHandle;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

interface World {
  readonly aws: FakeAws;
  readonly history: DynamoDbHistoryStore;
  /** AWS's clock (the fake stamps StartTime with it). */
  readonly clock: { now: number };
  /** Runs one scan with the given client and clock offset (a laptop whose clock is off). */
  scan(id: string, options?: { readonly dynamo?: DynamoDBDocumentClient; readonly clockOffsetSeconds?: number }): Promise<unknown>;
}

async function world(volumes: readonly FakeVolume[], policyJson = POLICY_JSON): Promise<World> {
  const clock = { now: NOW_EPOCH_SECONDS };
  const aws = new FakeAws(volumes, () => clock.now);
  const tableName = await dynalite.createHistoryTable();
  const options = (dynamo: DynamoDBDocumentClient, offset: number): HandlerOptions => ({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson,
    clients: () => aws.clients(dynamo),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    retry: { sleep: async () => undefined, baseDelayMs: 0 },
    nowEpochSeconds: () => clock.now + offset,
  });
  return {
    aws,
    clock,
    history: new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }),
    scan: (id, o = {}) => createScanHandler(options(o.dynamo ?? dynalite.documentClient, o.clockOffsetSeconds ?? 0))({}, { awsRequestId: id }),
  };
}

/** The four checks of every case. `modifies`: how many accepted ModifyVolume calls each volume may have had. */
async function expectSound(w: World, modifies: Readonly<Record<string, number>>): Promise<void> {
  expect(await w.history.listOpenModifications(), 'open intents after AWS answered').toEqual([]);
  for (const [volumeId, n] of Object.entries(modifies)) {
    expect(w.aws.modifyCalls.get(volumeId) ?? 0, `${volumeId} ModifyVolume calls`).toBe(n);
    expect(w.aws.maxModificationsIn24h(volumeId), `${volumeId} modifications in 24 h`).toBeLessThanOrEqual(4);
  }
}

const statuses = async (w: World, volumeId: string): Promise<string[]> => (await w.history.listModifications(volumeId)).map((r) => `${r.kind}:${r.status}`);
const eventKinds = async (w: World, volumeId: string): Promise<string[]> => (await w.history.listEvents(volumeId)).map((e) => e.kind);
const subjects = (w: World, event: string): string[] => w.aws.published.filter((p) => p.MessageAttributes?.['event']?.StringValue === event).map((p) => p.Subject ?? '');

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
