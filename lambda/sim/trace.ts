/**
 * Trace CSV replay input: header `t_seconds,read_ops,write_ops`, one row per fixed step, ops counted
 * over the row's interval (demand is constant inside a row). Errors name the file and line.
 */
import { readFileSync } from 'node:fs';
import { SimulationInputError } from '../core/errors';

/** One trace row: operations over [tSeconds, tSeconds + step). */
export interface TraceRow {
  readonly tSeconds: number;
  readonly readOps: number;
  readonly writeOps: number;
}

/** A validated trace: rows at a fixed step, starting at the first row's time. */
export interface Trace {
  readonly file: string;
  readonly stepSeconds: number;
  readonly rows: readonly TraceRow[];
  /** Seconds the trace covers (rows × step). */
  readonly durationSeconds: number;
}

const HEADER = ['t_seconds', 'read_ops', 'write_ops'];

/** Parses and validates trace text; `file` is only used in error messages. */
export function parseTrace(text: string, file: string): Trace {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',').map((cell) => cell.trim());
  if (header.join(',') !== HEADER.join(',')) {
    throw new SimulationInputError(`expected header '${HEADER.join(',')}', got '${lines[0] ?? ''}'`, file, 1);
  }
  const rows: TraceRow[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    rows.push(parseRow(line, file, index + 1));
  }
  const first = rows[0];
  if (first === undefined) throw new SimulationInputError('the trace has no data rows', file);
  const second = rows[1];
  const stepSeconds = second === undefined ? 60 : second.tSeconds - first.tSeconds;
  if (!(stepSeconds > 0)) throw new SimulationInputError(`t_seconds must increase (step ${stepSeconds})`, file, nextDataLine(lines, nextDataLine(lines, 1)));
  let lineNumber = 1;
  for (let i = 0; i < rows.length; i += 1) {
    lineNumber = nextDataLine(lines, lineNumber);
    const expected = first.tSeconds + i * stepSeconds;
    const row = rows[i];
    if (row !== undefined && Math.abs(row.tSeconds - expected) > 1e-6 * Math.max(1, stepSeconds)) {
      throw new SimulationInputError(`t_seconds ${row.tSeconds} breaks the fixed step of ${stepSeconds} s (expected ${expected})`, file, lineNumber);
    }
  }
  const rebased = rows.map((row) => ({ ...row, tSeconds: row.tSeconds - first.tSeconds }));
  return { file, stepSeconds, rows: rebased, durationSeconds: rows.length * stepSeconds };
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

/** The 1-based line number of the next non-blank line after `afterLine`. */
function nextDataLine(lines: readonly string[], afterLine: number): number {
  let lineNumber = afterLine + 1;
  while (lineNumber <= lines.length && (lines[lineNumber - 1] ?? '').trim() === '') lineNumber += 1;
  return lineNumber;
}
