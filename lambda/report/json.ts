/**
 * The report and a volume's history as JSON: the domain values as they are, plus ISO-8601 UTC
 * copies of the instants so a reader needs no epoch arithmetic.
 */
import type { FinanceReport } from '../core/report/report';
import type { VolumeHistory } from '../core/report/history';
import { isoUtc } from './format';

/** Renders the report as pretty JSON (trailing newline). */
export function renderReportJson(report: FinanceReport): string {
  const document = {
    periodStart: isoUtc(report.period.sinceEpochSeconds),
    periodEnd: isoUtc(report.period.untilEpochSeconds),
    generatedAt: isoUtc(report.generatedAtEpochSeconds),
    ...report,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Renders a volume's history as pretty JSON (trailing newline). */
export function renderHistoryJson(history: VolumeHistory): string {
  const document = {
    volumeId: history.volumeId,
    lines: history.lines.map((line) => ({ time: isoUtc(line.tEpochSeconds), ...line })),
    roundTrips: history.roundTrips.map((trip) => ({
      rescueTime: isoUtc(trip.rescueEpochSeconds),
      revertTime: isoUtc(trip.revertEpochSeconds),
      ...trip,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
