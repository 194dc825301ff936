/**
 * Bundled EC2 On-Demand list prices of the instance sizes in core/credit/instance-ebs.ts, USD per
 * hour, **us-east-1 only**, Linux, shared tenancy (https://aws.amazon.com/ec2/pricing/on-demand/).
 * Not read from the Price List API: the figures are the published us-east-1 rates as we know them,
 * cross-checked against several public price tables (2026) and, for c5.2xlarge ($0.34) and
 * c5.4xlarge ($0.68), AWS's own example in the EC2 Auto Scaling User Guide ("Spot price per unit hour
 * example"). Every figure an alert quotes is labelled with this origin; other regions differ.
 */

/** What an alert says about where a price comes from. */
export const INSTANCE_PRICE_SOURCE = 'bundled us-east-1 On-Demand Linux list price (not the Price List API)';

/** The region the bundled instance prices are for. */
export const INSTANCE_PRICE_REGION = 'us-east-1';

const SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge'] as const;

/** Family → hourly price of each size in SIZES order (a family doubles per size step). */
const DOUBLING: Record<string, number> = { m5: 0.096, m6i: 0.096, c5: 0.085, c6i: 0.085, r5: 0.126, r6i: 0.126, m7g: 0.0816 };

const T3: Record<string, number> = { 't3.nano': 0.0052, 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664, 't3.2xlarge': 0.3328 };

/** us-east-1 hourly On-Demand price by instance type. */
export const INSTANCE_HOURLY_USD: ReadonlyMap<string, number> = new Map([
  ...Object.entries(DOUBLING).flatMap(([family, large]) => SIZES.map((size, i) => [`${family}.${size}`, Math.round(large * 2 ** i * 10_000) / 10_000] as const)),
  ...Object.entries(T3),
]);
