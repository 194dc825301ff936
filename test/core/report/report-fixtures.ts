/**
 * Prices for the report's hand-computed tests, written out from DESIGN.md §2 (us-east-1, per month):
 * gp2 $0.10/GB; gp3 $0.08/GB + $0.005/IOPS above 3,000 + $0.04 per MiB/s above 125;
 * io1 $0.125/GB + $0.065/IOPS. Independent of lambda/core/decision/pricing.ts on purpose. Also the
 * hand-computed history with shadow replays recorded on chosen rescues.
 */
import type { ModificationRecord, ShadowThrottling } from '../../../lambda/core/ports';
import { buildFinanceReport, type FinanceReport, type MonthlyPriceFn } from '../../../lambda/core/report/report';
import { FLIP_AT, handComputedHistory, NOV_1, SEP_1 } from '../../fixtures/history/seed';

/** The DESIGN.md §2 us-east-1 prices; other types are unpriced. */
export const designPrices: MonthlyPriceFn = (c) => {
  switch (c.type) {
    case 'gp2':
      return 0.1 * c.sizeGiB;
    case 'gp3':
      return 0.08 * c.sizeGiB + 0.005 * Math.max(0, (c.iops ?? 3_000) - 3_000) + 0.04 * Math.max(0, (c.throughputMiBps ?? 125) - 125);
    case 'io1':
      return 0.125 * c.sizeGiB + 0.065 * (c.iops ?? 0);
    default:
      return undefined;
  }
};

// 3 h after FLIP_REVERT's rescue: its unaided 100 GiB gp2 bucket (baseline 300, burst 3,000) was
// empty for 5,400 s under demand above the baseline, deferring 2,700,000 I/Os.
export const TALLY: ShadowThrottling = { throughEpochSeconds: FLIP_AT + 3 * 3_600, credits: 0, throttledSeconds: 5_400, deferredUnits: 2_700_000, datapoints: 180 };

/** The hand-computed history with `tallies` recorded on the named volumes' rescues. */
export function reportWithTallies(tallies: Readonly<Record<string, ShadowThrottling>>, since = SEP_1, until = NOV_1): FinanceReport {
  const history = handComputedHistory();
  const withTally = (r: ModificationRecord): ModificationRecord => (r.kind === 'rescue' && tallies[r.volumeId] !== undefined ? { ...r, shadowThrottling: tallies[r.volumeId] } : r);
  return buildFinanceReport({
    period: { sinceEpochSeconds: since, untilEpochSeconds: until },
    generatedAtEpochSeconds: NOV_1,
    priceMonthlyUSD: designPrices,
    priceSource: 'DESIGN.md us-east-1',
    events: history.events,
    modifications: history.modifications.map(withTally),
  });
}
