/**
 * Test helper: a real Podman (runc) serving the Docker Engine API on a private unix socket, started
 * and stopped by the tests themselves. Requires scripts/setup-container-runtime.sh to have run.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The image the setup script imports. */
export const PROBE_IMAGE = 'localhost/busybox:probe';

const SETUP_HINT = 'run `sudo bash scripts/setup-container-runtime.sh` first (CI runs it from .ci/run)';

/** Throws a clear error when Podman or the test image is missing: never a silent skip. */
export function requirePodman(): void {
  const version = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) throw new Error(`podman is not installed: ${SETUP_HINT}`);
  const image = spawnSync('podman', ['image', 'exists', PROBE_IMAGE]);
  if (image.status !== 0) throw new Error(`podman image ${PROBE_IMAGE} is missing: ${SETUP_HINT}`);
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A running `podman system service`. */
export interface PodmanService {
  readonly socketPath: string;
  readonly stop: () => Promise<void>;
}

/**
 * A private Podman store (its own root, runroot and tmpdir, hence its own event log): tests in
 * other files, running at the same time, neither see its containers nor show theirs to it.
 */
export interface PodmanWorld {
  /** Global flags selecting the store, for every podman command in this world. */
  readonly flags: readonly string[];
  /** The store's graph root: what /info reports as the data root. */
  readonly graphRoot: string;
}

/** Creates (or reuses) a private store under `dir` holding the test image. */
export function podmanWorld(dir: string): PodmanWorld {
  requirePodman();
  const graphRoot = join(dir, 'root');
  // Podman refuses a runroot longer than 50 characters; state belongs on tmpfs anyway.
  const run = join(tmpdir(), `bpw-${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`);
  const flags = ['--root', graphRoot, '--runroot', join(run, 'runroot'), '--tmpdir', join(run, 'tmp')];
  if (spawnSync('podman', [...flags, 'image', 'exists', PROBE_IMAGE]).status !== 0) {
    const copy = spawnSync('bash', ['-c', `podman save ${PROBE_IMAGE} | podman ${flags.join(' ')} load -q`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (copy.status !== 0) throw new Error(`could not copy ${PROBE_IMAGE} into ${dir}: ${copy.stderr}`);
  }
  return { flags, graphRoot };
}

/** Starts `podman system service --time=0` on a random socket and waits until it answers /_ping. */
export async function startPodmanService(world?: PodmanWorld): Promise<PodmanService> {
  requirePodman();
  const socketPath = join(tmpdir(), `probe-podman-${randomBytes(6).toString('hex')}.sock`);
  const child: ChildProcess = spawn('podman', [...(world?.flags ?? []), 'system', 'service', '--time=0', `unix://${socketPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(socketPath, { force: true });
  };
  for (let attempt = 0; attempt < 150; attempt++) {
    if (await ping(socketPath)) return { socketPath, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`podman system service did not come up on ${socketPath}: ${stderr.trim()}`);
}

const execFileAsync = promisify(execFile);

/** Runs `podman run --rm IMAGE /bin/true` through the CLI (not the API), `count` times in a row. */
export async function runContainersWithCli(count: number, world?: PodmanWorld): Promise<void> {
  for (let i = 0; i < count; i++) {
    await execFileAsync('podman', [...(world?.flags ?? []), 'run', '--rm', '--network', 'none', PROBE_IMAGE, '/bin/true']);
  }
}
