/**
 * A terminal chart of BurstBalance over time with event markers underneath, in plain text so it
 * survives CI logs and `less`.
 */

/** One sampled value; `undefined` means no bucket (e.g. after a flip to gp3). */
export interface ChartPoint {
  readonly tSeconds: number;
  readonly value: number | undefined;
}

/** A marker under the time axis (e.g. `A` alert, `X` exhaustion). */
export interface ChartMarker {
  readonly tSeconds: number;
  readonly symbol: string;
}

/** What to draw. */
export interface BalanceChartOptions {
  readonly points: readonly ChartPoint[];
  readonly durationSeconds: number;
  readonly markers?: readonly ChartMarker[];
  /** Plot columns. @default 72 */
  readonly width?: number;
  /** Plot rows for 0–100 %. @default 10 */
  readonly height?: number;
  readonly title?: string;
}

/** Renders the chart as lines of text (no trailing newline). Each column shows the lowest value in its time slice. */
export function renderBalanceChart(options: BalanceChartOptions): string {
  const width = Math.max(10, options.width ?? 72);
  const height = Math.max(4, options.height ?? 10);
  const span = Math.max(options.durationSeconds, 1);
  const columnOf = (tSeconds: number): number => Math.min(width - 1, Math.max(0, Math.floor((tSeconds / span) * width)));
  const lowest: (number | undefined)[] = new Array<number | undefined>(width).fill(undefined);
  for (const point of options.points) {
    if (point.value === undefined || !Number.isFinite(point.value)) continue;
    const column = columnOf(point.tSeconds);
    const current = lowest[column];
    lowest[column] = current === undefined ? point.value : Math.min(current, point.value);
  }
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(options.title);
  for (let row = height; row >= 1; row -= 1) {
    const rowTop = (100 * row) / height;
    const rowBottom = (100 * (row - 1)) / height;
    const label = row === height ? '100%' : row === Math.ceil(height / 2) ? ' 50%' : row === 1 ? '  0%' : '    ';
    const cells = lowest.map((value) => cellFor(value, rowBottom, rowTop));
    lines.push(`${label} |${cells.join('')}`);
  }
  lines.push(`     +${'-'.repeat(width)}`);
  const markerRow: string[] = new Array<string>(width).fill(' ');
  for (const marker of options.markers ?? []) {
    const column = columnOf(marker.tSeconds);
    // An exhaustion marker wins over an alert in the same column: it is the fact the alert predicted.
    if (markerRow[column] === ' ' || marker.symbol === 'X') markerRow[column] = marker.symbol;
  }
  if ((options.markers ?? []).length > 0) lines.push(`      ${markerRow.join('').trimEnd()}`);
  lines.push(`      ${axisLabels(span, width)}`);
  return lines.join('\n');
}

function cellFor(value: number | undefined, rowBottom: number, rowTop: number): string {
  if (value === undefined) return ' ';
  if (value >= rowTop - 1e-9) return '#';
  if (value > rowBottom + (rowTop - rowBottom) / 2) return '+';
  if (value > rowBottom || (rowBottom === 0 && value >= 0)) return rowBottom === 0 && value <= 0.5 ? '_' : '.';
  return ' ';
}

function axisLabels(spanSeconds: number, width: number): string {
  const hours = spanSeconds / 3600;
  const ticks = 4;
  let text = '';
  for (let i = 0; i <= ticks; i += 1) {
    const label = `${formatHours((hours * i) / ticks)}`;
    const column = Math.min(width - label.length, Math.round((width * i) / ticks) - (i === 0 ? 0 : Math.ceil(label.length / 2)));
    if (column > text.length) text = text.padEnd(column) + label;
    else if (i === 0) text = label;
  }
  return text;
}

/** Formats hours compactly: `0h`, `2.5h`, `36h`. */
export function formatHours(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)}h`;
}
