/**
 * Prices for the report's hand-computed tests, written out from DESIGN.md §2 (us-east-1, per month):
 * gp2 $0.10/GB; gp3 $0.08/GB + $0.005/IOPS above 3,000 + $0.04 per MiB/s above 125;
 * io1 $0.125/GB + $0.065/IOPS. Independent of lambda/core/decision/pricing.ts on purpose.
 */
import type { MonthlyPriceFn } from '../../../lambda/core/report/report';

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
