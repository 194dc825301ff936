/**
 * A region's prices as data, each figure labelled with where it came from: the AWS Price List
 * Query API (read by `lambda/aws/pricing-price-list-reader.ts` at scan time) or the bundled table
 * (prices.ts, the offline fallback). The core never fetches: the book arrives as an argument.
 */
import { PRICE_TABLE, isPricedRegion, type IopsTier, type PricedRegion, type TypePrices } from './prices';
import type { VolumeType } from '../types';

/** Where one figure came from. */
export type PriceOrigin = 'price-list-api' | 'bundled';

/** The EBS figures of one type the Price List API answered (any may be missing). */
export interface ListedTypePrices {
  readonly perGBMonthUSD?: number;
  readonly perIopsMonthUSD?: number;
  readonly iopsTiers?: readonly IopsTier[];
  readonly perMiBpsMonthUSD?: number;
}

/** What the Price List API answered for one region: only the figures it found. */
export interface ListedPrices {
  readonly region: string;
  readonly fetchedAtEpochSeconds: number;
  readonly ebs: Partial<Record<VolumeType, ListedTypePrices>>;
  /** RDS storage, USD per GB-month (Single-AZ). */
  readonly rdsStorage: Partial<Record<'gp2' | 'gp3', number>>;
}

/** One type's prices with the origin of each figure. */
export interface BookTypePrices extends TypePrices {
  /** Origin per figure: `storage`, `iops`, `throughput`. */
  readonly origins: { readonly storage: PriceOrigin; readonly iops?: PriceOrigin; readonly throughput?: PriceOrigin };
}

/** A whole region's prices: API figures where answered, bundled ones elsewhere. */
export interface PriceBook {
  readonly region: string;
  /** The bundled region used for the figures the API did not give (us-east-1 for regions not in the table). */
  readonly bundledRegion: PricedRegion;
  readonly ebs: Readonly<Record<VolumeType, BookTypePrices>>;
  readonly rdsStorage: Readonly<Record<'gp2' | 'gp3', { readonly perGBMonthUSD: number; readonly origin: PriceOrigin }>>;
  /** When the API answered (absent when nothing came from it). */
  readonly fetchedAtEpochSeconds?: number;
  /** Why the API gave nothing (unreachable, denied…), when it did not. */
  readonly fallbackReason?: string;
}

/**
 * Bundled RDS Single-AZ storage, USD per GB-month (https://aws.amazon.com/rds/pricing/, us-east-1
 * list price as remembered, NOT confirmed here: gp2 $0.115, gp3 $0.115). Other regions reuse it.
 */
const BUNDLED_RDS_STORAGE = { gp2: 0.115, gp3: 0.115 } as const;

const TYPES: readonly VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];

/** The book made only of bundled figures (no API, or the API unreachable: `fallbackReason` says why). */
export function bundledPriceBook(region: string, fallbackReason?: string): PriceBook {
  return buildPriceBook(region, undefined, fallbackReason);
}

/** Merges what the API answered over the bundled table, figure by figure. */
export function buildPriceBook(region: string, listed: ListedPrices | undefined, fallbackReason?: string): PriceBook {
  const bundledRegion: PricedRegion = isPricedRegion(region) ? region : 'us-east-1';
  const table = PRICE_TABLE[bundledRegion];
  const ebs = Object.fromEntries(TYPES.map((type) => [type, mergeType(table[type], listed?.ebs[type])])) as Record<VolumeType, BookTypePrices>;
  const rds = (type: 'gp2' | 'gp3') => {
    const api = listed?.rdsStorage[type];
    return api === undefined ? { perGBMonthUSD: BUNDLED_RDS_STORAGE[type], origin: 'bundled' as const } : { perGBMonthUSD: api, origin: 'price-list-api' as const };
  };
  return {
    region, bundledRegion, ebs, rdsStorage: { gp2: rds('gp2'), gp3: rds('gp3') },
    ...(listed === undefined ? {} : { fetchedAtEpochSeconds: listed.fetchedAtEpochSeconds }),
    ...(fallbackReason === undefined ? {} : { fallbackReason }),
  };
}

