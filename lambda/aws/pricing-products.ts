/**
 * Reads the AWS Price List Query API's `GetProducts` answer into the core's `ListedPrices`.
 *
 * Shape (FormatVersion `aws_v1`): `PriceList` is an array of JSON **strings**, each one product:
 * `{ product: { productFamily, attributes: { usagetype, volumeApiName, regionCode, locationType, … }, sku },
 *    terms: { OnDemand: { "<sku>.<offer>": { priceDimensions: { "<rate>": { unit, beginRange, endRange,
 *    pricePerUnit: { USD: "0.1000000000" } } } } } } }`
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html, and the
 * AWS CLI's example answer, aws-cli `awscli/examples/pricing/get-products.rst`).
 *
 * Products are told apart by `usagetype`, which carries a region prefix everywhere but us-east-1
 * (`EBS:VolumeUsage.gp2` in us-east-1, `EU-EBS:VolumeUsage.gp2` in eu-west-1, `APS1-…` in
 * ap-southeast-1): the suffix after the prefix names the figure, the same usage types the bill and
 * the Cost and Usage Report show (EBS `EBS:VolumeUsage.<type>`, `EBS:VolumeP-IOPS.<type>[.tierN]`,
 * `EBS:VolumeP-Throughput.gp3`; RDS `RDS:GP2-Storage`, `RDS:GP3-Storage`). A figure whose unit is not the one expected is dropped (its
 * bundled figure is used instead and the report says so), never guessed.
 */
import type { ListedPrices, ListedTypePrices } from '../core/decision/price-book';
import type { VolumeType } from '../core/types';

/** One figure a product gives. */
type Figure =
  | { readonly kind: 'storage'; readonly type: VolumeType }
  | { readonly kind: 'iops'; readonly type: VolumeType; readonly tier: 1 | 2 | 3 }
  | { readonly kind: 'throughput'; readonly type: VolumeType }
  | { readonly kind: 'rds-storage'; readonly type: 'gp2' | 'gp3' };

/** usagetype suffix → figure (io1's usage types say `piops`, its pre-io2 name). */
const FIGURES: Readonly<Record<string, Figure>> = {
  'EBS:VolumeUsage.gp2': { kind: 'storage', type: 'gp2' },
  'EBS:VolumeUsage.gp3': { kind: 'storage', type: 'gp3' },
  'EBS:VolumeUsage.piops': { kind: 'storage', type: 'io1' },
  'EBS:VolumeUsage.io2': { kind: 'storage', type: 'io2' },
  'EBS:VolumeP-IOPS.gp3': { kind: 'iops', type: 'gp3', tier: 1 },
  'EBS:VolumeP-IOPS.piops': { kind: 'iops', type: 'io1', tier: 1 },
  'EBS:VolumeP-IOPS.io2': { kind: 'iops', type: 'io2', tier: 1 },
  'EBS:VolumeP-IOPS.io2.tier2': { kind: 'iops', type: 'io2', tier: 2 },
  'EBS:VolumeP-IOPS.io2.tier3': { kind: 'iops', type: 'io2', tier: 3 },
  'EBS:VolumeP-Throughput.gp3': { kind: 'throughput', type: 'gp3' },
  'RDS:GP2-Storage': { kind: 'rds-storage', type: 'gp2' },
  'RDS:GP3-Storage': { kind: 'rds-storage', type: 'gp3' },
};

/** io2 IOPS tier bounds (https://aws.amazon.com/ebs/pricing/: up to 32,000; 32,001–64,000; above 64,000). */
const IO2_TIER_BOUNDS = [0, 32_000, 64_000, Number.POSITIVE_INFINITY] as const;

/** A price found in one product, USD per the figure's unit (throughput already per MiB/s-month). */
export interface FoundPrice {
  readonly figure: Figure;
  readonly usd: number;
}

