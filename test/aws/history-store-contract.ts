/**
 * The one contract every `HistoryStore` honours, run against the DynamoDB store (on dynalite) and
 * the memory store, so the simulator and AWS behave the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryConflictError } from '../../lambda/core/errors';
import type { HistoryEvent, HistoryStore, ModificationRecord, NotificationState } from '../../lambda/core/ports';
import { listHistoryBetween } from '../../lambda/aws/history-range';

/** 2026-01-31T23:59:59Z and the next second, 2026-02-01T00:00:00Z. */
export const JAN_LAST_SECOND = 1_769_903_999;
export const FEB_FIRST_SECOND = 1_769_904_000;

/** A modification record with sensible defaults. */
export function modification(overrides: Partial<ModificationRecord> & { volumeId: string; requestedEpochSeconds: number }): ModificationRecord {
  const kind = overrides.kind ?? 'rescue';
  return {
    modificationId: `${String(overrides.requestedEpochSeconds).padStart(12, '0')}#${kind}`,
    kind,
    status: 'intent',
    from: { type: 'gp2' },
    to: { type: 'gp3', iops: 3000, throughputMiBps: 125 },
    sizeGiB: 100,
    reason: 'drains in 40 min',
    dryRun: false,
    hourlyCostDeltaUSD: 0.001,
    monthlyCostDeltaUSD: -2,
    burstBalanceBeforePercent: 18.5,
    runId: 'run-1',
    ...overrides,
  };
}

/** An event with sensible defaults. */
export function event(overrides: Partial<HistoryEvent> & { volumeId: string; tEpochSeconds: number }): HistoryEvent {
  return { kind: 'alert', runId: 'run-1', summary: 'drains in 40 min', details: { secondsToEmpty: 2400, nested: { ok: true } }, ...overrides };
}

function state(volumeId: string, version: number): NotificationState {
  return { volumeId, open: true, lastEvent: 'forecast-alert', lastSeverity: 'warning', lastSentEpochSeconds: 1000 * version, lastSecondsToEmpty: 3600, version };
}

