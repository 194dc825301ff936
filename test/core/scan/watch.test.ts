import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessScanWatch, isBlind, type ScanWatchInput, type StageTally } from '../../../lambda/core/scan/watch';

const clean: ScanWatchInput = {
  inventoryListed: true,
  metrics: { attempted: 200, failed: 0 },
  historyReads: { attempted: 401, failed: 0 },
  notifications: { attempted: 3, failed: 0 },
};

describe('assessScanWatch', () => {
  it.each<[string, Partial<ScanWatchInput>, boolean]>([
    ['a clean run', {}, true],
    ['a run with nothing to notify', { notifications: { attempted: 0, failed: 0 } }, true],
    ['an empty fleet (no volume, no read)', { metrics: { attempted: 0, failed: 0 }, historyReads: { attempted: 1, failed: 0 } }, true],
    ['one throttled batch of 20 volumes out of 200 (10 %, not more)', { metrics: { attempted: 200, failed: 20 } }, true],
    ['21 of 200 volumes without metrics', { metrics: { attempted: 200, failed: 21 } }, false],
    ['every GetMetricData call denied', { metrics: { attempted: 200, failed: 200 } }, false],
    ['every SNS Publish failing', { notifications: { attempted: 3, failed: 3 } }, false],
    ['the only notification failing', { notifications: { attempted: 1, failed: 1 } }, false],
    ['1 of 10 notifications failing', { notifications: { attempted: 10, failed: 1 } }, true],
    ['the history table unreadable', { historyReads: { attempted: 401, failed: 401 } }, false],
    ['DescribeVolumes failing', { inventoryListed: false, metrics: { attempted: 0, failed: 0 }, historyReads: { attempted: 1, failed: 0 }, notifications: { attempted: 0, failed: 0 } }, false],
  ])('judges %s', (_label, change, watched) => {
    expect(assessScanWatch({ ...clean, ...change }).watched).toBe(watched);
  });

  it('names every blind stage with its counts', () => {
    const verdict = assessScanWatch({ ...clean, metrics: { attempted: 4, failed: 4 }, notifications: { attempted: 2, failed: 2 } });
    expect(verdict).toEqual({
      watched: false,
      reasons: ['metrics: 4 of 4 volumes without metrics (more than 10 %)', 'notify: 2 of 2 notifications not published (more than 10 %)'],
    });
  });

  it('never turns blind into watched when more of a stage fails, and always sees a stage that failed entirely', () => {
    const tally = fc.integer({ min: 0, max: 10_000 }).chain((attempted) => fc.record({ attempted: fc.constant(attempted), failed: fc.integer({ min: 0, max: attempted }) }));
    fc.assert(
      fc.property(tally, fc.nat(100), (t: StageTally, extra) => {
        const worse = { attempted: t.attempted, failed: Math.min(t.attempted, t.failed + extra) };
        if (isBlind(t)) expect(isBlind(worse)).toBe(true);
        if (t.attempted > 0) expect(isBlind({ attempted: t.attempted, failed: t.attempted })).toBe(true);
      }),
    );
  });
});
