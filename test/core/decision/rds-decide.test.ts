import { describe, expect, it } from 'vitest';
import { bundledPriceBook } from '../../../lambda/core/decision/price-book';
import { decideDbInstance, selectDbInstance } from '../../../lambda/core/decision/rds-decide';
import { checkRdsLedger, RDS_STORAGE_COOLDOWN_SECONDS } from '../../../lambda/core/decision/rds-ledger';
import type { ModificationRecord, ModificationRecordStatus } from '../../../lambda/core/ports';
import type { RdsInstance } from '../../../lambda/core/rds-ports';
import type { Forecast } from '../../../lambda/core/types';
import { H, NOW, draining, policyOf } from '../../fixtures/policies/decide-fixtures';

const OPT_IN = { 'burst-guardian': 'managed' };

function db(partial: Partial<RdsInstance> = {}): RdsInstance {
  return { identifier: 'orders-db', engine: 'postgres', storageType: 'gp2', allocatedStorageGiB: 100, status: 'available', tags: OPT_IN, ...partial };
}

function record(ageSeconds: number, status: ModificationRecordStatus = 'completed', extra: Partial<ModificationRecord> = {}): ModificationRecord {
  const t = NOW - ageSeconds;
  return {
    volumeId: 'rds:orders-db', modificationId: `${t}#rescue`, kind: 'rescue', requestedEpochSeconds: t, status, from: { type: 'gp2' }, to: { type: 'gp3' },
    sizeGiB: 100, reason: 'test', dryRun: false, hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0, runId: 'r', ...extra,
  };
}

const RESCUING = policyOf('dryRun: false\nrds:\n  enabled: true\n  rescue: true\n');
const ALERTING = policyOf('rds:\n  enabled: true\n');
const prices = bundledPriceBook('us-east-1');

function decide(forecast: Forecast, instance = db(), records: ModificationRecord[] = [], policy = RESCUING) {
  return decideDbInstance({ policy, instance, forecast, records, prices, now: NOW });
}

describe('selectDbInstance', () => {
  it.each([
    ['rejects every DB instance when rds is off (the default)', policyOf(''), db(), false],
    ['selects an opted-in gp2 instance', RESCUING, db(), true],
    ['rejects an instance without the opt-in tag', RESCUING, db({ tags: { team: 'bi' } }), false],
    ['rejects Aurora instances (cluster storage has no bucket)', RESCUING, db({ clusterIdentifier: 'c1', storageType: 'aurora' }), false],
    ['rejects an excluded identifier', policyOf('rds:\n  enabled: true\n  excludeIdentifiers: [orders-db]\n'), db(), false],
    ['rejects an instance whose tags miss rds.match.tags', policyOf('rds:\n  enabled: true\n  match:\n    tags: { team: [payments] }\n'), db(), false],
    ['selects every instance when the policy has no opt-in tag', policyOf('selection:\n  optInTag: null\nrds:\n  enabled: true\n'), db({ tags: {} }), true],
  ])('%s', (_what, policy, instance, selected) => {
    expect(selectDbInstance(policy, instance).selected).toBe(selected);
  });
});

describe('checkRdsLedger (RDS storage rules)', () => {
  it.each([
    ['allows an available instance never changed', db(), [], 'allowed'],
    ['blocks while RDS optimizes the storage', db({ status: 'storage-optimization' }), [], 'storage-optimization'],
    ['blocks while a storage type is pending', db({ pendingStorageType: 'gp3' }), [], 'in-progress'],
    ['blocks an instance that is not available', db({ status: 'backing-up' }), [], 'instance-state'],
    ['blocks on its own open record', db(), [record(60, 'intent')], 'in-progress'],
    ['blocks within 6 h of the last storage change', db(), [record(5 * H)], 'cooldown'],
    ['allows 6 h after the last storage change', db(), [record(6 * H)], 'allowed'],
    ['blocks a fifth storage change within 24 h', db(), [record(23 * H), record(17 * H, 'failed'), record(11 * H, 'failed'), record(6 * H + 60, 'failed')], 'rate-limit'],
    ['ignores dry-run and rejected records for the cooldown', db(), [record(H, 'dry-run', { dryRun: true }), record(2 * H, 'rejected')], 'allowed'],
    ['backs off after a refusal until its retry time', db(), [record(60, 'rejected', { retryAfterEpochSeconds: NOW + 600 })], 'refused-backoff'],
  ])('%s', (_what, instance, records, expected) => {
    const verdict = checkRdsLedger(instance, records, NOW);
    expect(verdict.kind === 'allowed' ? 'allowed' : verdict.block).toBe(expected);
  });

  it('says when the cooldown ends: 6 h after the last change began', () => {
    const verdict = checkRdsLedger(db(), [record(2 * H)], NOW);
    expect(verdict).toMatchObject({ kind: 'blocked', nextAllowedEpochSeconds: NOW - 2 * H + RDS_STORAGE_COOLDOWN_SECONDS });
  });
});

describe('decideDbInstance', () => {
  it('rescues a gp2 instance forecast to empty within the rescue horizon, at the RDS storage price difference', () => {
    const d = decide(draining(20 * 60, 15, 1000));
    expect(d).toMatchObject({ kind: 'rescue', dryRun: false, monthlyCostDeltaUSD: 0, urgencySeconds: 1200 });
  });

  it('only alerts when rds.rescue is false (an early warning: the fixture drain has no persistence to page on)', () => {
    expect(decide(draining(20 * 60, 15, 1000), db(), [], ALERTING)).toMatchObject({ kind: 'alert', severity: 'warning' });
  });

  it('is blocked, critical, when RDS would refuse the storage change now', () => {
    expect(decide(draining(20 * 60, 15, 1000), db({ status: 'storage-optimization' }))).toMatchObject({ kind: 'blocked', block: 'storage-optimization', severity: 'critical' });
  });

  it('says nothing about a full bucket', () => {
    expect(decide({ kind: 'full', balancePercent: 100 }).kind).toBe('ok');
  });

  it('skips an instance without data: insufficient data is never a rescue', () => {
    expect(decide({ kind: 'insufficient-data', reason: 'no AWS/RDS BurstBalance read' })).toMatchObject({ kind: 'skip', skip: 'no-data' });
  });

  it('never moves an instance it rescued back to gp2', () => {
    const d = decide({ kind: 'not-burstable', reason: 'gp3' }, db({ storageType: 'gp3' }), [record(30 * H, 'completed')]);
    expect(d.kind).toBe('ok');
    expect(d.reasons.join(' ')).toContain('never moved back to gp2');
  });

  it('skips gp3/io1 instances the guardian never touched', () => {
    expect(decide({ kind: 'not-burstable', reason: 'io1' }, db({ storageType: 'io1' }))).toMatchObject({ kind: 'skip', skip: 'not-gp2' });
  });
});
