/**
 * Open recommendations for one volume at the end of a period. gp3 at its included 3,000 IOPS /
 * 125 MiB/s is cheaper than gp2 at every size under 1 TiB (https://aws.amazon.com/ebs/pricing/),
 * so flipping a rescued volume back to gp2 usually costs money: the report says so in dollars.
 */
import type { HistoryEvent } from '../ports';
import { detailScopes, numberAt } from './effects';
import type { MonthlyPriceFn, Recommendation, ReportPeriod, VolumeConfig } from './types';
import type { ConfigTimeline } from './timeline';

/** Formats USD for a sentence: two decimals, thousands separators (`$1,234.50`). */
export function formatUsd(usd: number): string {
  return `${usd < 0 ? '-' : ''}$${Math.abs(usd).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** What the volume should do next, judged on prices; recorded recommendations follow. */
export function recommend(
  price: MonthlyPriceFn,
  timeline: ConfigTimeline,
  gp3ForGood: VolumeConfig,
  events: readonly HistoryEvent[],
  period: ReportPeriod,
): Recommendation[] {
  const out: Recommendation[] = [];
  const { original, final } = timeline;
  const originalMonthly = price(original);
  const rescuedInPeriod = timeline.applied.some(
    (r) => r.kind === 'rescue' && r.requestedEpochSeconds < period.untilEpochSeconds && r.requestedEpochSeconds >= period.sinceEpochSeconds,
  );
  if (original.type === 'gp2' && final.type === 'gp3' && originalMonthly !== undefined) {
    const finalMonthly = price(final);
    if (finalMonthly !== undefined && originalMonthly - finalMonthly > 0) {
      const saves = originalMonthly - finalMonthly;
      out.push({ kind: 'stay-on-gp3', monthlySavingsUSD: saves, summary: `stay on gp3: saves ${formatUsd(saves)}/month` });
    }
  } else if (original.type === 'gp2' && final.type === 'gp2' && rescuedInPeriod && originalMonthly !== undefined) {
    const gp3Monthly = price(gp3ForGood);
    if (gp3Monthly !== undefined && originalMonthly - gp3Monthly > 0) {
      const saves = originalMonthly - gp3Monthly;
      out.push({
        kind: 'move-to-gp3',
        monthlySavingsUSD: saves,
        summary: `move to gp3 (${gp3ForGood.iops} IOPS, ${gp3ForGood.throughputMiBps} MiB/s) for good: saves ${formatUsd(saves)}/month and needs no more flips`,
      });
    }
  }
  // One voice per volume: the report's own price judgement wins over an older recorded one, so the
  // line never says two amounts for the same advice ("saves $1.88/month; … $2.00/month less").
  const recorded = out.length === 0 ? latestRecorded(timeline, events, period) : undefined;
  if (recorded !== undefined) out.push(recorded);
  return out;
}

/** The latest `recommendation` event in the period, unless a later modification made it moot. */
function latestRecorded(timeline: ConfigTimeline, events: readonly HistoryEvent[], period: ReportPeriod): Recommendation | undefined {
  const lastApplied = timeline.applied.at(-1)?.requestedEpochSeconds ?? Number.NEGATIVE_INFINITY;
  const latest = events
    .filter((e) => e.kind === 'recommendation' && e.tEpochSeconds >= period.sinceEpochSeconds && e.tEpochSeconds < period.untilEpochSeconds)
    .filter((e) => e.tEpochSeconds >= lastApplied)
    .sort((a, b) => a.tEpochSeconds - b.tEpochSeconds)
    .at(-1);
  if (latest === undefined) return undefined;
  // The decision engine names it `savingMonthlyUSD`; accept the report's own name too.
  const saves = detailScopes(latest.details)
    .flatMap((scope) => [numberAt(scope, 'monthlySavingsUSD'), numberAt(scope, 'savingMonthlyUSD')])
    .find((x) => x !== undefined);
  return { kind: 'recorded', summary: latest.summary, ...(saves === undefined ? {} : { monthlySavingsUSD: saves }) };
}
