/**
 * Cost of a volume configuration and of a modification, from the bundled price table (prices.ts).
 * EBS bills per second with a 60-second minimum; a "month" here is 730 hours, the convention of
 * the AWS Pricing Calculator (https://calculator.aws/), so hourly = monthly ÷ 730.
 */
import type { PriceBook, PriceOrigin } from './price-book';
import { PRICE_TABLE, isPricedRegion, type PricedRegion, type TypePrices } from './prices';
import type { VolumeType } from '../types';

export { PRICE_TABLE, isPricedRegion, type PricedRegion } from './prices';

/** Hours in a billing month (AWS Pricing Calculator convention). */
export const HOURS_PER_MONTH = 730;
/** Seconds in a billing month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3_600;
/** EBS minimum billed duration per configuration (https://aws.amazon.com/ebs/pricing/). */
export const MINIMUM_BILLED_SECONDS = 60;

/** What a volume costs depends on: its type, size and provisioned performance. */
export interface VolumeConfig {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/** The price of a configuration. */
export interface VolumePrice {
  readonly monthlyUSD: number;
  readonly hourlyUSD: number;
  readonly storageMonthlyUSD: number;
  readonly iopsMonthlyUSD: number;
  readonly throughputMonthlyUSD: number;
  /** The region whose prices were used (us-east-1 when the asked region is not in the table). */
  readonly pricedRegion: PricedRegion;
  /** False when a figure used is a list price not confirmed while writing the table, or the region fell back. */
  readonly confirmed: boolean;
  /** Where the figures came from: all from the Price List API, all bundled, or some of each. */
  readonly source: PriceOrigin | 'mixed';
}

/**
 * Monthly and hourly price of a volume configuration in `region`: from `book` when it is that
 * region's (price-book.ts), else the bundled table (unknown regions use us-east-1 prices and say so).
 */
export function priceOf(config: VolumeConfig, region: string, book?: PriceBook): VolumePrice {
  const useBook = book !== undefined && book.region === region ? book : undefined;
  const fromBook = useBook?.ebs[config.type];
  const pricedRegion: PricedRegion = useBook?.bundledRegion ?? (isPricedRegion(region) ? region : 'us-east-1');
  const prices: TypePrices = fromBook ?? PRICE_TABLE[pricedRegion][config.type];
  const origins = fromBook === undefined ? ['bundled'] : Object.values(fromBook.origins);
  const source = origins.every((o) => o === 'price-list-api') ? 'price-list-api' : origins.every((o) => o === 'bundled') ? 'bundled' : 'mixed';
  const storageMonthlyUSD = prices.perGBMonthUSD * config.sizeGiB;
  const iopsMonthlyUSD = iopsCost(prices, config.type === 'gp2' ? 0 : (config.iops ?? 0));
  const extraMiBps = Math.max(0, (config.throughputMiBps ?? 0) - (prices.includedMiBps ?? 0));
  const throughputMonthlyUSD = prices.perMiBpsMonthUSD === undefined ? 0 : prices.perMiBpsMonthUSD * extraMiBps;
  const monthlyUSD = storageMonthlyUSD + iopsMonthlyUSD + throughputMonthlyUSD;
  return {
    monthlyUSD,
    hourlyUSD: monthlyUSD / HOURS_PER_MONTH,
    storageMonthlyUSD,
    iopsMonthlyUSD,
    throughputMonthlyUSD,
    pricedRegion,
    confirmed: prices.confirmed && (pricedRegion === region || source === 'price-list-api'),
    source,
  };
}

/** Provisioned IOPS cost: flat beyond the included IOPS (gp3, io1) or tiered (io2). */
function iopsCost(prices: TypePrices, iops: number): number {
  if (prices.iopsTiers !== undefined) {
    return prices.iopsTiers.reduce((sum, tier) => {
      const inTier = Math.max(0, Math.min(iops, tier.toIops) - tier.fromIops);
      return sum + inTier * tier.perIopsMonthUSD;
    }, 0);
  }
  if (prices.perIopsMonthUSD === undefined) return 0;
  return prices.perIopsMonthUSD * Math.max(0, iops - (prices.includedIops ?? 0));
}

/** Cost of holding a configuration for `seconds` (per-second billing, 60-second minimum). */
export function costForSeconds(config: VolumeConfig, region: string, seconds: number, book?: PriceBook): number {
  if (seconds <= 0) return 0;
  return (priceOf(config, region, book).monthlyUSD * Math.max(MINIMUM_BILLED_SECONDS, seconds)) / SECONDS_PER_MONTH;
}

/** The cost change of modifying `from` into `to` (positive = the new configuration costs more). */
export interface CostDelta {
  readonly hourlyUSD: number;
  readonly monthlyUSD: number;
  readonly fromMonthlyUSD: number;
  readonly toMonthlyUSD: number;
  readonly confirmed: boolean;
  /** Where the target configuration's figures came from. */
  readonly source: PriceOrigin | 'mixed';
}

/** Hourly and monthly cost delta of a modification (prices from `book` when given, see priceOf). */
export function modificationCostDelta(from: VolumeConfig, to: VolumeConfig, region: string, book?: PriceBook): CostDelta {
  const a = priceOf(from, region, book);
  const b = priceOf(to, region, book);
  return {
    hourlyUSD: b.hourlyUSD - a.hourlyUSD,
    monthlyUSD: b.monthlyUSD - a.monthlyUSD,
    fromMonthlyUSD: a.monthlyUSD,
    toMonthlyUSD: b.monthlyUSD,
    confirmed: a.confirmed && b.confirmed,
    source: a.source === b.source ? a.source : 'mixed',
  };
}
