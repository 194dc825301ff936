import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiThrottledError, InvalidModificationError, ModificationInProgressError, ModificationRateExceededError, NotAuthorizedError, VolumeNotFoundError } from '../../../lambda/core/errors';
import type { ModificationRecord } from '../../../lambda/core/ports';
import { claimOf, isModificationOf } from '../../../lambda/core/scan/modification-match';
import { classifyModifyFailure, IN_PROGRESS_RETRY_SECONDS, REFUSED_RETRY_SECONDS } from '../../../lambda/core/scan/modify-failure';
import { ORPHAN_INTENT_SECONDS, reconcilePatch } from '../../../lambda/core/scan/reconcile';
import type { VolumeModification } from '../../../lambda/core/types';

const NOW = 1_800_000_000;

function intent(requested: number, patch: Partial<ModificationRecord> = {}): ModificationRecord {
  return {
    volumeId: 'vol-1', modificationId: `${requested}#rescue`, kind: 'rescue', requestedEpochSeconds: requested, status: 'intent',
    from: { type: 'gp2' }, to: { type: 'gp3', iops: 3000, throughputMiBps: 125 }, sizeGiB: 100, reason: 'test', dryRun: false,
    hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0, runId: 'r', ...patch,
  };
}

function aws(start: number, state: VolumeModification['state'] = 'optimizing', targetType: VolumeModification['targetType'] = 'gp3'): VolumeModification {
  return { volumeId: 'vol-1', state, startEpochSeconds: start, originalType: 'gp2', targetType, targetIops: 3000, originalSizeGiB: 100, targetSizeGiB: 100 };
}

describe('reconcilePatch', () => {
  it.each([
    ['takes AWS state and StartTime for a lost answer', intent(NOW - 300), aws(NOW - 300), [], true, { status: 'optimizing', awsStartEpochSeconds: NOW - 300 }],
    ['matches a lost answer written by a clock 10 min ahead', intent(NOW + 600), aws(NOW), [], true, { status: 'optimizing', awsStartEpochSeconds: NOW }],
    ['matches a lost answer written by a clock 10 min behind', intent(NOW - 600), aws(NOW), [], true, { status: 'optimizing', awsStartEpochSeconds: NOW }],
    ['matches a stored StartTime whatever the clocks', intent(NOW + 900, { status: 'modifying', awsStartEpochSeconds: NOW }), aws(NOW, 'completed'), [], true, { status: 'completed', awsStartEpochSeconds: NOW, completedEpochSeconds: NOW }],
    ['counts a first miss without closing', intent(NOW - 3600), undefined, [], true, { reconcileMisses: 1 }],
    ['closes as not-sent on the second miss once old enough', intent(NOW - ORPHAN_INTENT_SECONDS, { reconcileMisses: 1 }), undefined, [], true, { status: 'not-sent', reconcileMisses: 2 }],
    ['keeps a young intent open however many misses', intent(NOW - 60, { reconcileMisses: 5 }), undefined, [], true, { reconcileMisses: 6 }],
    ['does not take an older modification another record claims', intent(NOW - 60, { reconcileMisses: 1 }), aws(NOW - 7200, 'completed'), [intent(NOW - 7200, { status: 'completed', awsStartEpochSeconds: NOW - 7200 })], true, { reconcileMisses: 2 }],
    ['does not take a modification to another target', intent(NOW - 60), aws(NOW - 30, 'modifying', 'io2'), [], true, { reconcileMisses: 1 }],
    ['closes as volume-deleted when the volume is gone', intent(NOW - 60), undefined, [], false, { status: 'volume-deleted' }],
    ['closes a running modification of a deleted volume', intent(NOW - 60, { status: 'modifying', awsStartEpochSeconds: NOW - 60 }), undefined, [], false, { status: 'volume-deleted' }],
    ['leaves an intent open when existence is unknown', intent(NOW - 3600, { reconcileMisses: 3 }), undefined, [], undefined, undefined],
    ['ends a modification a newer one followed', intent(NOW - 9000, { status: 'optimizing', awsStartEpochSeconds: NOW - 9000 }), aws(NOW - 600, 'modifying', 'io2'), [], true, { status: 'completed', completedEpochSeconds: NOW - 600 }],
    ['changes nothing when AWS agrees', intent(NOW - 60, { status: 'optimizing', awsStartEpochSeconds: NOW - 60 }), aws(NOW - 60), [], true, undefined],
  ] as const)('%s', (_what, record, m, others, exists, expected) => {
    const patch = reconcilePatch(record, m, others, exists, NOW);
    if (expected === undefined) expect(patch).toBeUndefined();
    else expect(patch).toMatchObject(expected);
  });
});

describe('reconcilePatch properties', () => {
  it('never labels a real modification not-sent or volume-deleted, whatever the writer clock skew up to 50 min (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom('modifying', 'optimizing', 'completed', 'failed') as fc.Arbitrary<VolumeModification['state']>, (skew, misses, state) => {
        const patch = reconcilePatch(intent(NOW - 900 + skew, { reconcileMisses: misses }), aws(NOW - 900, state), [], true, NOW);
        expect(patch).toMatchObject({ status: state, awsStartEpochSeconds: NOW - 900 });
      }),
    );
  });
});

describe('claimOf and isModificationOf', () => {
  it('matches legacy records without a StartTime by request time and target', () => {
    const legacy = intent(NOW - 100, { status: 'completed' });
    expect(claimOf([legacy], aws(NOW - 60, 'completed'))).toBe(legacy);
    expect(claimOf([legacy], aws(NOW - 3600, 'completed'))).toBeUndefined();
  });

  it('never lets an intent take a modification older than one the volume already went through', () => {
    const later = intent(NOW - 1800, { status: 'completed', awsStartEpochSeconds: NOW - 1800, to: { type: 'gp2' } });
    expect(isModificationOf(intent(NOW - 60), aws(NOW - 3000, 'failed'), [later])).toBe(false);
  });
});

describe('classifyModifyFailure', () => {
  it.each([
    ['a deleted volume', new VolumeNotFoundError('InvalidVolume.NotFound'), { kind: 'volume-deleted' }],
    ['throttling: the call did not happen', new ApiThrottledError('RequestLimitExceeded'), { kind: 'not-sent' }],
    ['a modification in progress', new ModificationInProgressError('IncorrectModificationState'), { kind: 'rejected', retryAfterEpochSeconds: NOW + IN_PROGRESS_RETRY_SECONDS }],
    ['the rate limit with AWS time', new ModificationRateExceededError('VolumeModificationRateExceeded', NOW + 7200), { kind: 'rejected', retryAfterEpochSeconds: NOW + 7200 }],
    ['the rate limit without a time', new ModificationRateExceededError('VolumeModificationRateExceeded', undefined), { kind: 'rejected', retryAfterEpochSeconds: NOW + REFUSED_RETRY_SECONDS }],
    ['missing permissions', new NotAuthorizedError('UnauthorizedOperation'), { kind: 'rejected', retryAfterEpochSeconds: NOW + REFUSED_RETRY_SECONDS }],
    ['invalid parameters', new InvalidModificationError('InvalidParameterValue'), { kind: 'rejected', retryAfterEpochSeconds: NOW + REFUSED_RETRY_SECONDS }],
    ['a timeout that may have reached AWS', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), { kind: 'ambiguous' }],
    ['a 5xx', Object.assign(new Error('internal'), { name: 'InternalError' }), { kind: 'ambiguous' }],
  ] as const)('classifies %s', (_what, error, expected) => {
    expect(classifyModifyFailure(error, NOW)).toMatchObject(expected);
  });
});
