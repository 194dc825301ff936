/**
 * A simulated CloudWatch for one volume: 1-minute `BurstBalance` (Average), `VolumeReadOps` /
 * `VolumeWriteOps` / `VolumeReadBytes` / `VolumeWriteBytes` (Sum of what was *served*) and
 * `VolumeIOPSExceededCheck` (Maximum), each published `delaySeconds` after its minute ends, with
 * optional gaps. https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html
 */
import type { MetricPoint, VolumeMetricSeries } from '../core/types';
import type { Rng } from './rng';

/** What happened in one piece of a minute (the volume never lets a piece straddle a minute boundary). */
export interface MinuteSample {
  readonly seconds: number;
  /** ∫ BurstBalance percent dt over the piece, when the volume was burstable during it. */
  readonly balancePercentSeconds: number | undefined;
  readonly readOps: number;
  readonly writeOps: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly throttledSeconds: number;
}

/** A window (seconds since the simulation start) in which no datapoint is published. */
export interface MetricGap {
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/** How publication is degraded. */
export interface PublicationOptions {
  readonly delaySeconds: number;
  readonly startEpochSeconds: number;
  readonly gaps?: readonly MetricGap[];
  /** Probability that a minute is never published (seeded). */
  readonly dropProbability?: number;
  readonly rng: Rng;
}

/** Period of EBS metrics in CloudWatch, seconds. */
export const PERIOD_SECONDS = 60;

interface Accumulator {
  minuteEpochSeconds: number;
  balancePercentSeconds: number;
  burstableSeconds: number;
  readOps: number;
  writeOps: number;
  readBytes: number;
  writeBytes: number;
  throttled: boolean;
}

/** Records one volume's minutes and answers what a reader at time `now` can see. */
export class SimulatedCloudWatch {
  private readonly balance: MetricPoint[] = [];
  private readonly readOps: MetricPoint[] = [];
  private readonly writeOps: MetricPoint[] = [];
  private readonly readBytes: MetricPoint[] = [];
  private readonly writeBytes: MetricPoint[] = [];
  private readonly exceeded: MetricPoint[] = [];
  private current: Accumulator | undefined;

  constructor(
    private readonly volumeId: string,
    private readonly options: PublicationOptions,
  ) {}

  /** Adds a piece starting at `tEpochSeconds` that lies inside one minute. */
  record(tEpochSeconds: number, sample: MinuteSample): void {
    const minute = Math.floor(tEpochSeconds / PERIOD_SECONDS) * PERIOD_SECONDS;
    if (this.current !== undefined && this.current.minuteEpochSeconds !== minute) this.flush();
    const acc = (this.current ??= {
      minuteEpochSeconds: minute, balancePercentSeconds: 0, burstableSeconds: 0, readOps: 0, writeOps: 0, readBytes: 0, writeBytes: 0, throttled: false,
    });
    if (sample.balancePercentSeconds !== undefined) {
      acc.balancePercentSeconds += sample.balancePercentSeconds;
      acc.burstableSeconds += sample.seconds;
    }
    acc.readOps += sample.readOps;
    acc.writeOps += sample.writeOps;
    acc.readBytes += sample.readBytes;
    acc.writeBytes += sample.writeBytes;
    acc.throttled ||= sample.throttledSeconds > 1e-9;
  }

  /** The series as GetMetricData would return them at `nowEpochSeconds`, for periods starting at or after `sinceEpochSeconds`. */
  series(nowEpochSeconds: number, sinceEpochSeconds: number): VolumeMetricSeries {
    const latestStart = nowEpochSeconds - this.options.delaySeconds - PERIOD_SECONDS;
    if (this.current !== undefined && this.current.minuteEpochSeconds + PERIOD_SECONDS <= nowEpochSeconds) this.flush();
    const window = (points: readonly MetricPoint[]): MetricPoint[] => points.slice(lowerBound(points, sinceEpochSeconds), upperBound(points, latestStart));
    return {
      volumeId: this.volumeId,
      periodSeconds: PERIOD_SECONDS,
      burstBalancePercent: window(this.balance),
      readOps: window(this.readOps),
      writeOps: window(this.writeOps),
      readBytes: window(this.readBytes),
      writeBytes: window(this.writeBytes),
      iopsExceededCheck: window(this.exceeded),
    };
  }

  private flush(): void {
    const acc = this.current;
    this.current = undefined;
    if (acc === undefined || this.isDropped(acc.minuteEpochSeconds)) return;
    const t = acc.minuteEpochSeconds;
    if (acc.burstableSeconds > 0) this.balance.push({ tEpochSeconds: t, value: acc.balancePercentSeconds / acc.burstableSeconds });
    this.readOps.push({ tEpochSeconds: t, value: acc.readOps });
    this.writeOps.push({ tEpochSeconds: t, value: acc.writeOps });
    this.readBytes.push({ tEpochSeconds: t, value: acc.readBytes });
    this.writeBytes.push({ tEpochSeconds: t, value: acc.writeBytes });
    this.exceeded.push({ tEpochSeconds: t, value: acc.throttled ? 1 : 0 });
  }

  private isDropped(minuteEpochSeconds: number): boolean {
    const sinceStart = minuteEpochSeconds - this.options.startEpochSeconds;
    const inGap = (this.options.gaps ?? []).some((g) => sinceStart >= g.fromSeconds && sinceStart < g.toSeconds);
    const p = this.options.dropProbability ?? 0;
    // The gap stream is this volume's own fork, so drawing here never shifts its demand.
    const dropped = p > 0 && this.options.rng.next() < p;
    return inGap || dropped;
  }
}

/** First index whose time is ≥ t. */
function lowerBound(points: readonly MetricPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid]?.tEpochSeconds ?? Number.POSITIVE_INFINITY) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > t. */
function upperBound(points: readonly MetricPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid]?.tEpochSeconds ?? Number.POSITIVE_INFINITY) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
