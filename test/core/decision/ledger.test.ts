import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COOLDOWN_SECONDS, FAILED_RETRY_BACKOFF_SECONDS, checkLedger, type LedgerQuery } from '../../../lambda/core/decision/ledger';
import type { GuardianModificationKind, ModificationKind, ModificationRecord, ModificationRecordStatus } from '../../../lambda/core/ports';
import type { VolumeModification } from '../../../lambda/core/types';

const NOW = 1_800_000_000;
const H = 3_600;

function record(ageSeconds: number, status: ModificationRecordStatus = 'completed', kind: ModificationKind = 'rescue', dryRun = false): ModificationRecord {
  const t = NOW - ageSeconds;
  return {
    volumeId: 'vol-1', modificationId: `${t}#${kind}`, kind, requestedEpochSeconds: t, status,
    from: { type: 'gp2' }, to: { type: 'gp3', iops: 3000, throughputMiBps: 125 }, sizeGiB: 100, reason: 'test', dryRun,
    hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0, runId: 'r', ...(status === 'completed' || status === 'failed' ? { completedEpochSeconds: t + 60 } : {}),
  };
}

function aws(ageSeconds: number, state: VolumeModification['state']): VolumeModification {
  return { volumeId: 'vol-1', state, startEpochSeconds: NOW - ageSeconds, originalType: 'gp2', targetType: 'gp3', originalSizeGiB: 100, targetSizeGiB: 100 };
}

function query(partial: Partial<LedgerQuery>): LedgerQuery {
  return { rule: 'four-per-24h', records: [], now: NOW, purpose: 'rescue', ...partial };
}

