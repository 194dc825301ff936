/**
 * `npx tsx test/bench/probe-cost.ts [--seconds 30]`: measures what the probe itself costs on this
 * host, against a real Podman (started here on a private socket; run scripts/setup-container-runtime.sh
 * first). Prints measured numbers only; docs/probe.md quotes them.
 *   - device I/O (writes completed, /proc/diskstats of the data root's device) inside short windows
 *     around one sync-write measurement and one active run, where other processes add little noise;
 *   - the probe process's own CPU (process.cpuUsage) and /proc/self/io over a daemon run, passive only
 *     and passive + sync-write, while containers start in the background.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runActiveContainer } from '../../lambda/probe/active-run';
import { DockerEngineClient } from '../../lambda/probe/docker-engine-client';
import { main } from '../../lambda/probe/main';
import { measureSyncWrite } from '../../lambda/probe/sync-write';
import { findMount, parseMountInfo } from '../../lambda/probe/volume-identity';
import { PROBE_IMAGE, startPodmanService } from '../probe/podman-service';

interface DiskCounters { readsCompleted: number; writesCompleted: number; sectorsWritten: number }

/** /proc/diskstats counters of one major:minor (fields per Documentation/admin-guide/iostats.rst). */
function diskCounters(majorMinor: string): DiskCounters {
  const [major, minor] = majorMinor.split(':');
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === major && f[1] === minor) return { readsCompleted: Number(f[3]), writesCompleted: Number(f[7]), sectorsWritten: Number(f[9]) };
  }
  throw new Error(`no /proc/diskstats line for ${majorMinor}`);
}

/** /proc/self/io as numbers (proc(5)). */
function selfIo(): Record<string, number> {
  const io: Record<string, number> = {};
  for (const line of readFileSync('/proc/self/io', 'utf8').trim().split('\n')) {
    const [key, value] = line.split(':');
    if (key !== undefined && value !== undefined) io[key.trim()] = Number(value);
  }
  return io;
}

function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]));
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

async function windowed<T>(majorMinor: string, action: () => Promise<T> | T): Promise<{ writes: number; reads: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const d0 = diskCounters(majorMinor);
  await action();
  const d1 = diskCounters(majorMinor);
  const cpu = process.cpuUsage(cpu0);
  return { writes: d1.writesCompleted - d0.writesCompleted, reads: d1.readsCompleted - d0.readsCompleted, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Runs the probe daemon in-process for `seconds` while a container starts every ~2 s. */
async function daemonRun(socketPath: string, seconds: number, extraArgs: readonly string[]): Promise<{ cpuMs: number; io: Record<string, number>; intervals: number }> {
  const stop = new AbortController();
  let intervals = 0;
  const io = { stdout: () => void intervals++, stderr: () => undefined, env: {}, cwd: process.cwd() };
  // The container churn runs in its own shell: a reaped child's I/O is added to its parent's
  // /proc/self/io, so spawning `podman run` from this process would be counted as the probe's.
  const churn = spawn('sh', ['-c', `while :; do podman run --rm --network none ${PROBE_IMAGE} /bin/true; sleep 2; done`], { stdio: 'ignore' });
  const churnExited = new Promise((resolve) => churn.once('exit', resolve));
  const cpu0 = process.cpuUsage();
  const io0 = selfIo();
  setTimeout(() => stop.abort(), seconds * 1000);
  await main(['--interval', '5s', '--dry-run', '--json', '--socket', socketPath, '--volume-id', 'vol-0123456789abcdef0', '--instance-id', 'i-0123456789abcdef0', '--region', 'us-east-1', ...extraArgs], io, { stopSignal: stop.signal });
  const cpu = process.cpuUsage(cpu0);
  const ioDelta = diff(io0, selfIo());
  churn.kill('SIGTERM');
  await churnExited;
  return { cpuMs: (cpu.user + cpu.system) / 1000, io: ioDelta, intervals };
}

async function benchMain(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, repeats: { type: 'string', default: '10' } } });
  const seconds = Number(values.seconds);
  const repeats = Number(values.repeats);
  const service = await startPodmanService();
  try {
    const client = new DockerEngineClient({ socketPath: service.socketPath });
    const dataRoot = (await client.dataRoot()) ?? '/var/lib/containers/storage';
    const mount = findMount(parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')), dataRoot);
    if (mount === undefined) throw new Error(`no mount for ${dataRoot}`);
    const out: Record<string, unknown> = { dataRoot, device: `${mount.source} (${mount.majorMinor}, ${mount.fsType})` };

    const idle: Awaited<ReturnType<typeof windowed>>[] = [];
    const sync: Awaited<ReturnType<typeof windowed>>[] = [];
    const active: Awaited<ReturnType<typeof windowed>>[] = [];
    for (let i = 0; i < repeats; i++) {
      idle.push(await windowed(mount.majorMinor, () => new Promise((r) => setTimeout(r, 30))));
      sync.push(await windowed(mount.majorMinor, () => measureSyncWrite(dataRoot, 2)));
      active.push(await windowed(mount.majorMinor, () => runActiveContainer(client, { image: PROBE_IMAGE, command: ['date'] })));
    }
    const summary = (rows: typeof idle) => ({ deviceWritesMean: mean(rows.map((r) => r.writes)), deviceReadsMean: mean(rows.map((r) => r.reads)), cpuMsMean: Number(mean(rows.map((r) => r.cpuMs)).toFixed(2)) });
    out['idle30msWindow'] = summary(idle);
    out['syncWrite2MiB'] = summary(sync);
    out['activeRun'] = summary(active);

    const passive = await daemonRun(service.socketPath, seconds, ['--sync-write-mib', '0']);
    const withSync = await daemonRun(service.socketPath, seconds, []);
    const perHour = (r: typeof passive) => ({
      seconds, intervals: r.intervals, cpuMs: Number(r.cpuMs.toFixed(1)), cpuSecondsPerHour: Number(((r.cpuMs / 1000) * (3600 / seconds)).toFixed(2)),
      writeBytes: r.io['write_bytes'], readBytes: r.io['read_bytes'], syscw: r.io['syscw'], syscr: r.io['syscr'],
    });
    out['daemonPassive5sInterval'] = perHour(passive);
    out['daemonPassiveSync5sInterval'] = perHour(withSync);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await service.stop();
  }
}

await benchMain();
