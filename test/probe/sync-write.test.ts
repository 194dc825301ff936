import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureSyncWrite } from '../../lambda/probe/sync-write';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('measureSyncWrite', () => {
  it('writes N × 1 MiB with O_SYNC into a real directory and leaves nothing behind', () => {
    const result = measureSyncWrite(dir, 3);
    expect(result).toMatchObject({ directory: dir, writes: 3, bytesPerWrite: 1048576 });
    expect(result.totalMs).toBeGreaterThan(0);
    expect(result.maxMsPerWrite).toBeGreaterThanOrEqual(result.meanMsPerWrite);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([0, -1, 1.5])('rejects %s MiB', (mib) => {
    expect(() => measureSyncWrite(dir, mib)).toThrow(RangeError);
  });

  it('throws when the directory does not exist', () => {
    expect(() => measureSyncWrite(join(dir, 'missing'), 1)).toThrow(/ENOENT/);
  });
});
