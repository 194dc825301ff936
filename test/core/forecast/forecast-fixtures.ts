/**
 * Test fixtures for the forecaster: what CloudWatch would show for a volume driven by a demand
 * function, computed minute by minute with the credit model (served ops, 1-minute Average
 * BurstBalance, publication delay). Independent of the simulated fleet on purpose.
 */
import { advanceBucket, bucketSpecFor, creditsFromBalancePercent } from '../../../lambda/core/credit/credit-model';
import type { BurstableVolumeType, MetricPoint, VolumeMetricSeries } from '../../../lambda/core/types';

/** Inputs of `seriesFromDemand`. */
export interface FixtureInput {
  readonly type: BurstableVolumeType;
  readonly sizeGiB: number;
  readonly startBalancePercent: number;
  /** Demand per second (IOPS for gp2, MiB/s for st1/sc1) during the minute starting at `minute`. */
  readonly demand: (minute: number) => number;
  readonly minutes: number;
  /** Epoch seconds of the first minute. */
  readonly startEpochSeconds?: number;
  readonly delaySeconds?: number;
}

/** The series and the truth at the evaluation time (`nowEpochSeconds` = end of the last minute). */
export interface Fixture {
  readonly series: VolumeMetricSeries;
  readonly nowEpochSeconds: number;
  /** Credits at `nowEpochSeconds`. */
  readonly creditsNow: number;
}

const SUBSTEPS = 6;

/** Simulates `minutes` minutes and returns the points visible `delaySeconds` after the end. */
export function seriesFromDemand(input: FixtureInput): Fixture {
  const spec = bucketSpecFor(input.type, input.sizeGiB);
  const start = input.startEpochSeconds ?? 1_800_000_000;
  const delay = input.delaySeconds ?? 120;
  let credits = creditsFromBalancePercent(spec, input.startBalancePercent);
  const balance: MetricPoint[] = [];
  const ops: MetricPoint[] = [];
  for (let m = 0; m < input.minutes; m += 1) {
    let served = 0;
    let creditSum = 0;
    for (let s = 0; s < SUBSTEPS; s += 1) {
      const step = advanceBucket(spec, credits, input.demand(m), 60 / SUBSTEPS);
      served += step.servedUnits;
      creditSum += (credits + step.creditsAfter) / 2;
      credits = step.creditsAfter;
    }
    const t = start + m * 60;
    balance.push({ tEpochSeconds: t, value: (100 * creditSum) / SUBSTEPS / spec.bucketCredits });
    ops.push({ tEpochSeconds: t, value: served });
  }
  const now = start + input.minutes * 60 + delay;
  const visible = (p: MetricPoint) => p.tEpochSeconds + 60 <= now - delay;
  const half = ops.filter(visible).map((p) => ({ tEpochSeconds: p.tEpochSeconds, value: p.value / 2 }));
  const isGp2 = spec.unit === 'iops';
  const bytes = ops.filter(visible).map((p) => ({ tEpochSeconds: p.tEpochSeconds, value: (p.value * 1_048_576) / 2 }));
  return {
    series: {
      volumeId: 'vol-fixture',
      periodSeconds: 60,
      burstBalancePercent: balance.filter(visible),
      readOps: isGp2 ? half : [],
      writeOps: isGp2 ? half : [],
      ...(isGp2 ? {} : { readBytes: bytes, writeBytes: bytes }),
    },
    nowEpochSeconds: now,
    creditsNow: credits,
  };
}
