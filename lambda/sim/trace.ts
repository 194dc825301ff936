/**
 * Trace CSV replay input: header `t_seconds,read_ops,write_ops`, one row per fixed step, ops counted
 * over the row's interval (demand is constant inside a row). Rows may be missing: a real host's
 * recording has gaps (logging stopped, host down, volume detached). A missing row is no data for that
 * step, never zero demand recorded: the replay idles the volume (it refills) and the simulated
 * CloudWatch publishes nothing for those minutes, as AWS publishes nothing for a detached volume or a
 * stopped instance (https://docs.aws.amazon.com/ebs/latest/userguide/using_cloudwatch_ebs.html).
 * Errors name the file and line.
 */
import { readFileSync } from 'node:fs';
import { SimulationInputError } from '../core/errors';

/** One trace row: operations over [tSeconds, tSeconds + step). */
export interface TraceRow {
  readonly tSeconds: number;
  readonly readOps: number;
  readonly writeOps: number;
}

/** A stretch of the trace with no rows, seconds from the trace start: [fromSeconds, toSeconds). */
export interface TraceGap {
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/** A validated trace: rows on a fixed step grid, starting at the first row's time. */
export interface Trace {
  readonly file: string;
  readonly stepSeconds: number;
  /** Rows rebased to start at 0, ascending; missing steps are absent (see `gaps`). */
  readonly rows: readonly TraceRow[];
  /** Missing stretches between rows, ascending. */
  readonly gaps: readonly TraceGap[];
  /** Seconds the trace covers, first row to the end of the last row, gaps included. */
  readonly durationSeconds: number;
}

const HEADER = ['t_seconds', 'read_ops', 'write_ops'];

/**
 * Parses and validates trace text; `file` is only used in error messages. The step is the smallest
 * distance between consecutive rows; every row must lie on that grid, so a gap is a whole number of
 * missing steps and a misaligned time is an error.
 */
export function parseTrace(text: string, file: string): Trace {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',').map((cell) => cell.trim());
  if (header.join(',') !== HEADER.join(',')) {
    throw new SimulationInputError(`expected header '${HEADER.join(',')}', got '${lines[0] ?? ''}'`, file, 1);
  }
  const rows: { row: TraceRow; line: number }[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    rows.push({ row: parseRow(line, file, index + 1), line: index + 1 });
  }
  const first = rows[0]?.row;
  if (first === undefined) throw new SimulationInputError('the trace has no data rows', file);
  let stepSeconds = Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows.length; i += 1) {
    const current = rows[i];
    const step = (current?.row.tSeconds ?? 0) - (rows[i - 1]?.row.tSeconds ?? 0);
    if (!(step > 0)) throw new SimulationInputError(`t_seconds must increase (step ${step})`, file, current?.line);
    stepSeconds = Math.min(stepSeconds, step);
  }
  if (!Number.isFinite(stepSeconds)) stepSeconds = 60;
  const gaps: TraceGap[] = [];
  for (let i = 1; i < rows.length; i += 1) {
    const { row, line } = rows[i] ?? { row: first, line: 0 };
    const steps = (row.tSeconds - first.tSeconds) / stepSeconds;
    if (Math.abs(steps - Math.round(steps)) > 1e-6) {
      throw new SimulationInputError(`t_seconds ${row.tSeconds} is off the ${stepSeconds} s step grid (expected ${first.tSeconds} + k × ${stepSeconds})`, file, line);
    }
    const previousEnd = (rows[i - 1]?.row.tSeconds ?? 0) + stepSeconds - first.tSeconds;
    if (row.tSeconds - first.tSeconds > previousEnd + 1e-6 * stepSeconds) gaps.push({ fromSeconds: previousEnd, toSeconds: row.tSeconds - first.tSeconds });
  }
  const rebased = rows.map(({ row }) => ({ ...row, tSeconds: row.tSeconds - first.tSeconds }));
  const last = rebased.at(-1) ?? first;
  return { file, stepSeconds, rows: rebased, gaps, durationSeconds: last.tSeconds + stepSeconds };
}

/** Reads and parses a trace file; an unreadable file is a `SimulationInputError` naming it. */
export function readTraceFile(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new SimulationInputError(`cannot read trace (${reason})`, path, undefined, { cause: error });
  }
  return parseTrace(text, path);
}

function parseRow(line: string, file: string, lineNumber: number): TraceRow {
  const cells = line.split(',').map((cell) => cell.trim());
  if (cells.length !== HEADER.length) {
    throw new SimulationInputError(`expected ${HEADER.length} columns, got ${cells.length}`, file, lineNumber);
  }
  const values = cells.map((cell, column) => {
    const value = cell === '' ? Number.NaN : Number(cell);
    if (!Number.isFinite(value) || value < 0) {
      throw new SimulationInputError(`${HEADER[column]} must be a non-negative number, got '${cell}'`, file, lineNumber);
    }
    return value;
  });
  const [tSeconds = 0, readOps = 0, writeOps = 0] = values;
  return { tSeconds, readOps, writeOps };
}

/**
 * The trace with every row's ops multiplied by `factor`, repeated end to end until it covers at
 * least `minDurationSeconds` (a short recording replayed for a day: its gaps repeat too).
 */
export function scaleTrace(trace: Trace, factor: number, minDurationSeconds = trace.durationSeconds): Trace {
  const repeats = Math.max(1, Math.ceil(minDurationSeconds / trace.durationSeconds));
  const rows: TraceRow[] = [];
  const gaps: TraceGap[] = [];
  for (let k = 0; k < repeats; k += 1) {
    const offset = k * trace.durationSeconds;
    for (const row of trace.rows) rows.push({ tSeconds: row.tSeconds + offset, readOps: row.readOps * factor, writeOps: row.writeOps * factor });
    for (const gap of trace.gaps) gaps.push({ fromSeconds: gap.fromSeconds + offset, toSeconds: gap.toSeconds + offset });
  }
  return { file: trace.file, stepSeconds: trace.stepSeconds, rows, gaps, durationSeconds: repeats * trace.durationSeconds };
}
