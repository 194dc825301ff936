/**
 * D-state threads: threads in uninterruptible sleep, read from `/proc/PID/task/TID/stat` (proc(5)).
 * In the seed, `systemd-udevd` and `kworker` threads sat in D state while the volume was throttled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Parsed head of a `stat` line. */
export interface TaskStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
}

/** D-state census at one instant. */
export interface DStateCensus {
  readonly threads: number;
  /** Process names with the most D-state threads, most first (ties by name). */
  readonly top: readonly { readonly name: string; readonly threads: number }[];
  /** Tasks scanned (for "the reader saw something" checks). */
  readonly tasksScanned: number;
}

/**
 * Parses `pid (comm) state …`. `comm` may hold spaces and parentheses, so the state is the field
 * after the *last* `)` (proc(5)). Returns undefined for a malformed line.
 */
export function parseTaskStat(line: string): TaskStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const state = line.slice(close + 1).trim().split(/\s+/)[0];
  if (!Number.isInteger(pid) || state === undefined || state === '') return undefined;
  return { pid, comm: line.slice(open + 1, close), state };
}

/** Counts D-state threads under `procRoot` (default `/proc`); tasks that vanish mid-scan are skipped. */
export function countDStateThreads(procRoot = '/proc', topN = 5): DStateCensus {
  const byName = new Map<string, number>();
  let threads = 0;
  let tasksScanned = 0;
  for (const pid of readdirSync(procRoot)) {
    if (!/^\d+$/.test(pid)) continue;
    for (const stat of readTaskStats(join(procRoot, pid, 'task'))) {
      tasksScanned++;
      if (stat.state !== 'D') continue;
      threads++;
      byName.set(stat.comm, (byName.get(stat.comm) ?? 0) + 1);
    }
  }
  const top = [...byName]
    .map(([name, count]) => ({ name, threads: count }))
    .sort((a, b) => b.threads - a.threads || a.name.localeCompare(b.name))
    .slice(0, topN);
  return { threads, top, tasksScanned };
}

function readTaskStats(taskDir: string): TaskStat[] {
  let tids: string[];
  try {
    tids = readdirSync(taskDir);
  } catch {
    return []; // the process exited between readdir and here
  }
  const stats: TaskStat[] = [];
  for (const tid of tids) {
    try {
      const parsed = parseTaskStat(readFileSync(join(taskDir, tid, 'stat'), 'utf8'));
      if (parsed !== undefined) stats.push(parsed);
    } catch {
      // the thread exited mid-scan: not an error
    }
  }
  return stats;
}