/** Runs the whole contract against stores made by `makeStore` (a fresh, empty store each call). */
export function describeHistoryStoreContract(name: string, makeStore: () => Promise<HistoryStore>): void {
  describe(`${name} honours the HistoryStore contract`, () => {
    it('lists a volume\'s events oldest first, within an inclusive range', async () => {
      const store = await makeStore();
      for (const t of [300, 100, 200]) await store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: t }));
      await store.appendEvent(event({ volumeId: 'vol-b', tEpochSeconds: 150 }));
      expect((await store.listEvents('vol-a')).map((e) => e.tEpochSeconds)).toEqual([100, 200, 300]);
      expect((await store.listEvents('vol-a', { sinceEpochSeconds: 200, untilEpochSeconds: 300 })).map((e) => e.tEpochSeconds)).toEqual([200, 300]);
      expect(await store.listEvents('vol-a')).toContainEqual(event({ volumeId: 'vol-a', tEpochSeconds: 100 }));
    });

    it('rejects a duplicate event with HistoryConflictError and keeps the first', async () => {
      const store = await makeStore();
      await store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: 100, summary: 'first' }));
      await expect(store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: 100, summary: 'second' }))).rejects.toBeInstanceOf(HistoryConflictError);
      expect((await store.listEvents('vol-a')).map((e) => e.summary)).toEqual(['first']);
    });

    it('rejects a second open intent for the same volume with HistoryConflictError', async () => {
      const store = await makeStore();
      await store.putIntent(modification({ volumeId: 'vol-a', requestedEpochSeconds: 1000 }));
      await expect(store.putIntent(modification({ volumeId: 'vol-a', requestedEpochSeconds: 1060 }))).rejects.toBeInstanceOf(HistoryConflictError);
      await store.putIntent(modification({ volumeId: 'vol-b', requestedEpochSeconds: 1060 }));
      expect((await store.listModifications('vol-a')).length).toBe(1);
    });

    it('accepts a new intent once the previous modification completed', async () => {
      const store = await makeStore();
      const first = modification({ volumeId: 'vol-a', requestedEpochSeconds: 1000 });
      await store.putIntent(first);
      await store.updateModification('vol-a', first.modificationId, 'intent', { status: 'modifying' });
      await store.updateModification('vol-a', first.modificationId, 'modifying', { status: 'completed', completedEpochSeconds: 2000 });
      await store.putIntent(modification({ volumeId: 'vol-a', requestedEpochSeconds: 5000, kind: 'revert' }));
      const listed = await store.listModifications('vol-a');
      expect(listed.map((m) => [m.kind, m.status])).toEqual([['rescue', 'completed'], ['revert', 'intent']]);
      expect(listed[0]?.completedEpochSeconds).toBe(2000);
      expect((await store.listModifications('vol-a', 3000)).map((m) => m.kind)).toEqual(['revert']);
    });

    it('rejects an update from the wrong status and a reopening, with HistoryConflictError', async () => {
      const store = await makeStore();
      const record = modification({ volumeId: 'vol-a', requestedEpochSeconds: 1000 });
      await store.putIntent(record);
      await expect(store.updateModification('vol-a', record.modificationId, 'modifying', { status: 'completed' })).rejects.toBeInstanceOf(HistoryConflictError);
      await expect(store.updateModification('vol-a', 'missing#rescue', 'intent', { status: 'failed' })).rejects.toBeInstanceOf(HistoryConflictError);
      await store.updateModification('vol-a', record.modificationId, 'intent', { status: 'failed', statusMessage: 'InvalidParameterValue' });
      await expect(store.updateModification('vol-a', record.modificationId, 'failed', { status: 'modifying' })).rejects.toBeInstanceOf(HistoryConflictError);
      expect((await store.listModifications('vol-a'))[0]).toMatchObject({ status: 'failed', statusMessage: 'InvalidParameterValue' });
    });

    it('rejects a duplicate modification id with HistoryConflictError, even for a closed record', async () => {
      const store = await makeStore();
      const record = modification({ volumeId: 'vol-a', requestedEpochSeconds: 1000, status: 'dry-run' });
      await store.putIntent(record);
      await expect(store.putIntent(record)).rejects.toBeInstanceOf(HistoryConflictError);
    });

    it('lists open modifications across volumes and drops them once closed', async () => {
      const store = await makeStore();
      const a = modification({ volumeId: 'vol-a', requestedEpochSeconds: 1000 });
      const b = modification({ volumeId: 'vol-b', requestedEpochSeconds: 1000 });
      await store.putIntent(a);
      await store.putIntent(b);
      await store.putIntent(modification({ volumeId: 'vol-c', requestedEpochSeconds: 1000, status: 'dry-run' }));
      await store.updateModification('vol-b', b.modificationId, 'intent', { status: 'optimizing' });
      expect((await store.listOpenModifications()).map((m) => [m.volumeId, m.status])).toEqual([['vol-a', 'intent'], ['vol-b', 'optimizing']]);
      await store.updateModification('vol-a', a.modificationId, 'intent', { status: 'rejected' });
      expect((await store.listOpenModifications()).map((m) => m.volumeId)).toEqual(['vol-b']);
    });

    it('keeps a rescue\'s shadow tally on the record: listed, in the month and in the ledger, the record otherwise unchanged', async () => {
      const store = await makeStore();
      const rescue = modification({ volumeId: 'vol-a', requestedEpochSeconds: JAN_LAST_SECOND - 3_600 });
      await store.putIntent(rescue);
      await store.updateModification('vol-a', rescue.modificationId, 'intent', { status: 'optimizing' });
      const tally = { throughEpochSeconds: JAN_LAST_SECOND - 1_800, credits: 0, throttledSeconds: 612.5, deferredUnits: 551_250, datapoints: 29 };
      await store.updateModification('vol-a', rescue.modificationId, 'optimizing', { shadowThrottling: tally });
      await store.updateModification('vol-a', rescue.modificationId, 'optimizing', { status: 'completed', completedEpochSeconds: JAN_LAST_SECOND - 600 });
      const expected = { ...rescue, status: 'completed', completedEpochSeconds: JAN_LAST_SECOND - 600, shadowThrottling: tally };
      expect(await store.listModifications('vol-a')).toEqual([expected]);
      expect((await store.listMonth('2026-01')).modifications).toEqual([expected]);
      if (store.readLedger !== undefined) expect((await store.readLedger()).modifications).toEqual([expected]);
    });

    it('only moves a shadow tally forward: an older or equal one (a stale or racing scan) is a HistoryConflictError and the stored one stays', async () => {
      const store = await makeStore();
      const rescue = modification({ volumeId: 'vol-a', requestedEpochSeconds: 1_000, status: 'completed' });
      await store.putIntent(rescue);
      const at = (through: number, throttledSeconds: number) => ({ throughEpochSeconds: through, credits: 0, throttledSeconds, deferredUnits: 0, datapoints: (through - 1_000) / 60 });
      await store.updateModification('vol-a', rescue.modificationId, 'completed', { shadowThrottling: at(4_600, 300) });
      const racing = await Promise.allSettled([0, 1].map(() => store.updateModification('vol-a', rescue.modificationId, 'completed', { shadowThrottling: at(5_800, 500) })));
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const stale of [at(5_800, 900), at(2_800, 100)]) {
        await expect(store.updateModification('vol-a', rescue.modificationId, 'completed', { shadowThrottling: stale })).rejects.toBeInstanceOf(HistoryConflictError);
      }
      expect((await store.listModifications('vol-a'))[0]?.shadowThrottling).toEqual(at(5_800, 500));
    });

    it('splits finance\'s months on the UTC calendar boundary', async () => {
      const store = await makeStore();
      await store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: JAN_LAST_SECOND }));
      await store.appendEvent(event({ volumeId: 'vol-b', tEpochSeconds: FEB_FIRST_SECOND }));
      await store.putIntent(modification({ volumeId: 'vol-a', requestedEpochSeconds: JAN_LAST_SECOND }));
      const january = await store.listMonth('2026-01');
      const february = await store.listMonth('2026-02');
      expect(january.events.map((e) => e.volumeId)).toEqual(['vol-a']);
      expect(january.modifications.map((m) => m.volumeId)).toEqual(['vol-a']);
      expect(february.events.map((e) => e.volumeId)).toEqual(['vol-b']);
      expect(february.modifications).toEqual([]);
      const range = await listHistoryBetween(store, JAN_LAST_SECOND - 10, FEB_FIRST_SECOND);
      expect(range.events.map((e) => e.tEpochSeconds)).toEqual([JAN_LAST_SECOND, FEB_FIRST_SECOND]);
      expect(range.modifications.length).toBe(1);
    });

    it('keeps an instance-bucket alert under the bare instance id, beside its dedupe state: listed with its facts, in its month, apart from its volume', async () => {
      const store = await makeStore();
      const facts = { instanceId: 'i-0123456789abcdef0', instanceType: 't3.medium', bucket: 'EBSIOBalance%', ioBalancePercent: 31.5, attachedVolumeIds: ['vol-a'], fix: { instanceType: 'c5.xlarge', burstable: true, monthlyDeltaUSD: 93.44, text: 'c5.xlarge (…)' } };
      const alert = event({ volumeId: 'i-0123456789abcdef0', tEpochSeconds: JAN_LAST_SECOND, details: { event: 'instance-bucket', severity: 'critical', instance: facts } });
      await store.putNotificationState({ ...state('i-0123456789abcdef0', 1), lastEvent: 'instance-bucket' });
      await store.appendEvent(alert);
      await store.appendEvent(event({ volumeId: 'vol-a', tEpochSeconds: JAN_LAST_SECOND, kind: 'blocked', details: { instanceId: 'i-0123456789abcdef0', decision: { block: 'instance-bucket' } } }));
      expect(await store.listEvents('i-0123456789abcdef0')).toEqual([alert]);
      expect((await store.listEvents('vol-a')).map((e) => e.kind)).toEqual(['blocked']);
      expect((await store.listMonth('2026-01')).events.map((e) => e.volumeId).sort()).toEqual(['i-0123456789abcdef0', 'vol-a']);
      expect((await store.getNotificationState('i-0123456789abcdef0'))?.lastEvent).toBe('instance-bucket');
      await expect(store.appendEvent(alert)).rejects.toBeInstanceOf(HistoryConflictError);
    });

    it('versions the notification state and rejects a stale writer with HistoryConflictError', async () => {
      const store = await makeStore();
      expect(await store.getNotificationState('vol-a')).toBeUndefined();
      await store.putNotificationState(state('vol-a', 1));
      await expect(store.putNotificationState(state('vol-a', 1))).rejects.toBeInstanceOf(HistoryConflictError);
      await store.putNotificationState(state('vol-a', 2));
      await expect(store.putNotificationState(state('vol-a', 2))).rejects.toBeInstanceOf(HistoryConflictError);
      await expect(store.putNotificationState(state('vol-a', 4))).rejects.toBeInstanceOf(HistoryConflictError);
      expect(await store.getNotificationState('vol-a')).toEqual(state('vol-a', 2));
    });

    it('lets exactly one of many racing scans hold the intent; the others get HistoryConflictError', async () => {
      const store = await makeStore();
      const racers = Array.from({ length: 8 }, (_, i) => modification({ volumeId: 'vol-race', requestedEpochSeconds: 1000 + i, runId: `run-${i}` }));
      const results = await Promise.allSettled(racers.map((r) => store.putIntent(r)));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won.length).toBe(1);
      expect(lost.every((r) => r.reason instanceof HistoryConflictError)).toBe(true);
      expect((await store.listModifications('vol-race')).length).toBe(1);
      expect((await store.listOpenModifications()).filter((m) => m.volumeId === 'vol-race').length).toBe(1);
    });

    it('lets exactly one of two racing notification writers advance the version', async () => {
      const store = await makeStore();
      await store.putNotificationState(state('vol-a', 1));
      const results = await Promise.allSettled([store.putNotificationState(state('vol-a', 2)), store.putNotificationState({ ...state('vol-a', 2), lastSeverity: 'critical' })]);
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof HistoryConflictError).length).toBe(1);
    });

    it('returns any set of events sorted by time, each exactly once (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 4_000_000_000 }), { minLength: 1, maxLength: 12 }), async (times) => {
          const store = await makeStore();
          for (const t of times) await store.appendEvent(event({ volumeId: 'vol-p', tEpochSeconds: t }));
          const listed = (await store.listEvents('vol-p')).map((e) => e.tEpochSeconds);
          expect(listed).toEqual([...times].sort((a, b) => a - b));
        }),
        { numRuns: 15 },
      );
    });
  });
}
