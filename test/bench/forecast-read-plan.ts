/**
 * The shipping read plan beside the full read (issue 12: no loss of warning): recall on feasible
 * exhaustions and false episodes per volume-day of the guardian's own alerters under each, with
 * the differences in points, and the GetMetricData metrics each requested per volume-day.
 */
import type { BenchSummary } from './forecast-report';
import type { AlerterName, CaseResult } from './forecast-run';

/** The guardian's alerters the read plan feeds (the baselines read every BurstBalance point either way). */
export const GUARDIAN_ALERTERS: readonly AlerterName[] = ['page', 'early-warning', 'ew-sent', 'one-tier'];

/** One row: an alerter at a horizon in a group, under both plans. */
export interface ReadPlanRow {
  readonly horizonMinutes: number;
  readonly group: string;
  readonly alerter: AlerterName;
  readonly recallShipping: number;
  readonly recallFull: number;
  /** 100 × (shipping − full): points of recall. */
  readonly recallDeltaPoints: number;
  readonly falsePerVolumeDayShipping: number;
  readonly falsePerVolumeDayFull: number;
  readonly falseEpisodesShipping: number;
  readonly falseEpisodesFull: number;
}

/** What each plan read over the suite. */
export interface ReadPlanCost {
  readonly metricsRequested: number;
  readonly metricsPerVolumeDay: number;
  readonly runsResting: number;
}

/** Metrics requested and runs rested over the cases. */
export function readPlanCost(results: readonly CaseResult[]): ReadPlanCost {
  const metricsRequested = results.reduce((n, r) => n + r.metricsRequested, 0);
  const volumeDays = results.reduce((n, r) => n + r.benchCase.durationSeconds / 86_400, 0);
  return { metricsRequested, metricsPerVolumeDay: volumeDays > 0 ? metricsRequested / volumeDays : 0, runsResting: results.reduce((n, r) => n + r.runsResting, 0) };
}

/** The comparison rows for the spiky, smooth and overall groups. */
export function compareReadPlans(shipping: BenchSummary, full: BenchSummary): ReadPlanRow[] {
  const rows: ReadPlanRow[] = [];
  for (const [minutes, perGroup] of Object.entries(shipping)) {
    for (const group of ['spiky', 'smooth', 'overall']) {
      for (const alerter of GUARDIAN_ALERTERS) {
        const s = perGroup[group]?.[alerter];
        const f = full[Number(minutes)]?.[group]?.[alerter];
        if (s === undefined || f === undefined) continue;
        rows.push({
          horizonMinutes: Number(minutes), group, alerter,
          recallShipping: s.recallFeasible, recallFull: f.recallFeasible, recallDeltaPoints: 100 * (s.recallFeasible - f.recallFeasible),
          falsePerVolumeDayShipping: s.falseEpisodesPerVolumeDay, falsePerVolumeDayFull: f.falseEpisodesPerVolumeDay,
          falseEpisodesShipping: s.falseEpisodes, falseEpisodesFull: f.falseEpisodes,
        });
      }
    }
  }
  return rows;
}

const fmt = (x: number, digits: number) => (Number.isNaN(x) ? '–' : x.toFixed(digits));
const signed = (x: number, digits: number) => (Number.isNaN(x) ? '–' : `${x > 0 ? '+' : ''}${x.toFixed(digits)}`);

function cells(r: ReadPlanRow): string[] {
  return [
    `${r.horizonMinutes}`, r.group, r.alerter, fmt(r.recallShipping, 3), fmt(r.recallFull, 3), signed(r.recallDeltaPoints, 1),
    `${r.falseEpisodesShipping}`, `${r.falseEpisodesFull}`, fmt(r.falsePerVolumeDayShipping, 3), fmt(r.falsePerVolumeDayFull, 3),
  ];
}

const HEADER = ['H', 'group', 'alerter', 'recall shipping', 'recall full', 'Δ points', 'false ep shipping', 'false ep full', 'false/vol-day shipping', 'false/vol-day full'];

/** The comparison as a fixed-width table with each plan's read cost underneath. */
export function formatReadPlanTable(rows: readonly ReadPlanRow[], cost: { shipping: ReadPlanCost; full: ReadPlanCost }): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (c: readonly string[]) => c.map((x, i) => (i > 0 && i < 3 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ');
  return [line(HEADER), ...body.map(line), '', costLine(cost)].join('\n');
}

/** The comparison as markdown (docs/forecast-benchmark.md). */
export function formatReadPlanMarkdown(rows: readonly ReadPlanRow[], cost: { shipping: ReadPlanCost; full: ReadPlanCost }): string {
  return [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i > 0 && i < 3 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`), '', costLine(cost)].join('\n');
}

function costLine({ shipping, full }: { shipping: ReadPlanCost; full: ReadPlanCost }): string {
  return `metrics requested per volume-day: shipping ${shipping.metricsPerVolumeDay.toFixed(1)} (${shipping.runsResting} runs resting), full ${full.metricsPerVolumeDay.toFixed(1)}`;
}
