import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countDStateThreads, parseTaskStat } from '../../lambda/probe/d-state';

const PROC_FIXTURE = join(__dirname, '..', 'fixtures', 'probe', 'proc');

describe('parseTaskStat', () => {
  it.each([
    ['42 (systemd-udevd) D 1 42', { pid: 42, comm: 'systemd-udevd', state: 'D' }],
    ['7 (kworker/u4:2-flush-259:0) D 2 0', { pid: 7, comm: 'kworker/u4:2-flush-259:0', state: 'D' }],
    ['99 (my (odd) name) S 1 99', { pid: 99, comm: 'my (odd) name', state: 'S' }],
    ['5 (a b) R', { pid: 5, comm: 'a b', state: 'R' }],
    ['not a stat line', undefined],
    ['(x) D 1', undefined],
    ['12 (x)', undefined],
  ])('parses %j', (line, expected) => {
    expect(parseTaskStat(line)).toEqual(expected);
  });
});

describe('countDStateThreads', () => {
  it('counts D-state threads per process name in a fixture /proc, most first', () => {
    expect(countDStateThreads(PROC_FIXTURE)).toEqual({
      threads: 4,
      top: [
        { name: 'systemd-udevd', threads: 2 },
        { name: 'kworker/u4:2-flush-259:0', threads: 1 },
        { name: 'my (odd) name', threads: 1 },
      ],
      tasksScanned: 6,
    });
  });

  it('limits the top list', () => {
    expect(countDStateThreads(PROC_FIXTURE, 1).top).toEqual([{ name: 'systemd-udevd', threads: 2 }]);
  });

  it('reads the real /proc, seeing at least this test runner\'s own threads', () => {
    const census = countDStateThreads('/proc');
    expect(census.tasksScanned).toBeGreaterThan(1);
    expect(census.threads).toBeGreaterThanOrEqual(0);
    expect(census.threads).toBeLessThanOrEqual(census.tasksScanned);
  });

  it('throws when the proc root does not exist', () => {
    expect(() => countDStateThreads(join(PROC_FIXTURE, 'missing'))).toThrow(/ENOENT/);
  });
});
