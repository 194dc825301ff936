import { readFileSync } from 'node:fs';
import { GetProductsCommand, PricingClient, ThrottlingException, type GetProductsCommandInput, type GetProductsCommandOutput } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PriceListPriceReader } from '../../lambda/aws/pricing-price-list-reader';
import { parsePriceListEntry } from '../../lambda/aws/pricing-products';
import { describePriceBook, priceBookSummary } from '../../lambda/core/decision/price-book';
import { priceOf } from '../../lambda/core/decision/pricing';
import { isoUtc } from '../../lambda/core/iso-time';

/** A GetProducts answer in its documented shape (see the fixture's `_source`), keyed `<ServiceCode>/<volumeApiName or productFamily>`. */
interface Recorded {
  readonly region: string;
  readonly answers: Record<string, Array<{ FormatVersion: string; PriceList: string[]; NextToken?: string }>>;
}
const recorded = (region: string): Recorded => JSON.parse(readFileSync(new URL(`../fixtures/pricing/get-products-${region}.json`, import.meta.url), 'utf8')) as Recorded;

const pricing = mockClient(PricingClient);
beforeEach(() => pricing.reset());
const NOW = 1_764_547_200; // 2025-12-01T00:00:00Z

/**
 * The fake answers as the API does: products of the asked `regionCode` matching every TERM_MATCH
 * filter, page by page through `NextToken` (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html).
 * An unknown token is `InvalidNextTokenException`'s case; here it simply cannot happen, so it throws.
 */
function answerFrom(fixtures: readonly Recorded[]): (input: GetProductsCommandInput) => GetProductsCommandOutput {
  return (input) => {
    const filter = (field: string) => input.Filters?.find((f) => f.Field === field)?.Value;
    const fixture = fixtures.find((f) => f.region === filter('regionCode'));
    const key = `${input.ServiceCode}/${filter('volumeApiName') ?? filter('productFamily')}`;
    const pages = fixture?.answers[key] ?? [{ FormatVersion: 'aws_v1', PriceList: [] }];
    const index = input.NextToken === undefined ? 0 : pages.findIndex((_, i) => pages[i - 1]?.NextToken === input.NextToken);
    const page = pages[index];
    if (page === undefined) throw new Error(`fake: unknown NextToken ${input.NextToken}`);
    return { ...page, $metadata: {} };
  };
}

function reader(): PriceListPriceReader {
  return new PriceListPriceReader({ client: new PricingClient({ region: 'us-east-1' }) });
}

