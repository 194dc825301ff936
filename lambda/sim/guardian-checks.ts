/**
 * Independent checks of an acting simulation: what the volume cost second by second, and whether
 * the modifications the fleet accepted obey the policy's modification rule. They read only the
 * fleet's ground truth (its modification log), never the guardian's ledger, so a bug in the
 * guardian or in the fleet's own rule enforcement shows up as a violation.
 */
import { priceOf, SECONDS_PER_MONTH, type VolumeConfig } from '../core/decision/pricing';
import type { VolumeModification } from '../core/types';
import type { ModificationRule } from './modification-rules';

/** One breach of the modification rule found in a fleet's modification log. */
export interface LedgerViolation {
  readonly tEpochSeconds: number;
  readonly volumeId: string;
  readonly rule: 'after-previous-completed' | 'four-per-24h' | 'six-hour-cooldown';
  readonly detail: string;
}

const DAY_SECONDS = 86_400;
const SIX_HOURS_SECONDS = 6 * 3600;
/** https://docs.aws.amazon.com/ebs/latest/userguide/modify-volume-requirements.html (DESIGN.md §2). */
const MAX_PER_DAY = 4;

/**
 * Breaches in one volume's modification log (oldest first): a modification started before the
 * previous one ended, more than 4 non-failed starts in a rolling 24 h (`four-per-24h`), or two
 * non-failed starts under 6 h apart (`six-hour-cooldown`). Failed ones may be retried at once.
 */
export function findLedgerViolations(log: readonly VolumeModification[], rule: ModificationRule): LedgerViolation[] {
  const out: LedgerViolation[] = [];
  for (const [i, m] of log.entries()) {
    const prev = i > 0 ? log[i - 1] : undefined;
    if (prev !== undefined && (prev.endEpochSeconds === undefined || prev.endEpochSeconds > m.startEpochSeconds)) {
      out.push({ tEpochSeconds: m.startEpochSeconds, volumeId: m.volumeId, rule: 'after-previous-completed', detail: `started while the modification of ${prev.startEpochSeconds} was ${prev.state}` });
    }
  }
  const counted = log.filter((m) => m.state !== 'failed');
  for (const [i, m] of counted.entries()) {
    if (rule === 'six-hour-cooldown') {
      const prev = i > 0 ? counted[i - 1] : undefined;
      if (prev !== undefined && m.startEpochSeconds - prev.startEpochSeconds < SIX_HOURS_SECONDS) {
        out.push({ tEpochSeconds: m.startEpochSeconds, volumeId: m.volumeId, rule, detail: `${m.startEpochSeconds - prev.startEpochSeconds} s after the previous start` });
      }
      continue;
    }
    const inWindow = counted.filter((o) => o.startEpochSeconds <= m.startEpochSeconds && o.startEpochSeconds > m.startEpochSeconds - DAY_SECONDS).length;
    if (inWindow > MAX_PER_DAY) out.push({ tEpochSeconds: m.startEpochSeconds, volumeId: m.volumeId, rule, detail: `${inWindow} modifications in the 24 h up to this one` });
  }
  return out;
}

/** The configuration a volume is billed for from `fromEpochSeconds` on. */
export interface BilledSpan {
  readonly fromEpochSeconds: number;
  readonly config: VolumeConfig;
}

/**
 * Billed configurations over time: the original one, then each non-failed modification's target
 * from its start, because AWS bills the new configuration once the modification starts
 * (https://docs.aws.amazon.com/ebs/latest/userguide/monitoring-volume-modifications.html).
 */
export function billedSpans(initial: VolumeConfig, startEpochSeconds: number, log: readonly VolumeModification[]): BilledSpan[] {
  const spans: BilledSpan[] = [{ fromEpochSeconds: startEpochSeconds, config: initial }];
  for (const m of log) {
    if (m.state === 'failed') continue;
    spans.push({
      fromEpochSeconds: m.startEpochSeconds,
      config: {
        type: m.targetType, sizeGiB: m.targetSizeGiB,
        ...(m.targetIops === undefined || m.targetType === 'gp2' ? {} : { iops: m.targetIops }),
        ...(m.targetThroughputMiBps === undefined ? {} : { throughputMiBps: m.targetThroughputMiBps }),
      },
    });
  }
  return spans;
}

/** USD for the spans up to `endEpochSeconds`, billed per second (https://aws.amazon.com/ebs/pricing/). */
export function costOfSpans(spans: readonly BilledSpan[], endEpochSeconds: number, region: string): number {
  let total = 0;
  for (const [i, span] of spans.entries()) {
    const until = Math.min(endEpochSeconds, spans[i + 1]?.fromEpochSeconds ?? endEpochSeconds);
    const seconds = Math.max(0, until - span.fromEpochSeconds);
    total += (priceOf(span.config, region).monthlyUSD * seconds) / SECONDS_PER_MONTH;
  }
  return total;
}
