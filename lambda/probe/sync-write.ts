/**
 * Sync-write latency: like `dd if=/dev/zero of=DIR/f bs=1M count=N oflag=sync` (the seed's hung
 * command), with O_SYNC writes through node:fs into a temporary file that is always removed.
 * Each 1 MiB write costs 4 I/O credits on gp2 (one credit per 256 KiB:
 * https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html), plus the journal's.
 */
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Result of one sync-write measurement, milliseconds. */
export interface SyncWriteResult {
  readonly directory: string;
  readonly writes: number;
  readonly bytesPerWrite: number;
  readonly totalMs: number;
  readonly meanMsPerWrite: number;
  readonly maxMsPerWrite: number;
}

const MIB = 1024 * 1024;

/** Writes `mebibytes` × 1 MiB with O_SYNC into a fresh file under `directory`, then removes it. Throws on I/O errors. */
export function measureSyncWrite(directory: string, mebibytes: number): SyncWriteResult {
  if (!Number.isInteger(mebibytes) || mebibytes < 1) throw new RangeError(`mebibytes must be a positive integer, got ${mebibytes}`);
  const block = Buffer.alloc(MIB);
  // A private directory so a crash never leaves a file with a guessable name behind in the data root.
  const workDir = mkdtempSync(join(directory, '.burst-probe-'));
  const perWrite: number[] = [];
  try {
    const fd = openSync(join(workDir, 'sync-write'), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_SYNC, 0o600);
    try {
      for (let i = 0; i < mebibytes; i++) {
        const t0 = performance.now();
        writeSync(fd, block, 0, MIB, i * MIB);
        perWrite.push(performance.now() - t0);
      }
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const totalMs = perWrite.reduce((a, b) => a + b, 0);
  return {
    directory,
    writes: perWrite.length,
    bytesPerWrite: MIB,
    totalMs: round(totalMs),
    meanMsPerWrite: round(totalMs / perWrite.length),
    maxMsPerWrite: round(Math.max(...perWrite)),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
