import { describe, expect, it } from 'vitest';
import type { ModificationRecord, ModificationRecordStatus } from '../../../lambda/core/ports';
import type { RdsInstance } from '../../../lambda/core/rds-ports';
import { rdsReconcilePatch } from '../../../lambda/core/scan/rds-reconcile';
import { ORPHAN_INTENT_SECONDS } from '../../../lambda/core/scan/reconcile';
import { NOW } from '../../fixtures/policies/decide-fixtures';

function record(status: ModificationRecordStatus, ageSeconds = 60): ModificationRecord {
  return {
    volumeId: 'rds:orders-db', modificationId: 'm#rescue', kind: 'rescue', requestedEpochSeconds: NOW - ageSeconds, status, from: { type: 'gp2' }, to: { type: 'gp3' },
    sizeGiB: 100, reason: 't', dryRun: false, hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0, runId: 'r', resource: { kind: 'rds', identifier: 'orders-db' },
  };
}

function db(partial: Partial<RdsInstance>): RdsInstance {
  return { identifier: 'orders-db', engine: 'postgres', storageType: 'gp2', allocatedStorageGiB: 100, status: 'available', tags: {}, ...partial };
}

describe('rdsReconcilePatch (DescribeDBInstances is the truth)', () => {
  it.each([
    ['an answered intent whose change is pending', record('intent'), db({ status: 'modifying', pendingStorageType: 'gp3' }), { status: 'modifying' }],
    ['a change RDS is optimizing', record('modifying'), db({ storageType: 'gp3', status: 'storage-optimization' }), { status: 'optimizing' }],
    ['a change RDS finished', record('optimizing'), db({ storageType: 'gp3' }), { status: 'completed', completedEpochSeconds: NOW }],
    ['an intent RDS never saw, old enough', record('intent', ORPHAN_INTENT_SECONDS), db({}), { status: 'not-sent' }],
    ['a DB instance no longer listed', record('modifying'), undefined, { status: 'volume-deleted' }],
  ])('moves %s', (_what, r, instance, expected) => {
    expect(rdsReconcilePatch(r, instance, NOW)).toMatchObject(expected);
  });

  it.each([
    ['a fresh intent RDS does not show yet (reads are eventually consistent)', record('intent', 30), db({})],
    ['a modifying record still pending', record('modifying'), db({ status: 'modifying', pendingStorageType: 'gp3' })],
  ])('leaves %s alone', (_what, r, instance) => {
    expect(rdsReconcilePatch(r, instance, NOW)).toBeUndefined();
  });
});
