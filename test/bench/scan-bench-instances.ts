/**
 * The instances the `bench:scan` fleet's volumes are attached to (issue 15 part 1: the scan reads
 * `EBSIOBalance%`/`EBSByteBalance%` of every instance holding a selected volume whose size has a
 * bucket). Per 10 consecutive volumes, 7 instances: one holds 3 volumes, one 2, five 1 (volumes
 * `10b+0..2`, `10b+3..4`, then one each). An instance exists whether or not its volumes are attached
 * (a detached volume leaves its instance running).
 *
 * Types: a share `burstableShare` of the instances is a size with an EBS burst bucket (m5.large,
 * m5.xlarge, c5.large, t3.medium, r5.large in turn), the rest sizes without one (m5.8xlarge and
 * c5.9xlarge, which the guardian's table does not list, and m5.4xlarge and r5.4xlarge, which it lists
 * as never bursting). Which instances are burstable follows the golden-ratio sequence of the instance
 * number, evenly spread, so the share holds in any stretch of the fleet (within 0.1 % over 7,000
 * instances: scan-bench-instances.test.ts).
 */

/** Instance slot of each of the 10 volumes of a block. */
const SLOT_OF = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6] as const;
const INSTANCES_PER_BLOCK = 7;
const VOLUMES_PER_BLOCK = SLOT_OF.length;

/** Sizes with an instance EBS bucket (lambda/core/credit/instance-ebs.ts), taken in turn. */
export const BURSTABLE_TYPES = ['m5.large', 'm5.xlarge', 'c5.large', 't3.medium', 'r5.large'] as const;
/** Sizes without one: two the table does not list (read only for a rescue), two it lists as sustained. */
export const SUSTAINED_TYPES = ['m5.8xlarge', 'c5.9xlarge', 'm5.4xlarge', 'r5.4xlarge'] as const;

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The number of the instance volume `index` is attached to. */
export function instanceNumberOf(volumeIndex: number): number {
  return Math.floor(volumeIndex / VOLUMES_PER_BLOCK) * INSTANCES_PER_BLOCK + (SLOT_OF[volumeIndex % VOLUMES_PER_BLOCK] ?? 0);
}

/** Instance ids sort like their number. */
export function instanceIdOf(n: number): string {
  return `i-${n.toString(16).padStart(17, '0')}`;
}

/** The instance number of `id`, or undefined when it is not shaped as a bench instance id. */
export function instanceNumberOfId(id: string): number | undefined {
  return /^i-[0-9a-f]{17}$/.test(id) ? Number.parseInt(id.slice(2), 16) : undefined;
}

/** How many instances an account of `volumes` volumes holds. */
export function instanceCount(volumes: number): number {
  return volumes === 0 ? 0 : instanceNumberOf(volumes - 1) + 1;
}

/** Whether instance `n` is a size with an EBS burst bucket. */
export function isBurstable(n: number, burstableShare: number): boolean {
  return ((n + 1) * GOLDEN) % 1 < burstableShare;
}

/** The instance type of instance `n`. */
export function instanceTypeOf(n: number, burstableShare: number): string {
  return (isBurstable(n, burstableShare) ? BURSTABLE_TYPES[n % BURSTABLE_TYPES.length] : SUSTAINED_TYPES[n % SUSTAINED_TYPES.length]) ?? 'm5.8xlarge';
}

/**
 * `EBSIOBalance%`/`EBSByteBalance%` of instance `n`: full (100 %) for a size with a bucket (the
 * fleet's demand is far below any instance's baseline), nothing for the larger sizes, which publish no
 * such metric (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html).
 */
export function instanceMetricValue(n: number, metricName: string, burstableShare: number): number | undefined {
  if (metricName !== 'EBSIOBalance%' && metricName !== 'EBSByteBalance%') return undefined;
  return isBurstable(n, burstableShare) ? 100 : undefined;
}
