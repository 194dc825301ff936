/**
 * The ledger half of the HistoryStore contract (issue 12, lever 4): `readLedger` returns every
 * record a decision may need in one read, `settleLedger` takes quiet volumes out of it without
 * losing history, and the scan cursor round-trips. Run against DynamoDB (dynalite) and memory.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../lambda/core/ports';
import { modification } from './history-store-contract';

/** Runs the ledger contract against stores made by `makeStore` (fresh and empty each call). */
export function describeLedgerContract(name: string, makeStore: () => Promise<HistoryStore>): void {
  describe(`${name} serves the scan's ledger in one read`, () => {
    it('returns open and closed modifications of every volume, and only the open notification states', async () => {
      const store = await makeStore();
      await store.putIntent(modification({ volumeId: 'vol-a', requestedEpochSeconds: 100 }));
      await store.putIntent(modification({ volumeId: 'vol-b', requestedEpochSeconds: 200 }));
      await store.updateModification('vol-b', modification({ volumeId: 'vol-b', requestedEpochSeconds: 200 }).modificationId, 'intent', { status: 'completed', completedEpochSeconds: 300 });
      await store.putIntent(modification({ volumeId: 'vol-c', requestedEpochSeconds: 250, status: 'dry-run', dryRun: true }));
      await store.putNotificationState({ volumeId: 'vol-a', open: true, lastEvent: 'forecast-alert', lastSeverity: 'warning', lastSentEpochSeconds: 100, version: 1 });
      await store.putNotificationState({ volumeId: 'vol-d', open: false, lastEvent: 'recovered', lastSeverity: 'info', lastSentEpochSeconds: 100, version: 1 });
      const ledger = await store.readLedger?.();
      expect(ledger?.modifications.map((m) => [m.volumeId, m.status]).sort()).toEqual([['vol-a', 'intent'], ['vol-b', 'completed'], ['vol-c', 'dry-run']]);
      expect(ledger?.openNotifications.map((n) => n.volumeId)).toEqual(['vol-a']);
    });

    it('drops a settled volume\'s closed records from the ledger but keeps them in its history', async () => {
      const store = await makeStore();
      const closed = modification({ volumeId: 'vol-a', requestedEpochSeconds: 100, status: 'rejected' });
      await store.putIntent(closed);
      await store.putIntent(modification({ volumeId: 'vol-b', requestedEpochSeconds: 100 }));
      await store.settleLedger?.('vol-a', [closed]);
      // An open record is never settled, even when asked.
      await store.settleLedger?.('vol-b', [modification({ volumeId: 'vol-b', requestedEpochSeconds: 100 })]);
      expect((await store.readLedger?.())?.modifications.map((m) => m.volumeId)).toEqual(['vol-b']);
      expect(await store.listModifications('vol-a')).toEqual([closed]);
    });

    it('reads a volume\'s modifications since a time without the older ones', async () => {
      const store = await makeStore();
      for (const t of [100, 5_000, 90_000]) await store.putIntent(modification({ volumeId: 'vol-a', requestedEpochSeconds: t, status: 'completed' }));
      expect((await store.listModifications('vol-a', 5_000)).map((m) => m.requestedEpochSeconds)).toEqual([5_000, 90_000]);
    });

    it('keeps the busy set of the adaptive cadence, thousands of volumes, and replaces it whole', async () => {
      const store = await makeStore();
      expect(await store.getBusyVolumes?.()).toBeUndefined();
      const many = new Set(Array.from({ length: 3000 }, (_, i) => `vol-${i.toString(16).padStart(17, '0')}`));
      const slow = new Map([...many].slice(0, 500).map((id, i) => [id.replace('vol-0', 'vol-f'), 2 + (i % 11)]));
      await store.putBusyVolumes?.({ volumeIds: many, everyScans: slow, writtenEpochSeconds: 100 });
      expect(await store.getBusyVolumes?.()).toEqual({ volumeIds: many, everyScans: slow, writtenEpochSeconds: 100 });
      await store.putBusyVolumes?.({ volumeIds: new Set(['vol-0a']), writtenEpochSeconds: 400 });
      expect(await store.getBusyVolumes?.()).toEqual({ volumeIds: new Set(['vol-0a']), everyScans: new Map(), writtenEpochSeconds: 400 });
    });

    it('keeps one scan cursor and returns the latest written', async () => {
      const store = await makeStore();
      expect(await store.getScanCursor?.()).toBeUndefined();
      await store.putScanCursor?.({ afterVolumeId: 'vol-0a', runId: 'run-1', tEpochSeconds: 100, volumesDeferred: 12 });
      await store.putScanCursor?.({ afterVolumeId: 'vol-0b', runId: 'run-2', tEpochSeconds: 400, volumesDeferred: 3 });
      expect(await store.getScanCursor?.()).toEqual({ afterVolumeId: 'vol-0b', runId: 'run-2', tEpochSeconds: 400, volumesDeferred: 3 });
    });
  });
}
