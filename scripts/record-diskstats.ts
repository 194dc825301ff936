/**
 * Records this machine's block-device activity from /proc/diskstats for the forecast benchmark's
 * spiky traces (issue 16). One CSV line per sample: unix ms, device, cumulative reads and writes
 * completed, cumulative sectors read and written (fields 4, 8, 6, 10 of
 * https://www.kernel.org/doc/Documentation/ABI/testing/procfs-diskstats).
 *
 *   tsx scripts/record-diskstats.ts --out recordings/disk.csv --seconds 6000 [--interval 1] [--device vda]
 *
 * Bounded by --seconds; appends, so a restarted recorder continues the same file (the converter treats
 * the pause as a gap). Output goes to the gitignored recordings/ folder; scripts/diskstats-to-trace.ts
 * turns it into a `t_seconds,read_ops,write_ops` trace.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'recordings/diskstats.csv' },
    seconds: { type: 'string', default: '3600' },
    interval: { type: 'string', default: '1' },
    device: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const interval = Number(values.interval);
if (!(seconds > 0) || !(interval > 0)) {
  console.error('record-diskstats: --seconds and --interval must be positive numbers');
  process.exit(2);
}
const out = values.out;
mkdirSync(dirname(out), { recursive: true });

/** Whole disks only: partitions would double-count their disk's I/O. */
function wholeDisk(name: string): boolean {
  return /^(vd[a-z]+|sd[a-z]+|xvd[a-z]+|nvme\d+n\d+)$/.test(name);
}

function sample(): string[] {
  const now = Date.now();
  const lines: string[] = [];
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2] ?? '';
    if (f.length < 14 || !(values.device === '' ? wholeDisk(name) : name === values.device)) continue;
    lines.push([now, name, f[3], f[7], f[5], f[9]].join(','));
  }
  return lines;
}

const stopAt = Date.now() + seconds * 1000;
appendFileSync(out, '# unix_ms,device,reads_completed,writes_completed,sectors_read,sectors_written\n');
const timer = setInterval(() => {
  if (Date.now() >= stopAt) {
    clearInterval(timer);
    return;
  }
  appendFileSync(out, sample().join('\n') + '\n');
}, interval * 1000);
appendFileSync(out, sample().join('\n') + '\n');
