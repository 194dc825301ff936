/**
 * Converts a `scripts/record-diskstats.ts` recording into a replayable trace
 * (`t_seconds,read_ops,write_ops`, one row per --step seconds, ops completed in that step):
 *
 *   tsx scripts/diskstats-to-trace.ts recordings/disk.csv --device vda --step 60 > trace.csv
 *
 * Counters are cumulative since boot, so each row is the difference of the samples at its edges.
 * A step without samples at both edges (the recorder was stopped or stalled) gets no row: the trace
 * reader treats missing rows as no data, never as idle minutes that were measured.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { device: { type: 'string', default: 'vda' }, step: { type: 'string', default: '60' } },
});
const step = Number(values.step);
const file = positionals[0];
if (file === undefined || !(step > 0)) {
  console.error('usage: diskstats-to-trace.ts RECORDING.csv [--device vda] [--step 60]');
  process.exit(2);
}

interface Sample {
  readonly tSeconds: number;
  readonly reads: number;
  readonly writes: number;
}

const samples: Sample[] = [];
for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
  if (line === '' || line.startsWith('#')) continue;
  const [ms, device, reads, writes] = line.split(',');
  if (device !== values.device) continue;
  const sample = { tSeconds: Number(ms) / 1000, reads: Number(reads), writes: Number(writes) };
  if (![sample.tSeconds, sample.reads, sample.writes].every(Number.isFinite)) {
    console.error(`${file}:${index + 1}: not a recorder line: '${line}'`);
    process.exit(2);
  }
  samples.push(sample);
}
if (samples.length < 2) {
  console.error(`${file}: fewer than two samples of device ${values.device}`);
  process.exit(2);
}

/** The counters at time t, interpolated between the samples around it; undefined across a stall (> 5 s). */
function countersAt(t: number, from: number): { value: Sample | undefined; index: number } {
  let i = from;
  while (i + 1 < samples.length && (samples[i + 1]?.tSeconds ?? Infinity) <= t) i += 1;
  const a = samples[i];
  const b = samples[i + 1];
  if (a === undefined || b === undefined || a.tSeconds > t || b.tSeconds - a.tSeconds > 5) return { value: undefined, index: i };
  if (b.reads < a.reads || b.writes < a.writes) return { value: undefined, index: i }; // counter reset (reboot)
  const f = (t - a.tSeconds) / (b.tSeconds - a.tSeconds);
  return { value: { tSeconds: t, reads: a.reads + f * (b.reads - a.reads), writes: a.writes + f * (b.writes - a.writes) }, index: i };
}

const first = samples[0]?.tSeconds ?? 0;
const start = Math.ceil(first / step) * step;
const out = ['t_seconds,read_ops,write_ops'];
let index = 0;
let previous = countersAt(start, 0);
for (let t = start + step; t <= (samples.at(-1)?.tSeconds ?? 0); t += step) {
  const current = countersAt(t, index);
  index = current.index;
  if (previous.value !== undefined && current.value !== undefined) {
    out.push(`${t - step - start},${Math.round(current.value.reads - previous.value.reads)},${Math.round(current.value.writes - previous.value.writes)}`);
  }
  previous = current;
}
process.stdout.write(`${out.join('\n')}\n`);