describe('checkLedger', () => {
  it.each([
    // [what, query, kind, block, next allowed]
    ['allows a never-modified volume', query({}), 'allowed', undefined, undefined],
    ['allows a rescue with 2 of 4 slots used', query({ records: [record(20 * H), record(10 * H)] }), 'allowed', undefined, undefined],
    ['blocks a rescue with 3 used: no slot left for its revert', query({ records: [record(20 * H), record(10 * H), record(5 * H)] }), 'blocked', 'no-room-for-revert', NOW - 20 * H + 24 * H],
    ['allows a revert with 3 used', query({ purpose: 'revert', records: [record(20 * H), record(10 * H), record(5 * H)] }), 'allowed', undefined, undefined],
    ['blocks a revert with 4 used until the oldest leaves the window', query({ purpose: 'revert', records: [record(23 * H), record(20 * H), record(10 * H), record(5 * H)] }), 'blocked', 'rate-limit', NOW + H],
    ['forgets modifications older than 24 h', query({ records: [record(30 * H), record(26 * H), record(25 * H), record(5 * H)] }), 'allowed', undefined, undefined],
    ['ignores dry-run and rejected records', query({ records: [record(3 * H, 'dry-run', 'rescue', true), record(2 * H, 'rejected'), record(H, 'rejected'), record(60, 'dry-run', 'revert', true)] }), 'allowed', undefined, undefined],
    ['blocks while AWS says optimizing', query({ latest: aws(H, 'optimizing') }), 'blocked', 'in-progress', undefined],
    ['blocks while AWS says modifying', query({ latest: aws(60, 'modifying') }), 'blocked', 'in-progress', undefined],
    ['blocks on an open intent AWS has not seen yet', query({ records: [record(30, 'intent')], latest: aws(30 * H, 'completed') }), 'blocked', 'in-progress', undefined],
    ['trusts AWS completed over a stale modifying record', query({ records: [record(2 * H, 'modifying')], latest: aws(2 * H, 'completed') }), 'allowed', undefined, undefined],
    ['counts an AWS modification the guardian did not make', query({ records: [record(20 * H), record(10 * H)], latest: aws(H, 'completed') }), 'blocked', 'no-room-for-revert', NOW - 20 * H + 24 * H],
    ['backs off right after a failure', query({ records: [record(120, 'failed')] }), 'blocked', 'failed-retry-backoff', NOW - 120 + 60 + FAILED_RETRY_BACKOFF_SECONDS],
    ['allows retrying a failure after the back-off', query({ records: [record(H, 'failed')] }), 'allowed', undefined, undefined],
    ['backs off after EC2 refused the last request, until the time it named', query({ records: [{ ...record(300, 'rejected'), retryAfterEpochSeconds: NOW + 2 * H }] }), 'blocked', 'refused-backoff', NOW + 2 * H],
    ['allows again once the refusal back-off is over', query({ records: [{ ...record(3 * H, 'rejected'), retryAfterEpochSeconds: NOW - 60 }] }), 'allowed', undefined, undefined],
    ['lets a not-sent request be retried at once', query({ records: [record(300, 'not-sent')] }), 'allowed', undefined, undefined],
    ['counts external modifications, whoever made them', query({ records: [record(20 * H, 'completed', 'external'), record(10 * H, 'completed', 'external'), record(5 * H, 'completed', 'external')] }), 'blocked', 'no-room-for-revert', NOW - 20 * H + 24 * H],
    ['counts a modification when it started at AWS, not when a skewed clock asked', query({ records: [{ ...record(23 * H - 600), awsStartEpochSeconds: NOW - 25 * H }, record(10 * H), record(5 * H)] }), 'allowed', undefined, undefined],
    ['six-hour rule: blocks within 6 h of the previous start', query({ rule: 'six-hour-cooldown', records: [record(2 * H)] }), 'blocked', 'cooldown', NOW - 2 * H + COOLDOWN_SECONDS],
    ['six-hour rule: allows after 6 h even with many in a day', query({ rule: 'six-hour-cooldown', records: [record(23 * H), record(17 * H), record(11 * H), record(6 * H)] }), 'allowed', undefined, undefined],
  ] as const)('%s', (_what, q, kind, block, next) => {
    const verdict = checkLedger(q);
    expect(verdict.kind).toBe(kind);
    if (verdict.kind === 'blocked') {
      expect(verdict.block).toBe(block);
      expect(verdict.nextAllowedEpochSeconds).toBe(next);
    }
  });

  it('marks a retry of a failed modification', () => {
    const verdict = checkLedger(query({ records: [record(H, 'failed')] }));
    expect(verdict).toMatchObject({ kind: 'allowed', retryOfFailed: true });
  });

  it('never lets a sequence of allowed modifications exceed 4 in any rolling 24 h, and always leaves a rescue room for its revert (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapSeconds: fc.integer({ min: 60, max: 12 * H }), purpose: fc.constantFrom<GuardianModificationKind>('rescue', 'revert'), fails: fc.boolean() }), { maxLength: 40 }),
        (steps) => {
          const records: ModificationRecord[] = [];
          let now = NOW;
          for (const step of steps) {
            now += step.gapSeconds;
            const verdict = checkLedger({ rule: 'four-per-24h', records, now, purpose: step.purpose });
            if (verdict.kind !== 'allowed') {
              if (verdict.nextAllowedEpochSeconds !== undefined) expect(verdict.nextAllowedEpochSeconds).toBeGreaterThan(now);
              continue;
            }
            const inWindow = records.filter((r) => r.requestedEpochSeconds > now - 24 * H).length;
            expect(inWindow + (step.purpose === 'rescue' ? 2 : 1)).toBeLessThanOrEqual(4);
            const base = record(0, step.fails ? 'failed' : 'completed', step.purpose);
            records.push({ ...base, requestedEpochSeconds: now, modificationId: `${now}`, completedEpochSeconds: now + 30 });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives a next allowed time at which the same query is allowed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 24 * H }), { maxLength: 6 }), fc.constantFrom<GuardianModificationKind>('rescue', 'revert'), (ages, purpose) => {
        const records = ages.map((a) => record(a));
        const verdict = checkLedger(query({ records, purpose }));
        if (verdict.kind === 'blocked' && verdict.nextAllowedEpochSeconds !== undefined) {
          expect(checkLedger(query({ records, purpose, now: verdict.nextAllowedEpochSeconds })).kind).toBe('allowed');
          expect(checkLedger(query({ records, purpose, now: verdict.nextAllowedEpochSeconds - 1 })).kind).toBe('blocked');
        }
      }),
    );
  });
});
