/**
 * The report and a volume's history as JSON: the domain values as they are, plus ISO-8601 UTC
 * copies of the instants so a reader needs no epoch arithmetic.
 */
import type { FinanceReport } from '../core/report/report';
import type { VolumeHistory } from '../core/report/history';
import { isoUtc } from './format';
import { netOfRunningCost } from './running-cost';

/**
 * Version of the report's JSON layout; raised when a field is renamed or removed (adding one is not).
 * 1: money rounded to cents, an ISO-8601 `…Time` beside every `…EpochSeconds`.
 */
export const REPORT_JSON_SCHEMA_VERSION = 1;

/** Money to cents, and an ISO-8601 UTC copy (`rescueTime`) beside every epoch field (`rescueEpochSeconds`). */
function forReaders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(forReaders);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'number' && key.endsWith('USD')) out[key] = Math.round(field * 100) / 100;
    else out[key] = forReaders(field);
    if (typeof field === 'number' && key.endsWith('EpochSeconds')) out[`${key.slice(0, -'EpochSeconds'.length)}Time`] = isoUtc(field);
  }
  return out;
}

/** `netOfRunningCostUSD`, when the period holds recorded usage (docs/report.md). */
function netOfRunningCostField(report: FinanceReport): { netOfRunningCostUSD?: number } {
  const net = netOfRunningCost(report);
  return net === undefined ? {} : { netOfRunningCostUSD: Math.round(net * 100) / 100 };
}

/** Renders the report as pretty JSON (trailing newline). */
export function renderReportJson(report: FinanceReport): string {
  const document = {
    schemaVersion: REPORT_JSON_SCHEMA_VERSION,
    periodStart: isoUtc(report.period.sinceEpochSeconds),
    periodEnd: isoUtc(report.period.untilEpochSeconds),
    generatedAt: isoUtc(report.generatedAtEpochSeconds),
    netSavingUSD: Math.round((report.totals.cost.unaidedUSD - report.totals.cost.actualUSD) * 100) / 100,
    ...netOfRunningCostField(report),
    ...(forReaders(report) as Record<string, unknown>),
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
