/**
 * The fixed benchmark suite: every synthetic workload family × several gp2 sizes and amplitudes,
 * a few st1/sc1 volumes, every `iops.csv` under `--traces` at several gp2 sizes, and the recordings
 * of real spiky disk activity (`--recorded`, default test/fixtures/traces) at several amplitudes and
 * sizes, each looped to a day. Cases are grouped `smooth` or `spiky` (minute-scale bursts with idle
 * minutes between them). Seeds are derived from the case index, so the suite is the same on every run.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BurstableVolumeType } from '../../lambda/core/types';

/** One volume-trace of the suite. */
export interface BenchCase {
  readonly family: string;
  /** `spiky`: bursts of minutes with idle minutes between them (recordings, ci-host, spikes); else `smooth`. */
  readonly group: 'smooth' | 'spiky';
  readonly name: string;
  readonly volume: { readonly type: BurstableVolumeType; readonly sizeGiB: number };
  /** A scenario string (`constant:IOPS`, `diurnal:PEAK`, …) or a trace file path. */
  readonly workload: { readonly scenario: string } | { readonly traceFile: string; readonly scale: number };
  readonly durationSeconds: number;
  readonly seed: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
const GP2_SIZES_GIB = [10, 50, 100, 200, 400, 750];
const TRACE_SIZES_GIB = [20, 50, 100, 200, 400];
/** Recordings: amplitude factors × gp2 sizes, some where the bucket empties and some where it never does. */
const RECORDED_SCALES = [2, 4, 8, 16];
const RECORDED_SIZES_GIB = [20, 50, 100, 200, 500];
/** Each recording is looped to this length. */
const RECORDED_DURATION_SECONDS = 1 * DAY;
/** Synthetic families with minute-scale bursts and idle minutes between them. */
const SPIKY_FAMILIES = new Set(['ci-host', 'spikes']);

/** Amplitudes per synthetic family (the scenario argument) and how long each runs. */
const FAMILIES: readonly { family: string; args: readonly number[]; durationSeconds: number }[] = [
  { family: 'constant', args: [500, 1200, 2200, 3000, 4000], durationSeconds: 1 * DAY },
  { family: 'diurnal', args: [700, 1400, 2100, 2800], durationSeconds: 4 * DAY },
  { family: 'ci-host', args: [4, 8, 16, 32], durationSeconds: 2 * DAY },
  { family: 'nightly-batch', args: [1200, 2400, 3000], durationSeconds: 4 * DAY },
  { family: 'spikes', args: [1500, 3000], durationSeconds: 3 * DAY },
  { family: 'step', args: [800, 1500, 3000], durationSeconds: 1 * DAY },
];

/** st1/sc1 volumes (1 MiB I/Os in the simulator): scenario args are IOPS = MiB/s. */
const HDD_CASES: readonly { type: BurstableVolumeType; sizeGiB: number; scenario: string }[] = [
  { type: 'st1', sizeGiB: 500, scenario: 'constant:200' },
  { type: 'st1', sizeGiB: 2000, scenario: 'nightly-batch:400' },
  { type: 'st1', sizeGiB: 1000, scenario: 'diurnal:300' },
  { type: 'sc1', sizeGiB: 1000, scenario: 'constant:60' },
  { type: 'sc1', sizeGiB: 2000, scenario: 'nightly-batch:120' },
  { type: 'sc1', sizeGiB: 3000, scenario: 'spikes:200' },
];

/** Every file below `dir` whose name passes `accept` (default: `iops.csv`), sorted. */
export function findTraceFiles(dir: string, accept: (name: string) => boolean = (name) => name === 'iops.csv'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTraceFiles(path, accept));
    else if (accept(name)) out.push(path);
  }
  return out;
}

/** The recordings under `dir`: every `*.csv`. */
export function findRecordedTraces(dir: string): string[] {
  return findTraceFiles(dir, (name) => name.endsWith('.csv'));
}

/** Builds the suite; `traceDir` adds every trace under it at each of the trace sizes. */
export function buildSuite(options: { readonly traceDir?: string; readonly recordedDir?: string; readonly traceDurationSeconds: (file: string) => number }): BenchCase[] {
  const cases: Omit<BenchCase, 'seed'>[] = [];
  for (const { family, args, durationSeconds } of FAMILIES) {
    const group = SPIKY_FAMILIES.has(family) ? 'spiky' : 'smooth';
    for (const arg of args) {
      for (const sizeGiB of GP2_SIZES_GIB) {
        cases.push({ family, group, name: `${family}:${arg} gp2 ${sizeGiB} GiB`, volume: { type: 'gp2', sizeGiB }, workload: { scenario: `${family}:${arg}` }, durationSeconds });
      }
    }
  }
  for (const hdd of HDD_CASES) {
    cases.push({ family: 'st1/sc1', group: 'smooth', name: `${hdd.scenario} ${hdd.type} ${hdd.sizeGiB} GiB`, volume: { type: hdd.type, sizeGiB: hdd.sizeGiB }, workload: { scenario: hdd.scenario }, durationSeconds: 3 * DAY });
  }
  if (options.traceDir !== undefined) {
    for (const file of findTraceFiles(options.traceDir)) {
      const label = relative(options.traceDir, file);
      for (const sizeGiB of TRACE_SIZES_GIB) {
        cases.push({ family: 'trace', group: 'smooth', name: `${label} gp2 ${sizeGiB} GiB`, volume: { type: 'gp2', sizeGiB }, workload: { traceFile: file, scale: 1 }, durationSeconds: options.traceDurationSeconds(file) });
      }
    }
  }
  if (options.recordedDir !== undefined) {
    for (const file of findRecordedTraces(options.recordedDir)) {
      const label = relative(options.recordedDir, file);
      for (const scale of RECORDED_SCALES) {
        for (const sizeGiB of RECORDED_SIZES_GIB) {
          cases.push({ family: 'recorded', group: 'spiky', name: `${label} ×${scale} gp2 ${sizeGiB} GiB`, volume: { type: 'gp2', sizeGiB }, workload: { traceFile: file, scale }, durationSeconds: RECORDED_DURATION_SECONDS });
        }
      }
    }
  }
  return cases.map((c, index) => ({ ...c, seed: 1000 + index }));
}
