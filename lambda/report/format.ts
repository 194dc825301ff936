/**
 * Formatting shared by the report renderings: ISO-8601 UTC instants, hours, and dollars: plain
 * numbers for the CSV (`usd`: spreadsheets read them as numbers), separators for people (`money`).
 */
import type { PreventedThrottling } from '../core/report/types';
import type { VolumeType } from '../core/types';

/** Volume types in the order every rendering lists them. */
export const TYPE_ORDER: readonly VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];

/** `2026-11-03T14:05:00Z`: ISO-8601, UTC, whole seconds. */
export function isoUtc(epochSeconds: number): string {
  return new Date(Math.round(epochSeconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Seconds as hours, two decimals, e.g. `12.50`. */
export function hours(seconds: number): string {
  return (seconds / 3_600).toFixed(2);
}

/** USD with cents, e.g. `1234.57` (no symbol). */
export function usd(amount: number): string {
  return amount.toFixed(2);
}

/** Money for people: `$1,234.57`, `-$12.00` (the CSV keeps `usd` for spreadsheets). */
export function money(amount: number): string {
  return `${amount < 0 ? '-' : ''}$${grouped(Math.abs(amount))}`;
}

/** Dollars with cents and thousands separators, no symbol: `1,234.57` (aligned terminal columns). */
export function grouped(amount: number): string {
  return amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A percentage with one decimal, or `-` when unknown. */
export function percent(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(1)}%`;
}

/** The types that appear in any of the given `secondsByType` maps, in `TYPE_ORDER`. */
export function typesUsed(maps: readonly Readonly<Partial<Record<VolumeType, number>>>[]): VolumeType[] {
  return TYPE_ORDER.filter((t) => maps.some((m) => (m[t] ?? 0) > 0));
}

/** Lays out rows as aligned text columns; `right` lists the columns to right-align (numbers). */
export function renderColumns(headers: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** How the prevented throttling was obtained, for a tile or a column: `replayed`, `estimated`, `replayed + estimated`, or `none`. */
export function preventedBasis(p: PreventedThrottling): string {
  return { replay: 'replayed', estimate: 'estimated', mixed: 'replayed + estimated', none: 'none' }[p.basis];
}

/** One sentence saying which part of the prevented throttling is replayed and which estimated (docs/report.md). */
export function preventedSentence(p: PreventedThrottling): string {
  const parts: string[] = [];
  if (p.replay.episodes > 0 || p.basis === 'none') {
    parts.push(`${hours(p.replay.seconds)} h replayed from the demand observed while flipped, through each volume's unaided bucket (demand in bursts at the burst ceiling; up to ${hours(p.replay.secondsIfSteady)} h if it was steady within each minute)`);
  }
  if (p.estimate.episodes > 0) parts.push(`${hours(p.estimate.seconds)} h estimated for ${p.estimate.episodes} rescue(s) recorded without a replay (from the forecast at the rescue, at most 1 h past each wall)`);
  return `${parts.join('; ')}.`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
