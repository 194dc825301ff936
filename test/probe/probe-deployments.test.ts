/**
 * The probe as people deploy it, against a real Podman + runc in a private store (podmanWorld: its
 * own event log, so other test files' containers never show up here): the SSM script installs the
 * layer into a scratch root on a PATH with no node and the installed unit's command reports
 * container starts; the container image, run with only the documented mounts and no capabilities,
 * does the same. Layer zip and image are built in setup, cached by content under node_modules/.cache.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arch } from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../lambda/probe/report';
import { PROBE_INSTALL_PATHS } from '../../lib/probe-install-script';
import { buildProbePayload, type ProbePayload } from '../../lib/probe-layer-build';
import { PROBE_CACHE_DIR } from '../../lib/probe-runtime';
import { hostToolsWithoutNode, layerZip, runInstallScript } from './install-harness';
import { runContainersWithCtr, startContainerd, type ContainerdService } from './containerd-service';
import { podmanWorld, runContainersWithCli, startPodmanService, type PodmanService, type PodmanWorld } from './podman-service';

const HOST_ARCH = arch === 'arm64' ? 'aarch64' : 'x86_64';
const VOLUME = 'vol-0abc1234def567890';
/** Identity as a hop-limit-1 container gets it: from the environment, never from IMDS. */
const IDENTITY_ENV = { BURST_PROBE_INSTANCE_ID: 'i-0123456789abcdef0', AWS_REGION: 'eu-west-1' };
/** Nothing listens on the discard port: a lookup that reached for IMDS would fail, not go out. */
const CLOSED_IMDS = 'http://127.0.0.1:9';

let world: PodmanWorld;
let service: PodmanService;
let containerd: ContainerdService;
let payload: ProbePayload;
let work: string;
let zipPath: string;
let imageTag: string;

/** The probe image in the private store, built by the documented command once per payload. */
function buildImage(): string {
  const tag = `localhost/burst-probe:test-${payload.manifestSha256.slice(0, 16)}`;
  if (spawnSync('podman', [...world.flags, 'image', 'exists', tag]).status === 0) return tag;
  // Images of earlier builds take 130 MB each in the private store: remove them first.
  const old = spawnSync('podman', [...world.flags, 'images', '--format', '{{.Repository}}:{{.Tag}}', 'localhost/burst-probe'], { encoding: 'utf8' }).stdout.split('\n').filter((t) => t.startsWith('localhost/burst-probe:test-'));
  if (old.length > 0) spawnSync('podman', [...world.flags, 'rmi', '--force', ...old]);
  const build = spawnSync('bash', [join(__dirname, '..', '..', 'deploy', 'container', 'build-image.sh'), tag], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BURST_PROBE_PODMAN_FLAGS: world.flags.join(' ') },
  });
  if (build.status !== 0) throw new Error(`deploy/container/build-image.sh failed: ${build.stderr}`);
  return tag;
}

beforeAll(async () => {
  world = podmanWorld(join(PROBE_CACHE_DIR, 'podman-world'));
  service = await startPodmanService(world);
  containerd = await startContainerd();
  payload = buildProbePayload(HOST_ARCH);
  zipPath = layerZip(payload);
  imageTag = buildImage();
  work = mkdtempSync(join(tmpdir(), 'probe-deploy-'));
}, 180_000);
afterAll(async () => {
  await service?.stop();
  await containerd?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}, 30_000);