function mergeType(bundled: TypePrices, api: ListedTypePrices | undefined): BookTypePrices {
  const pick = <T>(a: T | undefined, b: T | undefined): [T | undefined, PriceOrigin] => (a === undefined ? [b, 'bundled'] : [a, 'price-list-api']);
  const [perGBMonthUSD, storage] = pick(api?.perGBMonthUSD, bundled.perGBMonthUSD);
  const [perIopsMonthUSD, flatIops] = pick(api?.perIopsMonthUSD, bundled.perIopsMonthUSD);
  const [iopsTiers, tiered] = pick(api?.iopsTiers, bundled.iopsTiers);
  const [perMiBpsMonthUSD, throughput] = pick(api?.perMiBpsMonthUSD, bundled.perMiBpsMonthUSD);
  const iops = bundled.iopsTiers !== undefined ? tiered : bundled.perIopsMonthUSD !== undefined ? flatIops : undefined;
  const allApi = storage === 'price-list-api' && (iops ?? 'price-list-api') === 'price-list-api' && (bundled.perMiBpsMonthUSD === undefined || throughput === 'price-list-api');
  return {
    ...bundled,
    perGBMonthUSD: perGBMonthUSD ?? bundled.perGBMonthUSD,
    ...(perIopsMonthUSD === undefined ? {} : { perIopsMonthUSD }),
    ...(iopsTiers === undefined ? {} : { iopsTiers }),
    ...(perMiBpsMonthUSD === undefined ? {} : { perMiBpsMonthUSD }),
    // An API figure is AWS's own answer: confirmed. A bundled one keeps the table's flag.
    confirmed: allApi || bundled.confirmed,
    origins: { storage, ...(iops === undefined ? {} : { iops }), ...(bundled.perMiBpsMonthUSD === undefined ? {} : { throughput }) },
  };
}

/** Figures, one per line, each with its origin: what the report prints under "prices". */
export function describePriceBook(book: PriceBook): string[] {
  const label = (o: PriceOrigin) => (o === 'price-list-api' ? 'Price List API' : `bundled ${book.bundledRegion}`);
  const lines = (['gp2', 'gp3', 'io1', 'io2'] as const).map((type) => {
    const p = book.ebs[type];
    const parts = [`$${p.perGBMonthUSD}/GB-mo (${label(p.origins.storage)})`];
    if (p.iopsTiers !== undefined && p.origins.iops !== undefined) parts.push(`IOPS ${p.iopsTiers.map((t) => `$${t.perIopsMonthUSD}`).join(' / ')} per IOPS-mo by tier (${label(p.origins.iops)})`);
    else if (p.perIopsMonthUSD !== undefined && p.origins.iops !== undefined) parts.push(`$${p.perIopsMonthUSD}/IOPS-mo (${label(p.origins.iops)})`);
    if (p.perMiBpsMonthUSD !== undefined && p.origins.throughput !== undefined) parts.push(`$${p.perMiBpsMonthUSD}/MiBps-mo (${label(p.origins.throughput)})`);
    return `${type}: ${parts.join(', ')}`;
  });
  // The bundled RDS figure is us-east-1's for every region (BUNDLED_RDS_STORAGE): say so.
  const rds = (o: PriceOrigin) => (o === 'price-list-api' ? 'Price List API' : 'bundled us-east-1, unconfirmed');
  lines.push(`RDS storage: gp2 $${book.rdsStorage.gp2.perGBMonthUSD}/GB-mo (${rds(book.rdsStorage.gp2.origin)}), gp3 $${book.rdsStorage.gp3.perGBMonthUSD}/GB-mo (${rds(book.rdsStorage.gp3.origin)})`);
  return lines;
}

/** One line saying where a book's figures came from (the report header). */
export function priceBookSummary(book: PriceBook, isoUtc: (epochSeconds: number) => string): string {
  // The figures the API is asked for: gp2, gp3 (storage, IOPS, throughput), io1, io2 (storage, IOPS) and RDS storage.
  const asked = (['gp2', 'gp3', 'io1', 'io2'] as const).flatMap((t) => Object.values(book.ebs[t].origins));
  const origins = [...asked, book.rdsStorage.gp2.origin, book.rdsStorage.gp3.origin];
  const api = origins.filter((o) => o === 'price-list-api').length;
  const regionNote = book.bundledRegion === book.region ? '' : ` (no bundled prices for ${book.region}: ${book.bundledRegion}'s)`;
  if (api === 0) return `bundled ${book.bundledRegion} list prices${regionNote}${book.fallbackReason === undefined ? '' : `; Price List API unavailable: ${book.fallbackReason}`}`;
  const when = book.fetchedAtEpochSeconds === undefined ? '' : ` fetched ${isoUtc(book.fetchedAtEpochSeconds)}`;
  return `AWS Price List API ${book.region}${when} for ${api} of ${origins.length} figures (EBS gp2/gp3/io1/io2, RDS storage), bundled ${book.bundledRegion} for the rest (st1, sc1, standard, and any figure the API did not give)${regionNote}`;
}
