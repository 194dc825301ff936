/**
 * Summaries of the forecast benchmark per horizon, group (`smooth`, `spiky`, each family with
 * `--families`, `overall`) and alerter, as tables or a JSON object; and the page-confidence
 * reliability table (raw persistence score bins → share of forecasts that came true).
 */
import { summarize, type ScoreSummary } from './forecast-score';
import { ALERTERS, SCORED_HORIZONS_MINUTES, type AlerterName, type CaseResult, type PageCandidate } from './forecast-run';

/** Summaries per horizon (minutes), group and alerter. */
export type BenchSummary = Record<number, Record<string, Record<AlerterName, ScoreSummary>>>;

/** Groups case results (smooth, spiky, optionally each family, overall) and summarizes each alerter at each horizon. */
export function summarizeResults(results: readonly CaseResult[], byFamily = false): BenchSummary {
  const groups = new Map<string, CaseResult[]>();
  const add = (key: string, r: CaseResult) => groups.set(key, [...(groups.get(key) ?? []), r]);
  for (const r of results) add(r.benchCase.group, r);
  if (byFamily) for (const r of results) add(`${r.benchCase.group}/${r.benchCase.family}`, r);
  groups.set('overall', [...results]);
  const out: BenchSummary = {};
  for (const minutes of SCORED_HORIZONS_MINUTES) {
    const perGroup: Record<string, Record<AlerterName, ScoreSummary>> = {};
    for (const [group, items] of groups) {
      const perAlerter = {} as Record<AlerterName, ScoreSummary>;
      for (const alerter of ALERTERS) perAlerter[alerter] = summarize(items.map((i) => i.scores[minutes]?.[alerter]).filter((s) => s !== undefined));
      perGroup[group] = perAlerter;
    }
    out[minutes] = perGroup;
  }
  return out;
}

const fmt = (x: number, digits = 2) => (Number.isNaN(x) ? '–' : x.toFixed(digits));
const minutesOf = (seconds: number) => (Number.isNaN(seconds) ? '–' : `${Math.round(seconds / 60)}`);

function renderTable(header: readonly string[], rows: readonly string[][], textColumns = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Renders one table per horizon (rows: group × alerter). */
export function formatTable(summary: BenchSummary): string {
  const header = ['group', 'alerter', 'vols', 'vol-days', 'exh', 'feas', 'caught(feas)', 'recall feas', 'median lead min', 'false ep', 'false/vol-day'];
  const tables: string[] = [];
  for (const [minutes, perGroup] of Object.entries(summary)) {
    const rows: string[][] = [];
    for (const [group, perAlerter] of Object.entries(perGroup)) {
      for (const alerter of ALERTERS) {
        const s = perAlerter[alerter];
        rows.push([group, alerter, `${s.volumes}`, fmt(s.volumeDays, 1), `${s.exhaustions}`, `${s.feasible}`, `${s.caughtFeasible}`, fmt(s.recallFeasible), minutesOf(s.medianLeadSeconds), `${s.falseEpisodes}`, fmt(s.falseEpisodesPerVolumeDay, 3)]);
      }
    }
    tables.push(`H = ${minutes} min\n${renderTable(header, rows)}`);
  }
  return tables.join('\n\n');
}

/** Raw-score bin edges of the reliability table. */
export const CALIBRATION_BINS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/** One bin: forecasts whose raw score is in (lower, upper], and the share that came true. */
export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly forecasts: number;
  readonly cameTrue: number;
  readonly share: number;
}

/** The reliability of the raw persistence score over every page-window forecast of the run. */
export function calibrationTable(candidates: readonly PageCandidate[]): CalibrationBin[] {
  const bins: CalibrationBin[] = [];
  for (let i = 0; i < CALIBRATION_BINS.length; i += 1) {
    const upper = CALIBRATION_BINS[i] ?? 0;
    const lower = i === 0 ? -Infinity : (CALIBRATION_BINS[i - 1] ?? 0);
    const inBin = candidates.filter((c) => c.raw > lower && c.raw <= upper);
    const cameTrue = inBin.filter((c) => c.cameTrue).length;
    bins.push({ lower, upper, forecasts: inBin.length, cameTrue, share: inBin.length === 0 ? Number.NaN : cameTrue / inBin.length });
  }
  return bins;
}

/** Renders the reliability table. */
export function formatCalibration(bins: readonly CalibrationBin[]): string {
  const rows = bins.map((b) => [Number.isFinite(b.lower) ? `(${b.lower.toFixed(1)}, ${b.upper.toFixed(1)}]` : `= ${b.upper.toFixed(1)}`, `${b.forecasts}`, `${b.cameTrue}`, fmt(b.share)]);
  return renderTable(['raw score', 'forecasts', 'came true', 'share'], rows, 1);
}

/** The smooth/spiky/overall rows of every horizon as one markdown table (for docs/forecast-benchmark.md). */
export function formatMarkdown(summary: BenchSummary): string {
  const lines = ['| H | group | alerter | volume-days | exhaustions | feasible | caught (feasible) | recall feasible | median lead (min) | false episodes | false / volume-day |', '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const [minutes, perGroup] of Object.entries(summary)) {
    for (const group of ['spiky', 'smooth', 'overall']) {
      const perAlerter = perGroup[group];
      if (perAlerter === undefined) continue;
      for (const alerter of ALERTERS) {
        const s = perAlerter[alerter];
        lines.push(`| ${minutes} | ${group} | ${alerter} | ${fmt(s.volumeDays, 1)} | ${s.exhaustions} | ${s.feasible} | ${s.caughtFeasible} | ${fmt(s.recallFeasible, 3)} | ${minutesOf(s.medianLeadSeconds)} | ${s.falseEpisodes} | ${fmt(s.falseEpisodesPerVolumeDay, 3)} |`);
      }
    }
  }
  return lines.join('\n');
}

/** The reliability table as markdown. */
export function formatCalibrationMarkdown(bins: readonly CalibrationBin[]): string {
  const rows = bins.map((b) => `| ${Number.isFinite(b.lower) ? `(${b.lower.toFixed(1)}, ${b.upper.toFixed(1)}]` : `= ${b.upper.toFixed(1)}`} | ${b.forecasts} | ${b.cameTrue} | ${fmt(b.share)} |`);
  return ['| raw score | forecasts | came true | share |', '|---|---:|---:|---:|', ...rows].join('\n');
}