describe('PriceListPriceReader', () => {
  it.each([
    // [region family, region, gp2 $/GB-mo, gp3 $/MiBps-mo, io2 tier-3 $/IOPS-mo, RDS gp3 $/GB-mo]
    ['US (no usagetype prefix)', 'us-east-1', 0.1, 0.04, 0.03185, 0.115],
    ['EU (EU- prefix)', 'eu-west-1', 0.11, 0.044, 0.03528, 0.127],
    ['Asia Pacific (APS1- prefix)', 'ap-southeast-1', 0.12, 0.048, 0.03528, 0.138],
  ] as const)('reads every EBS and RDS storage figure of the %s family from GetProducts', async (_family, region, gp2, gp3Throughput, io2Tier3, rdsGp3) => {
    pricing.on(GetProductsCommand).callsFake(answerFrom([recorded(region)]));
    const book = await reader().priceBook(region, NOW);
    expect(book.ebs.gp2).toMatchObject({ perGBMonthUSD: gp2, origins: { storage: 'price-list-api' } });
    expect(book.ebs.gp3.perMiBpsMonthUSD).toBeCloseTo(gp3Throughput, 9);
    expect(book.ebs.gp3.origins).toEqual({ storage: 'price-list-api', iops: 'price-list-api', throughput: 'price-list-api' });
    expect(book.ebs.io1.origins).toEqual({ storage: 'price-list-api', iops: 'price-list-api' });
    expect(book.ebs.io2.iopsTiers?.[2]).toEqual({ fromIops: 64_000, toIops: Number.POSITIVE_INFINITY, perIopsMonthUSD: io2Tier3 });
    expect(book.rdsStorage.gp3).toEqual({ perGBMonthUSD: rdsGp3, origin: 'price-list-api' });
    // st1/sc1/standard are not asked for: their bundled figures stay, labelled as such.
    expect(book.ebs.st1.origins.storage).toBe('bundled');
    expect(priceOf({ type: 'gp2', sizeGiB: 100 }, region, book)).toMatchObject({ source: 'price-list-api', confirmed: true });
  });

  it('asks the scanned region for each type with TERM_MATCH filters, follows NextToken, and asks RDS Single-AZ storage', async () => {
    pricing.on(GetProductsCommand).callsFake(answerFrom([recorded('eu-west-1')]));
    await reader().priceBook('eu-west-1', NOW);
    const inputs = pricing.commandCalls(GetProductsCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', MaxResults: 100,
      Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' }, { Type: 'TERM_MATCH', Field: 'volumeApiName', Value: 'gp2' }],
    });
    expect(inputs[1]?.NextToken).toBe('page2-gp2');
    expect(inputs.at(-1)?.Filters).toContainEqual({ Type: 'TERM_MATCH', Field: 'deploymentOption', Value: 'Single-AZ' });
    expect(inputs).toHaveLength(4 * 2 + 1);
  });

  it('caches a book for a day and asks again after', async () => {
    pricing.on(GetProductsCommand).callsFake(answerFrom([recorded('us-east-1')]));
    const r = reader();
    await r.priceBook('us-east-1', NOW);
    const calls = pricing.commandCalls(GetProductsCommand).length;
    await Promise.all([r.priceBook('us-east-1', NOW + 3_600), r.priceBook('us-east-1', NOW + 86_399)]);
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(calls);
    await r.priceBook('us-east-1', NOW + 86_400);
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(2 * calls);
  });

  it.each([
    ['the endpoint is unreachable', Object.assign(new Error('getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com'), { name: 'Error', code: 'ENOTFOUND' }), 'ENOTFOUND'],
    ['the API throttles', new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }), 'ThrottlingException'],
  ])('falls back to the bundled table when %s, and says why', async (_what, error, reason) => {
    pricing.on(GetProductsCommand).rejects(error);
    const r = reader();
    const book = await r.priceBook('eu-west-1', NOW);
    expect(book.ebs.gp2).toMatchObject({ perGBMonthUSD: 0.11, origins: { storage: 'bundled' } });
    expect(book.fallbackReason).toContain(reason);
    expect(priceBookSummary(book, isoUtc)).toMatch(/^bundled eu-west-1 list prices; Price List API unavailable: .*/);
    expect(priceOf({ type: 'gp3', sizeGiB: 10 }, 'eu-west-1', book).source).toBe('bundled');
    // A failure is remembered for 15 minutes, not asked again every scan.
    await r.priceBook('eu-west-1', NOW + 60);
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(1);
  });

  it('falls back figure by figure when the API lists the region but not every figure', async () => {
    const partial = recorded('us-east-1');
    pricing.on(GetProductsCommand).callsFake(answerFrom([{ ...partial, answers: { 'AmazonEC2/gp2': partial.answers['AmazonEC2/gp2'] ?? [] } }]));
    const book = await reader().priceBook('us-east-1', NOW);
    expect(book.ebs.gp2.origins.storage).toBe('price-list-api');
    expect(book.ebs.gp3.origins.storage).toBe('bundled');
    expect(describePriceBook(book)[0]).toBe('gp2: $0.1/GB-mo (Price List API)');
    expect(describePriceBook(book)[1]).toMatch(/^gp3: \$0\.08\/GB-mo \(bundled us-east-1\)/);
    expect(priceBookSummary(book, isoUtc)).toBe('AWS Price List API us-east-1 fetched 2025-12-01T00:00:00Z for 1 of 10 figures (EBS gp2/gp3/io1/io2, RDS storage), bundled us-east-1 for the rest (st1, sc1, standard, and any figure the API did not give)');
  });
});

describe('parsePriceListEntry', () => {
  const entry = (usagetype: string, unit: string, usd: string, extra: Record<string, string> = {}) =>
    JSON.stringify({ product: { attributes: { usagetype, regionCode: 'us-east-1', ...extra } }, terms: { OnDemand: { t: { priceDimensions: { d: { unit, beginRange: '0', pricePerUnit: { USD: usd } } } } } } });

  it.each([
    ['gp3 throughput per GiBps-mo, converted to MiB/s', entry('EBS:VolumeP-Throughput.gp3', 'GiBps-mo', '40.96'), 0.04],
    ['io2 storage in "GB-month" (the unit some regions use)', entry('APN1-EBS:VolumeUsage.io2', 'GB-month', '0.142'), 0.142],
  ])('reads %s', (_what, text, usd) => {
    const parsed = parsePriceListEntry(text, 'us-east-1');
    expect(parsed !== undefined && 'usd' in parsed ? parsed.usd : undefined).toBeCloseTo(usd, 9);
  });

  it.each([
    ['a unit it does not know', entry('EBS:VolumeUsage.gp2', 'Hrs', '0.1'), { dropped: 'EBS:VolumeUsage.gp2: unexpected unit Hrs' }],
    ['a zero price', entry('EBS:VolumeUsage.gp2', 'GB-Mo', '0.0000000000'), { dropped: 'EBS:VolumeUsage.gp2: price 0.0000000000 is not a positive number' }],
    ['text that is not JSON', '{"product":', { dropped: 'PriceList entry is not JSON' }],
    ['another region\'s product', entry('EBS:VolumeUsage.gp2', 'GB-Mo', '0.1', { regionCode: 'us-east-1-bos-1' }), undefined],
    ['a snapshot usage type', entry('EBS:SnapshotUsage', 'GB-Mo', '0.05'), undefined],
  ])('rejects %s', (_what, text, expected) => {
    expect(parsePriceListEntry(text, 'us-east-1')).toEqual(expected);
  });
});