/** Parses one PriceList entry; `undefined` when it is not a figure we price, or malformed. */
export function parsePriceListEntry(entry: string, region: string): FoundPrice | { readonly dropped: string } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(entry);
  } catch {
    return { dropped: 'PriceList entry is not JSON' };
  }
  const attributes = record(record(doc)?.['product'])?.['attributes'];
  const attrs = record(attributes);
  const usagetype = typeof attrs?.['usagetype'] === 'string' ? attrs['usagetype'] : undefined;
  if (usagetype === undefined) return undefined;
  const figure = FIGURES[usagetype.replace(/^[A-Z0-9]+-(?=(EBS|RDS):)/, '')];
  if (figure === undefined) return undefined;
  // Local Zones and Outposts carry their own prices: only the Region's own products count.
  if (attrs?.['regionCode'] !== undefined && attrs['regionCode'] !== region) return undefined;
  if (attrs?.['locationType'] !== undefined && attrs['locationType'] !== 'AWS Region') return undefined;
  if (figure.kind === 'rds-storage' && attrs?.['deploymentOption'] !== undefined && attrs['deploymentOption'] !== 'Single-AZ') return undefined;
  const dimension = onDemandDimension(doc);
  if (dimension === undefined) return { dropped: `${usagetype}: no OnDemand price` };
  const usd = Number(dimension.usd);
  if (!Number.isFinite(usd) || usd <= 0) return { dropped: `${usagetype}: price ${dimension.usd} is not a positive number` };
  const perUnit = inExpectedUnit(figure, dimension.unit, usd);
  return perUnit === undefined ? { dropped: `${usagetype}: unexpected unit ${dimension.unit}` } : { figure, usd: perUnit };
}

/** Converts to the unit the core uses; undefined for a unit we do not know. */
function inExpectedUnit(figure: Figure, unit: string, usd: number): number | undefined {
  const u = unit.toLowerCase();
  if (figure.kind === 'storage' || figure.kind === 'rds-storage') return /^gb-?mo(nth)?$/.test(u) ? usd : undefined;
  if (figure.kind === 'iops') return /^iops-?mo(nth)?$/.test(u) ? usd : undefined;
  // gp3 throughput is listed per GiBps-month ($40.96 in us-east-1 = $0.04 per MiB/s-month).
  if (/^gibps-?mo(nth)?$/.test(u)) return usd / 1024;
  return /^mi?bps-?mo(nth)?$/.test(u) ? usd : undefined;
}

/** The OnDemand price dimension that starts at 0 (EBS and RDS storage are flat per unit). */
function onDemandDimension(doc: unknown): { usd: string; unit: string } | undefined {
  const onDemand = record(record(record(doc)?.['terms'])?.['OnDemand']);
  for (const term of Object.values(onDemand ?? {})) {
    for (const dim of Object.values(record(record(term)?.['priceDimensions']) ?? {})) {
      const d = record(dim);
      const usd = record(d?.['pricePerUnit'])?.['USD'];
      const begin = d?.['beginRange'] ?? '0';
      if (typeof usd === 'string' && typeof d?.['unit'] === 'string' && begin === '0') return { usd, unit: d['unit'] };
    }
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Folds the found prices into `ListedPrices`; several products for one figure: the most common price wins. */
export function listedPricesFrom(found: readonly FoundPrice[], region: string, fetchedAtEpochSeconds: number): ListedPrices {
  const byKey = new Map<string, number[]>();
  for (const f of found) {
    const key = `${f.figure.kind}/${f.figure.type}/${f.figure.kind === 'iops' ? f.figure.tier : 0}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f.usd]);
  }
  const get = (key: string) => mode(byKey.get(key));
  const ebs: Partial<Record<VolumeType, ListedTypePrices>> = {};
  for (const type of ['gp2', 'gp3', 'io1', 'io2'] as const) {
    const storage = get(`storage/${type}/0`);
    const iops = type === 'io2' ? undefined : get(`iops/${type}/1`);
    const tiers = type === 'io2' ? [1, 2, 3].map((t) => get(`iops/io2/${t}`)) : [];
    const throughput = get(`throughput/${type}/0`);
    const entry: ListedTypePrices = {
      ...(storage === undefined ? {} : { perGBMonthUSD: storage }),
      ...(iops === undefined ? {} : { perIopsMonthUSD: iops }),
      // io2's tiers count only when all three were answered: a partial tier table would misprice.
      ...(tiers.length === 3 && tiers.every((t) => t !== undefined)
        ? { iopsTiers: tiers.map((usd, i) => ({ fromIops: IO2_TIER_BOUNDS[i] ?? 0, toIops: IO2_TIER_BOUNDS[i + 1] ?? Number.POSITIVE_INFINITY, perIopsMonthUSD: usd ?? 0 })) }
        : {}),
      ...(throughput === undefined ? {} : { perMiBpsMonthUSD: throughput }),
    };
    if (Object.keys(entry).length > 0) ebs[type] = entry;
  }
  const rdsGp2 = get('rds-storage/gp2/0');
  const rdsGp3 = get('rds-storage/gp3/0');
  return { region, fetchedAtEpochSeconds, ebs, rdsStorage: { ...(rdsGp2 === undefined ? {} : { gp2: rdsGp2 }), ...(rdsGp3 === undefined ? {} : { gp3: rdsGp3 }) } };
}

function mode(values: readonly number[] | undefined): number | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}
