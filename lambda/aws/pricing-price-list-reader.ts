/**
 * `PriceListPriceReader`: the region's EBS and RDS storage prices from the AWS Price List Query
 * API (`GetProducts`, https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html),
 * merged over the bundled table, cached per container.
 *
 * - The API answers only from a few Regions' endpoints (us-east-1 and ap-south-1; the Billing User
 *   Guide, "Using the AWS Price List Query API"): the client must be built for one of them, whatever
 *   Region the guardian scans. The products asked for are the scanned Region's (`regionCode`).
 * - Answers are paged (`NextToken`, `MaxResults` ≤ 100); a page may be short and still carry a token.
 * - Errors: `ThrottlingException`, `InternalErrorException`, `AccessDeniedException`,
 *   `InvalidParameterException`, `NotFoundException`, `ExpiredNextTokenException` (client-pricing's
 *   models). Any failure, or no network at all, gives the bundled book with the reason: a scan never
 *   waits on prices and never fails for them.
 * - List prices change rarely (monthly at most): a book is kept `ttlSeconds` (default 24 h); a failed
 *   fetch is kept `failureTtlSeconds` (default 15 min) so an unreachable endpoint is not asked every scan.
 */
import { GetProductsCommand, type Filter, type PricingClient } from '@aws-sdk/client-pricing';
import { buildPriceBook, bundledPriceBook, type PriceBook } from '../core/decision/price-book';
import { listedPricesFrom, parsePriceListEntry, type FoundPrice } from './pricing-products';

/** Where the guardian's prices come from (the handler asks once per scan; the core gets the book as data). */
export interface PriceBookSource {
  priceBook(region: string, nowEpochSeconds: number): Promise<PriceBook>;
}

/** Options of `PriceListPriceReader`. */
export interface PriceListPriceReaderOptions {
  /** A Pricing client built for an API endpoint Region (us-east-1 or ap-south-1). */
  readonly client: PricingClient;
  /** @default 86400 */
  readonly ttlSeconds?: number;
  /** @default 900 */
  readonly failureTtlSeconds?: number;
  /** Largest page asked for. @default 100 (the API's maximum) */
  readonly pageSize?: number;
}

/** The EBS volume types asked for, by their `volumeApiName` attribute. */
const EBS_API_NAMES = ['gp2', 'gp3', 'io1', 'io2'] as const;

const term = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });

/** Reads and caches price books from the Price List Query API. */
export class PriceListPriceReader implements PriceBookSource {
  private readonly cache = new Map<string, { book: PriceBook; untilEpochSeconds: number }>();
  private readonly inFlight = new Map<string, Promise<PriceBook>>();

  constructor(private readonly options: PriceListPriceReaderOptions) {}

  /** The region's book: cached, else fetched; the bundled book (with the reason) when the API fails. */
  async priceBook(region: string, nowEpochSeconds: number): Promise<PriceBook> {
    const cached = this.cache.get(region);
    if (cached !== undefined && nowEpochSeconds < cached.untilEpochSeconds) return cached.book;
    const pending = this.inFlight.get(region);
    if (pending !== undefined) return pending;
    const fetching = this.fetch(region, nowEpochSeconds).finally(() => this.inFlight.delete(region));
    this.inFlight.set(region, fetching);
    return fetching;
  }

  private async fetch(region: string, now: number): Promise<PriceBook> {
    try {
      const found: FoundPrice[] = [];
      // One query per volume type: TERM_MATCH is the filter every SDK documents (ANY_OF's value format is not).
      for (const name of EBS_API_NAMES) {
        found.push(...(await this.products('AmazonEC2', [term('regionCode', region), term('volumeApiName', name)], region)));
      }
      found.push(...(await this.products('AmazonRDS', [term('regionCode', region), term('productFamily', 'Database Storage'), term('deploymentOption', 'Single-AZ')], region)));
      if (found.length === 0) return this.remember(region, bundledPriceBook(region, `no products for ${region} in the Price List API`), now, 'failure');
      return this.remember(region, buildPriceBook(region, listedPricesFrom(found, region, now)), now, 'success');
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return this.remember(region, bundledPriceBook(region, reason), now, 'failure');
    }
  }

  private async products(serviceCode: string, filters: Filter[], region: string): Promise<FoundPrice[]> {
    const found: FoundPrice[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.client.send(
        new GetProductsCommand({ ServiceCode: serviceCode, Filters: filters, FormatVersion: 'aws_v1', MaxResults: this.options.pageSize ?? 100, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }),
      );
      for (const entry of page.PriceList ?? []) {
        const parsed = parsePriceListEntry(entry, region);
        if (parsed !== undefined && 'figure' in parsed) found.push(parsed);
      }
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    return found;
  }

  private remember(region: string, book: PriceBook, now: number, outcome: 'success' | 'failure'): PriceBook {
    const ttl = outcome === 'success' ? (this.options.ttlSeconds ?? 86_400) : (this.options.failureTtlSeconds ?? 900);
    this.cache.set(region, { book, untilEpochSeconds: now + ttl });
    return book;
  }
}
