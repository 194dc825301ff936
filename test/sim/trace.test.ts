import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulationInputError } from '../../lambda/core/errors';
import { createRng } from '../../lambda/sim/rng';
import { parseTrace, readTraceFile } from '../../lambda/sim/trace';
import { traceWorkload } from '../../lambda/sim/workloads';

describe('parseTrace', () => {
  it('reads a 10-second trace and replays ops per row as constant demand', () => {
    const trace = parseTrace('t_seconds,read_ops,write_ops\r\n100,1000,500\r\n110,0,30\r\n\r\n', 'a.csv');
    expect(trace.stepSeconds).toBe(10);
    expect(trace.durationSeconds).toBe(20);
    expect(trace.rows.map((r) => r.tSeconds)).toEqual([0, 10]);
    const workload = traceWorkload(trace)({ startEpochSeconds: 0, rng: createRng(1) });
    expect(workload.nextSegment()).toEqual({ durationSeconds: 10, readOpsPerSecond: 100, writeOpsPerSecond: 50 });
    expect(workload.nextSegment()).toEqual({ durationSeconds: 10, readOpsPerSecond: 0, writeOpsPerSecond: 3 });
    expect(workload.nextSegment()).toMatchObject({ durationSeconds: Number.POSITIVE_INFINITY, readOpsPerSecond: 0, writeOpsPerSecond: 0 });
  });

  it('accepts missing rows as gaps: no data there, the volume idles, the trace keeps its length', () => {
    // A real host's recording with a 3-minute logging gap (rows 180, 240, 300 missing).
    const trace = parseTrace('t_seconds,read_ops,write_ops\n0,60,0\n60,120,0\n120,0,60\n360,600,0\n', 'gappy.csv');
    expect(trace.stepSeconds).toBe(60);
    expect(trace.gaps).toEqual([{ fromSeconds: 180, toSeconds: 360 }]);
    expect(trace.durationSeconds).toBe(420);
    const workload = traceWorkload(trace)({ startEpochSeconds: 0, rng: createRng(1) });
    const segments = Array.from({ length: 5 }, () => workload.nextSegment());
    expect(segments.map((s) => s.durationSeconds)).toEqual([60, 60, 60, 180, 60]);
    expect(segments[3]).toEqual({ durationSeconds: 180, readOpsPerSecond: 0, writeOpsPerSecond: 0 });
    expect(segments[4]).toEqual({ durationSeconds: 60, readOpsPerSecond: 10, writeOpsPerSecond: 0 });
  });

  it('takes the step from the closest rows even when the trace starts with a gap', () => {
    const trace = parseTrace('t_seconds,read_ops,write_ops\n0,1,1\n300,1,1\n360,1,1\n', 'late.csv');
    expect(trace.stepSeconds).toBe(60);
    expect(trace.gaps).toEqual([{ fromSeconds: 60, toSeconds: 300 }]);
  });

  it.each([
    ['time,r,w\n0,1,1\n', /bad\.csv:1: expected header/],
    ['t_seconds,read_ops,write_ops\n', /bad\.csv: the trace has no data rows/],
    ['t_seconds,read_ops,write_ops\n0,1,1\n60,1\n', /bad\.csv:3: expected 3 columns, got 2/],
    ['t_seconds,read_ops,write_ops\n0,1,1\n60,x,1\n', /bad\.csv:3: read_ops must be a non-negative number, got 'x'/],
    ['t_seconds,read_ops,write_ops\n0,1,1\n60,1,-4\n', /bad\.csv:3: write_ops must be a non-negative number/],
    ['t_seconds,read_ops,write_ops\n0,1,1\n60,1,1\n130,1,1\n', /bad\.csv:4: t_seconds 130 is off the 60 s step grid/],
    ['t_seconds,read_ops,write_ops\n0,1,1\n\n60,1,1\n\n200,1,1\n', /bad\.csv:6: t_seconds 200 is off the 60 s step grid/],
    ['t_seconds,read_ops,write_ops\n60,1,1\n0,1,1\n', /bad\.csv:3: t_seconds must increase/],
    ['t_seconds,read_ops,write_ops\n0,1,1\n60,1,1\n60,1,1\n', /bad\.csv:4: t_seconds must increase/],
  ])('rejects a malformed trace, naming file and line (%#)', (text, message) => {
    expect(() => parseTrace(text, 'bad.csv')).toThrow(SimulationInputError);
    expect(() => parseTrace(text, 'bad.csv')).toThrow(message);
  });
});

describe('readTraceFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a trace from disk', () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(file, 't_seconds,read_ops,write_ops\n0,60,0\n60,120,0\n');
    expect(readTraceFile(file).rows).toHaveLength(2);
  });

  it('throws when the file cannot be read, naming it', () => {
    const file = join(dir, 'missing.csv');
    expect(() => readTraceFile(file)).toThrow(SimulationInputError);
    expect(() => readTraceFile(file)).toThrow(`${file}: cannot read trace (ENOENT)`);
  });
});
