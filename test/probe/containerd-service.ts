/**
 * Test helper: a real, private containerd (Debian's `containerd`, installed by
 * scripts/setup-container-runtime.sh) on its own root, state and socket, with the busybox test
 * image imported, started and stopped by the tests themselves; containers run with `ctr run --rm`.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROBE_CACHE_DIR } from '../../lib/probe-runtime';
import { PROBE_IMAGE, requirePodman } from './podman-service';

const execFileAsync = promisify(execFile);
const NAMESPACE = 'probe-test';

/** A running private containerd. */
export interface ContainerdService {
  readonly socketPath: string;
  readonly stop: () => Promise<void>;
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath, () => (socket.end(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** The busybox test image as a docker-archive, exported from Podman once. */
function busyboxArchive(): string {
  const path = join(PROBE_CACHE_DIR, 'busybox-probe.tar');
  if (existsSync(path)) return path;
  requirePodman();
  mkdirSync(PROBE_CACHE_DIR, { recursive: true });
  const save = spawnSync('podman', ['save', '--format', 'docker-archive', '-o', `${path}.partial`, PROBE_IMAGE], { encoding: 'utf8' });
  if (save.status !== 0) throw new Error(`podman save ${PROBE_IMAGE}: ${save.stderr}`);
  spawnSync('mv', [`${path}.partial`, path]);
  return path;
}

/** Starts containerd (CRI plugin off) and imports the test image; fails loudly without containerd. */
export async function startContainerd(): Promise<ContainerdService> {
  if (spawnSync('containerd', ['--version']).status !== 0) throw new Error('containerd is not installed: run `sudo bash scripts/setup-container-runtime.sh` first');
  // Short path: a unix socket path must stay under 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'bpc-'));
  const socketPath = join(dir, 'c.sock');
  writeFileSync(join(dir, 'config.toml'), [
    'version = 2', `root = "${dir}/root"`, `state = "${dir}/state"`, 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]', `  address = "${socketPath}"`, '[ttrpc]', `  address = "${socketPath}.ttrpc"`,
  ].join('\n'));
  const child: ChildProcess = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100 && !(await answers(socketPath)); attempt++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const imported = spawnSync('ctr', ['-a', socketPath, '-n', NAMESPACE, 'image', 'import', '--snapshotter', 'native', busyboxArchive()], { encoding: 'utf8' });
  if (imported.status !== 0) {
    await stop();
    throw new Error(`containerd did not come up or import failed: ${imported.stderr} ${stderr}`);
  }
  return { socketPath, stop };
}

/** Runs `ctr run --rm IMAGE /bin/true` `count` times in a row. */
export async function runContainersWithCtr(service: ContainerdService, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await execFileAsync('ctr', ['-a', service.socketPath, '-n', NAMESPACE, 'run', '--rm', '--snapshotter', 'native', PROBE_IMAGE, `probe-test-${process.pid}-${i}`, '/bin/true']);
  }
}
