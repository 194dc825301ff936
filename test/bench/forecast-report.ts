/** Per-family and overall summaries of the forecast benchmark, as a table or a JSON object. */
import { summarize, type ScoreSummary } from './forecast-score';
import { ALERTERS, type AlerterName, type CaseResult } from './forecast-run';

/** Summaries per group (each family, then `overall`) and alerter. */
export type BenchSummary = Record<string, Record<AlerterName, ScoreSummary>>;

/** Groups case results by family (plus `overall`) and summarizes each alerter. */
export function summarizeResults(results: readonly CaseResult[]): BenchSummary {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) groups.set(r.benchCase.family, [...(groups.get(r.benchCase.family) ?? []), r]);
  groups.set('overall', [...results]);
  const out: BenchSummary = {};
  for (const [group, items] of groups) {
    const perAlerter = {} as Record<AlerterName, ScoreSummary>;
    for (const alerter of ALERTERS) perAlerter[alerter] = summarize(items.map((i) => i.scores[alerter]));
    out[group] = perAlerter;
  }
  return out;
}

const fmt = (x: number, digits = 2) => (Number.isNaN(x) ? '–' : x.toFixed(digits));
const minutes = (seconds: number) => (Number.isNaN(seconds) ? '–' : `${Math.round(seconds / 60)}`);

/** Renders the summary as a fixed-width table (one row per group × alerter). */
export function formatTable(summary: BenchSummary): string {
  const header = ['group', 'alerter', 'vols', 'vol-days', 'exh', 'feas', 'caught(feas)', 'recall feas', 'caught(all)', 'recall all', 'median lead min', 'false ep', 'false/vol-day'];
  const rows: string[][] = [];
  for (const [group, perAlerter] of Object.entries(summary)) {
    for (const alerter of ALERTERS) {
      const s = perAlerter[alerter];
      rows.push([
        group, alerter, `${s.volumes}`, fmt(s.volumeDays, 1), `${s.exhaustions}`, `${s.feasible}`, `${s.caughtFeasible}`, fmt(s.recallFeasible),
        `${s.caughtAll}`, fmt(s.recallAll), minutes(s.medianLeadSeconds), `${s.falseEpisodes}`, fmt(s.falseEpisodesPerVolumeDay, 3),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
