/**
 * Bundled EBS list prices, USD (https://aws.amazon.com/ebs/pricing/). No live price API is called:
 * the scan must work offline and the figures change rarely. `confirmed` says whether the figure was
 * checked against a source available to us while writing this table (DESIGN.md §2 for us-east-1
 * gp2/gp3/io1); every other figure is the published list price as we remember it, NOT confirmed
 * here: override or re-check before relying on it for finance.
 *
 * EBS bills provisioned GB-month (binary GiB), per second with a 60-second minimum
 * (https://aws.amazon.com/ebs/pricing/, "billed in per-second increments, with a 60-second minimum").
 */
import type { VolumeType } from '../types';

/** One io2 IOPS price tier: IOPS above `fromIops` up to `toIops` cost `perIopsMonthUSD`. */
export interface IopsTier {
  readonly fromIops: number;
  readonly toIops: number;
  readonly perIopsMonthUSD: number;
}

/** Prices of one volume type in one region. */
export interface TypePrices {
  readonly perGBMonthUSD: number;
  /** Flat price per provisioned IOPS-month beyond `includedIops` (gp3, io1). */
  readonly perIopsMonthUSD?: number;
  /** Tiered IOPS prices (io2). */
  readonly iopsTiers?: readonly IopsTier[];
  readonly includedIops?: number;
  /** gp3: price per provisioned MiB/s-month beyond `includedMiBps`. */
  readonly perMiBpsMonthUSD?: number;
  readonly includedMiBps?: number;
  /** True when checked against a source while writing; false = list price not confirmed here. */
  readonly confirmed: boolean;
}

/** Regions in the bundled table. */
export type PricedRegion = 'us-east-1' | 'us-west-2' | 'eu-west-1' | 'eu-central-1' | 'ap-southeast-1';

interface RegionFigures {
  readonly gp2: number;
  readonly gp3: readonly [gb: number, iops: number, mibps: number];
  readonly io1: readonly [gb: number, iops: number];
  /** io2 GB price and IOPS tiers ≤ 32,000, 32,001–64,000, > 64,000 (tiering confirmed to exist; rates not confirmed). */
  readonly io2: readonly [gb: number, tier1: number, tier2: number, tier3: number];
  readonly st1: number;
  readonly sc1: number;
  readonly standard: number;
}

const FIGURES: Readonly<Record<PricedRegion, RegionFigures>> = {
  'us-east-1': { gp2: 0.1, gp3: [0.08, 0.005, 0.04], io1: [0.125, 0.065], io2: [0.125, 0.065, 0.0455, 0.03185], st1: 0.045, sc1: 0.015, standard: 0.05 },
  'us-west-2': { gp2: 0.1, gp3: [0.08, 0.005, 0.04], io1: [0.125, 0.065], io2: [0.125, 0.065, 0.0455, 0.03185], st1: 0.045, sc1: 0.015, standard: 0.05 },
  'eu-west-1': { gp2: 0.11, gp3: [0.088, 0.0055, 0.044], io1: [0.138, 0.072], io2: [0.138, 0.072, 0.0504, 0.03528], st1: 0.05, sc1: 0.0168, standard: 0.055 },
  'eu-central-1': { gp2: 0.119, gp3: [0.0952, 0.006, 0.048], io1: [0.149, 0.078], io2: [0.149, 0.078, 0.0546, 0.03822], st1: 0.054, sc1: 0.018, standard: 0.059 },
  'ap-southeast-1': { gp2: 0.12, gp3: [0.096, 0.006, 0.048], io1: [0.138, 0.072], io2: [0.138, 0.072, 0.0504, 0.03528], st1: 0.054, sc1: 0.018, standard: 0.08 },
};

/** Figures checked against DESIGN.md §2 (us-east-1 list prices the project rests on). */
const CONFIRMED: ReadonlySet<string> = new Set(['us-east-1/gp2', 'us-east-1/gp3', 'us-east-1/io1']);

function tableFor(region: PricedRegion): Readonly<Record<VolumeType, TypePrices>> {
  const f = FIGURES[region];
  const ok = (type: VolumeType) => CONFIRMED.has(`${region}/${type}`);
  return {
    gp2: { perGBMonthUSD: f.gp2, confirmed: ok('gp2') },
    gp3: { perGBMonthUSD: f.gp3[0], perIopsMonthUSD: f.gp3[1], includedIops: 3_000, perMiBpsMonthUSD: f.gp3[2], includedMiBps: 125, confirmed: ok('gp3') },
    io1: { perGBMonthUSD: f.io1[0], perIopsMonthUSD: f.io1[1], includedIops: 0, confirmed: ok('io1') },
    io2: {
      perGBMonthUSD: f.io2[0],
      iopsTiers: [
        { fromIops: 0, toIops: 32_000, perIopsMonthUSD: f.io2[1] },
        { fromIops: 32_000, toIops: 64_000, perIopsMonthUSD: f.io2[2] },
        { fromIops: 64_000, toIops: Number.POSITIVE_INFINITY, perIopsMonthUSD: f.io2[3] },
      ],
      confirmed: false,
    },
    st1: { perGBMonthUSD: f.st1, confirmed: false },
    sc1: { perGBMonthUSD: f.sc1, confirmed: false },
    // Magnetic also bills $0.05 per million I/O requests; the guardian never targets it, so only storage is modelled.
    standard: { perGBMonthUSD: f.standard, confirmed: false },
  };
}

/** The bundled price table: region → volume type → prices. */
export const PRICE_TABLE: Readonly<Record<PricedRegion, Readonly<Record<VolumeType, TypePrices>>>> = {
  'us-east-1': tableFor('us-east-1'),
  'us-west-2': tableFor('us-west-2'),
  'eu-west-1': tableFor('eu-west-1'),
  'eu-central-1': tableFor('eu-central-1'),
  'ap-southeast-1': tableFor('ap-southeast-1'),
};

/** Returns true when the bundled table has prices for `region`. */
export function isPricedRegion(region: string): region is PricedRegion {
  return Object.hasOwn(PRICE_TABLE, region);
}