/** A running process whose stderr can be awaited for a line. */
function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv): { said: (text: string) => Promise<void>; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  const said = async (text: string): Promise<void> => {
    for (let waited = 0; !stderr.includes(text); waited += 50) {
      if (waited > 30_000 || child.exitCode !== null) throw new Error(`never said '${text}': ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { said, done };
}

function parseReport(stdout: string): ProbeReport {
  return (JSON.parse(stdout) as { report: ProbeReport }).report;
}

function expectThreeStarts(report: ProbeReport): void {
  expect(report.containerStarts.kind).toBe('measured');
  const stats = report.containerStarts.kind === 'measured' ? report.containerStarts.value.startLatency : undefined;
  expect(stats?.count).toBe(3);
  expect(stats?.p50Ms).toBeGreaterThan(0);
  expect(report.identitySource).toEqual({ instanceId: 'env BURST_PROBE_INSTANCE_ID', region: 'env AWS_REGION' });
}

describe('the layer installed by the SSM script on a host without node', () => {
  it('runs the installed unit\'s command, which reports the containers started during its interval', async () => {
    const tools = hostToolsWithoutNode(join(work, 'host-tools'));
    expect(spawnSync(join(tools, 'bash'), ['-c', 'command -v node'], { env: { PATH: tools }, stdio: ['ignore', 'pipe', 'pipe'] }).status).not.toBe(0);
    const install = runInstallScript({
      work: join(work, 'install'),
      zipPath,
      layerArns: { x86_64: 'arn:aws:lambda:eu-west-1:111122223333:layer:probe-x86:1', aarch64: 'arn:aws:lambda:eu-west-1:111122223333:layer:probe-arm:1' },
      manifests: { x86_64: payload.manifestSha256, aarch64: payload.manifestSha256 },
      probeArgs: '--interval 60s',
    });
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    const root = join(work, 'install', 'root');
    const execStart = /^ExecStart=(\S+) (\S+) \$BURST_PROBE_ARGS$/m.exec(readFileSync(join(root, PROBE_INSTALL_PATHS.unit), 'utf8'));
    expect(execStart).not.toBeNull();
    const syncDir = join(work, 'sync');
    mkdirSync(syncDir);
    const probe = start(join(root, execStart?.[1] ?? ''), [join(root, execStart?.[2] ?? ''), '--once', '--interval', '5s', '--dry-run', '--json', '--socket', service.socketPath, '--sync-dir', syncDir, '--volume-id', VOLUME, '--imds-endpoint', CLOSED_IMDS], { PATH: tools, ...IDENTITY_ENV });
    await probe.said('identity:');
    await runContainersWithCli(3, world);
    const result = await probe.done;
    expect(result.code).toBe(0);
    const report = parseReport(result.stdout);
    expectThreeStarts(report);
    expect(report.syncWrite.kind).toBe('measured');
  }, 60_000);
});

describe('the container image with only the documented mounts', () => {
  it('runs without capabilities on a read-only root and reports container starts, sync-write and D-state', async () => {
    expect(existsSync(world.graphRoot)).toBe(true);
    const probe = start('podman', [
      ...world.flags, 'run', '--rm', '--network', 'none', '--cap-drop', 'all', '--read-only', '--security-opt', 'no-new-privileges',
      '-v', `${service.socketPath}:/var/run/docker.sock:ro`,
      '-v', '/proc:/host/proc:ro',
      '-v', `${world.graphRoot}:${world.graphRoot}`,
      '-e', `BURST_PROBE_INSTANCE_ID=${IDENTITY_ENV.BURST_PROBE_INSTANCE_ID}`, '-e', `AWS_REGION=${IDENTITY_ENV.AWS_REGION}`,
      imageTag, '--once', '--interval', '6s', '--dry-run', '--json', '--socket', '/var/run/docker.sock', '--proc-root', '/host/proc', '--volume-id', VOLUME, '--imds-endpoint', CLOSED_IMDS,
    ], process.env);
    await probe.said('identity:');
    await runContainersWithCli(3, world);
    const result = await probe.done;
    expect(result.code).toBe(0);
    const report = parseReport(result.stdout);
    expectThreeStarts(report);
    expect(report.syncWrite).toMatchObject({ kind: 'measured', value: { directory: world.graphRoot } });
    expect(report.dState.kind).toBe('measured');
    expect(report.dState.kind === 'measured' ? report.dState.value.tasksScanned : 0).toBeGreaterThan(10);
  }, 60_000);
});

describe('the container image with the DaemonSet\'s mounts (a containerd node)', () => {
  it('follows containerd through its read-only socket and reports container starts and sync-write into the data root', async () => {
    const dataRoot = join(work, 'var-lib-containerd');
    mkdirSync(dataRoot);
    const probe = start('podman', [
      ...world.flags, 'run', '--rm', '--network', 'none', '--cap-drop', 'all', '--read-only', '--security-opt', 'no-new-privileges',
      '-v', `${containerd.socketPath}:/run/containerd/containerd.sock:ro`,
      '-v', '/proc:/host/proc:ro',
      '-v', `${dataRoot}:/var/lib/containerd`,
      '-e', `BURST_PROBE_INSTANCE_ID=${IDENTITY_ENV.BURST_PROBE_INSTANCE_ID}`, '-e', `AWS_REGION=${IDENTITY_ENV.AWS_REGION}`,
      imageTag, '--once', '--interval', '6s', '--dry-run', '--json', '--containerd-socket', '/run/containerd/containerd.sock', '--proc-root', '/host/proc', '--sync-dir', '/var/lib/containerd',
      '--volume-id', VOLUME, '--imds-endpoint', CLOSED_IMDS,
    ], process.env);
    await probe.said('identity:');
    await runContainersWithCtr(containerd, 3);
    const result = await probe.done;
    expect(result.code).toBe(0);
    const report = parseReport(result.stdout);
    expectThreeStarts(report);
    expect(report.syncWrite).toMatchObject({ kind: 'measured', value: { directory: '/var/lib/containerd' } });
  }, 60_000);
});
