import { describe, expect, it } from 'vitest';
import { decide, intentRecordFor, isActing, modificationRequestFor } from '../../../lambda/core/decision/decide';
import { checkLedger } from '../../../lambda/core/decision/ledger';
import { NOW, draining, gp2, inputOf, openPolicy, policyOf } from '../../fixtures/policies/decide-fixtures';

describe('acting on decisions', () => {
  const rescue = decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(600, 12, 4000)]]) }))[0]!;

  it('builds a gp3 ModifyVolume request with explicit IOPS and throughput', () => {
    expect(isActing(rescue)).toBe(true);
    if (isActing(rescue)) expect(modificationRequestFor(rescue)).toEqual({ volumeId: 'vol-a', targetType: 'gp3', iops: 5200, throughputMiBps: 128 });
  });

  it('builds the intent record the ledger then counts', () => {
    if (!isActing(rescue)) throw new Error('expected a rescue');
    const record = intentRecordFor(rescue, { now: NOW, runId: 'run-1', sizeGiB: 100 });
    expect(record).toMatchObject({ modificationId: `00${NOW}#rescue`, status: 'intent', kind: 'rescue', burstBalanceBeforePercent: 12, from: { type: 'gp2' }, to: { type: 'gp3', iops: 5200, throughputMiBps: 128 } });
    expect(checkLedger({ rule: 'four-per-24h', records: [record], now: NOW + 60, purpose: 'rescue' })).toMatchObject({ kind: 'blocked', block: 'in-progress' });
  });

  it('records a dry-run rescue as dry-run, which the ledger ignores', () => {
    const dry = decide(inputOf({ policy: policyOf('selection:\n  optInTag: null\n'), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(600)]]) }))[0]!;
    if (!isActing(dry)) throw new Error('expected a rescue');
    const record = intentRecordFor(dry, { now: NOW, runId: 'run-1', sizeGiB: 100 });
    expect(record).toMatchObject({ status: 'dry-run', dryRun: true });
    expect(checkLedger({ rule: 'four-per-24h', records: [record], now: NOW + 60, purpose: 'rescue' }).kind).toBe('allowed');
  });
});
