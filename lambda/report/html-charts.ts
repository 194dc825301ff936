/**
 * chart.js configurations of the HTML report, as plain JSON (no callbacks) so they can be embedded
 * in the page: modifications over time, hours per type per volume, cost per month, top volumes.
 * Animation is off: the charts are drawn at load, printable, and testable without waiting.
 */
import type { FinanceReport } from '../core/report/report';
import type { VolumeType } from '../core/types';
import { typesUsed } from './format';

/** How many volumes the per-volume charts show (the rest are in the table). */
export const TOP_VOLUMES = 15;

/** A chart.js configuration in JSON form. */
export interface ChartConfig {
  readonly type: 'bar' | 'line';
  readonly data: { readonly labels: readonly (string | readonly string[])[]; readonly datasets: readonly { readonly label: string; readonly data: readonly number[]; readonly backgroundColor: string; readonly borderColor?: string; readonly stack?: string }[] };
  readonly options: Record<string, unknown>;
}

const TYPE_COLORS: Readonly<Record<VolumeType, string>> = {
  gp2: '#4e79a7',
  gp3: '#59a14f',
  io1: '#e15759',
  io2: '#b07aa1',
  st1: '#f28e2b',
  sc1: '#9c755f',
  standard: '#bab0ac',
};

const COST_COLORS = { actual: '#1f3b73', unaided: '#9aa7b8', gp3: '#59a14f' } as const;

const round2 = (x: number): number => Math.round(x * 100) / 100;

function baseOptions(title: string, yTitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
    scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } },
    ...extra,
  };
}

/** Rescues, reverts and failures per day (or month), stacked. */
export function modificationsChart(report: FinanceReport): ChartConfig {
  const b = report.timeline.buckets;
  return {
    type: 'bar',
    data: {
      labels: b.map((x) => x.label),
      datasets: [
        { label: 'rescues', data: b.map((x) => x.rescues), backgroundColor: '#e15759', stack: 'm' },
        { label: 'reverts', data: b.map((x) => x.reverts), backgroundColor: '#4e79a7', stack: 'm' },
        { label: 'failed', data: b.map((x) => x.failed), backgroundColor: '#bab0ac', stack: 'm' },
      ],
    },
    options: baseOptions(`Modifications per ${report.timeline.bucket} (UTC)`, 'modifications', {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'modifications' } } },
    }),
  };
}

/**
 * Hours on each type other than the volume's original one, per volume (top volumes), stacked: the
 * original type fills the rest of the period and would dwarf the flips (the table lists it).
 */
export function hoursPerTypeChart(report: FinanceReport): ChartConfig {
  const volumes = report.volumes.slice(0, TOP_VOLUMES);
  const offOriginal = volumes.map((v) => Object.fromEntries(Object.entries(v.secondsByType).filter(([t]) => t !== v.originalType)) as Partial<Record<VolumeType, number>>);
  const types = typesUsed(offOriginal);
  return {
    type: 'bar',
    data: {
      labels: volumes.map((v) => [v.volumeId, `from ${v.originalType ?? '?'}`]),
      datasets: types.map((t) => ({ label: t, data: offOriginal.map((s) => round2((s[t] ?? 0) / 3_600)), backgroundColor: TYPE_COLORS[t], stack: 'h' })),
    },
    options: baseOptions('Hours on rescue types per volume (the rest of the period on its original type)', 'hours', {
      indexAxis: 'y',
      scales: { x: { stacked: true, beginAtZero: true, title: { display: true, text: 'hours' } }, y: { stacked: true, ticks: { autoSkip: false } } },
    }),
  };
}

/** Fleet cost per calendar month: actual vs unaided vs gp3 for good. */
export function costPerMonthChart(report: FinanceReport): ChartConfig {
  const m = report.months;
  return {
    type: 'bar',
    data: {
      labels: m.map((x) => x.month),
      datasets: [
        { label: 'actual (with the guardian)', data: m.map((x) => round2(x.actualUSD)), backgroundColor: COST_COLORS.actual },
        { label: 'unaided (original type)', data: m.map((x) => round2(x.unaidedUSD)), backgroundColor: COST_COLORS.unaided },
        { label: 'gp3 for good', data: m.map((x) => round2(x.allGp3USD)), backgroundColor: COST_COLORS.gp3 },
      ],
    },
    options: baseOptions('Cost per month (USD)', 'USD'),
  };
}

/** The most modified volumes: their cost for the period under each alternative. */
export function topVolumesChart(report: FinanceReport): ChartConfig {
  const volumes = report.volumes.filter((v) => v.cost !== undefined).slice(0, TOP_VOLUMES);
  return {
    type: 'bar',
    data: {
      // Two-line labels (chart.js draws an array as lines): narrow enough for a phone's axis.
      labels: volumes.map((v) => [v.volumeId, `${v.modifications.rescue + v.modifications.revert} flips`]),
      datasets: [
        { label: 'actual', data: volumes.map((v) => round2(v.cost?.actualUSD ?? 0)), backgroundColor: COST_COLORS.actual },
        { label: 'unaided', data: volumes.map((v) => round2(v.cost?.unaidedUSD ?? 0)), backgroundColor: COST_COLORS.unaided },
        { label: 'gp3 for good', data: volumes.map((v) => round2(v.cost?.allGp3USD ?? 0)), backgroundColor: COST_COLORS.gp3 },
      ],
    },
    // Horizontal bars: a volume id stays readable as a label on a 390 px phone.
    options: baseOptions('Top volumes by modifications: cost for the period (USD)', 'USD', {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, title: { display: true, text: 'USD' } }, y: { ticks: { autoSkip: false } } },
    }),
  };
}

/** Canvas height for a chart: horizontal bar charts grow with their bars so labels are never crushed. */
export function chartHeightPx(chart: ChartConfig): number {
  if (chart.options['indexAxis'] !== 'y') return 320;
  const bars = chart.data.labels.length;
  const stacked = chart.data.datasets.every((d) => d.stack !== undefined);
  return Math.max(260, 110 + bars * (stacked ? 34 : 14 + 10 * chart.data.datasets.length));
}

/** Every chart of the report, by canvas id. */
export function reportCharts(report: FinanceReport): Record<string, ChartConfig> {
  return {
    'chart-modifications': modificationsChart(report),
    'chart-hours': hoursPerTypeChart(report),
    'chart-cost-month': costPerMonthChart(report),
    'chart-top-volumes': topVolumesChart(report),
  };
}
