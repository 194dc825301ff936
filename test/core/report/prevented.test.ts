import { describe, expect, it } from 'vitest';
import { NO_PREVENTED_THROTTLING } from '../../../lambda/core/report/prevented';
import type { FinanceReport, VolumeReport } from '../../../lambda/core/report/report';
import { BOUNDARY, FLIP_REVERT, NOV_1, OCT_1 } from '../../fixtures/history/seed';
import { reportWithTallies, TALLY } from './report-fixtures';

function volume(report: FinanceReport, id: string): VolumeReport['preventedThrottling'] {
  const found = report.volumes.find((v) => v.volumeId === id);
  if (found === undefined) throw new Error(`${id} missing from the report`);
  return found.preventedThrottling;
}

describe('prevented throttling from the recorded shadow replay', () => {
  it('sums the replay, counting deferred I/Os at the burst ceiling, and labels it replayed', () => {
    // 2,700,000 I/Os ÷ (3,000 − 300) = 1,000 s in bursts at the ceiling; 5,400 s if demand was steady.
    const replay = { episodes: 1, seconds: 1_000, deferredIos: 2_700_000, secondsIfSteady: 5_400 };
    expect(volume(reportWithTallies({ [FLIP_REVERT]: TALLY }), FLIP_REVERT)).toEqual({
      episodes: 1, seconds: 1_000, deferredIos: 2_700_000, basis: 'replay', replay, estimate: NO_PREVENTED_THROTTLING.estimate,
    });
  });

  it('trusts a replay that found nothing over the estimate the forecast would have given (3,600 s)', () => {
    expect(volume(reportWithTallies({ [FLIP_REVERT]: { ...TALLY, credits: 2_000_000, throttledSeconds: 0, deferredUnits: 0 } }), FLIP_REVERT)).toEqual(NO_PREVENTED_THROTTLING);
  });

  it('adds replayed and estimated rescues in the totals, labelled mixed, each part kept apart', () => {
    // BOUNDARY has no replay: estimated 3,600 s and 8,640,000 I/Os (report.test.ts).
    const totals = reportWithTallies({ [FLIP_REVERT]: TALLY }).totals.preventedThrottling;
    expect(totals).toMatchObject({ basis: 'mixed', episodes: 2, seconds: 4_600, deferredIos: 11_340_000 });
    expect(totals.replay).toEqual({ episodes: 1, seconds: 1_000, deferredIos: 2_700_000, secondsIfSteady: 5_400 });
    expect(totals.estimate).toEqual({ episodes: 1, seconds: 3_600, deferredIos: 8_640_000 });
  });

  it('counts a replay in the period its rescue was requested in', () => {
    // BOUNDARY was rescued on 2026-09-30: its replay belongs to September, not to October.
    const tally = { ...TALLY, throttledSeconds: 2_700, deferredUnits: 2_400 * 900 };
    expect(volume(reportWithTallies({ [BOUNDARY]: tally }), BOUNDARY)).toMatchObject({ basis: 'replay', seconds: 900 });
    expect(volume(reportWithTallies({ [BOUNDARY]: tally }, OCT_1, NOV_1), BOUNDARY)).toEqual(NO_PREVENTED_THROTTLING);
  });
});
