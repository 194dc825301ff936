/**
 * Finance's range query (`report --since --until`): iterates the UTC months the range touches and
 * keeps what falls inside. Works on any `HistoryStore` (DynamoDB or memory).
 */
import type { HistoryEvent, HistoryStore, ModificationRecord } from '../core/ports';
import { monthsBetween } from './history-items';

/** Events (by time) and modifications (by request time) in [since, until], oldest first. */
export async function listHistoryBetween(
  store: HistoryStore,
  sinceEpochSeconds: number,
  untilEpochSeconds: number,
): Promise<{ events: HistoryEvent[]; modifications: ModificationRecord[] }> {
  const events: HistoryEvent[] = [];
  const modifications: ModificationRecord[] = [];
  if (untilEpochSeconds < sinceEpochSeconds) return { events, modifications };
  for (const month of monthsBetween(sinceEpochSeconds, untilEpochSeconds)) {
    const page = await store.listMonth(month);
    events.push(...page.events.filter((e) => e.tEpochSeconds >= sinceEpochSeconds && e.tEpochSeconds <= untilEpochSeconds));
    modifications.push(
      ...page.modifications.filter((m) => m.requestedEpochSeconds >= sinceEpochSeconds && m.requestedEpochSeconds <= untilEpochSeconds),
    );
  }
  return { events, modifications };
}
