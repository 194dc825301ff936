/**
 * Test helper: runs the SSM document's install script with sh as SSM would (parameters
 * substituted), on a PATH that holds only ordinary host tools (no node) plus stand-ins for `aws`
 * (answers a file:// link to a local layer zip, as GetLayerVersionByArn answers an https one) and
 * `systemctl` (records its calls). Also zips a layer payload, cached by its manifest digest.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCH_PARAMETERS, probeInstallScript } from '../../lib/probe-install-script';
import type { ProbePayload } from '../../lib/probe-layer-build';
import { PROBE_CACHE_DIR } from '../../lib/probe-runtime';

/** Host tools an instance has without Node; the script may use nothing else. */
const HOST_TOOLS = ['bash', 'sh', 'uname', 'cut', 'mktemp', 'rm', 'cp', 'mv', 'install', 'sha256sum', 'dirname', 'cat', 'chmod', 'mkdir', 'unzip', 'curl', 'env', 'sleep', 'ls'];

/** A directory of symlinks to HOST_TOOLS: a PATH with no node on it. */
export function hostToolsWithoutNode(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of HOST_TOOLS) {
    const found = spawnSync('bash', ['-c', `type -P ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found === '') throw new Error(`host tool ${tool} is missing`);
    if (!existsSync(join(dir, tool))) symlinkSync(found, join(dir, tool));
  }
  return dir;
}

/** The layer zip of a payload (zip's default deflate), built once per manifest. */
export function layerZip(payload: ProbePayload): string {
  const dir = join(PROBE_CACHE_DIR, 'zip');
  const path = join(dir, `${payload.arch}-${payload.manifestSha256}.zip`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  // One zip per architecture is enough: drop those of earlier builds (45 MB each).
  for (const old of readdirSync(dir)) if (old.startsWith(`${payload.arch}-`) && old.endsWith('.zip')) rmSync(join(dir, old), { force: true });
  const partial = `${path}.partial-${process.pid}`;
  const zip = spawnSync('zip', ['-qrX', partial, 'burst-probe'], { cwd: payload.dir, encoding: 'utf8' });
  if (zip.status !== 0) throw new Error(`zip failed: ${zip.stderr}`);
  renameSync(partial, path);
  return path;
}

/** Bytes of a file. */
export function sizeOf(path: string): number {
  return statSync(path).size;
}

/** What one run of the install script did. */
export interface InstallRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly awsCalls: string[];
  readonly systemctlCalls: string[];
}

/** Options of one run. */
export interface InstallRunOptions {
  readonly work: string;
  readonly zipPath: string;
  readonly layerArns: Readonly<Record<'x86_64' | 'aarch64', string>>;
  readonly manifests: Readonly<Record<'x86_64' | 'aarch64', string>>;
  readonly probeArgs: string;
  /** What the stand-in `uname -m` answers. @default the real uname */
  readonly machine?: string;
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Runs the install script into `${work}/root`. */
export function runInstallScript(options: InstallRunOptions): InstallRun {
  const { work } = options;
  const stubs = join(work, 'stubs');
  mkdirSync(stubs, { recursive: true });
  writeFileSync(join(stubs, 'aws'), `#!/bin/sh\necho "$@" >> "${work}/aws.log"\necho "file://${options.zipPath}"\n`);
  writeFileSync(join(stubs, 'systemctl'), `#!/bin/sh\necho "$@" >> "${work}/systemctl.log"\n`);
  if (options.machine !== undefined) writeFileSync(join(stubs, 'uname'), `#!/bin/sh\necho ${options.machine}\n`);
  for (const stub of ['aws', 'systemctl', 'uname']) if (existsSync(join(stubs, stub))) chmodSync(join(stubs, stub), 0o755);
  let script = probeInstallScript().join('\n').replaceAll('{{ ProbeArgs }}', options.probeArgs);
  for (const arch of ['x86_64', 'aarch64'] as const) {
    script = script.replaceAll(`{{ ${ARCH_PARAMETERS[arch].layer} }}`, options.layerArns[arch]).replaceAll(`{{ ${ARCH_PARAMETERS[arch].manifest} }}`, options.manifests[arch]);
  }
  const tools = hostToolsWithoutNode(join(work, '..', 'host-tools'));
  // aws:runShellScript runs its script with sh (dash here and on Ubuntu), not bash.
  const result = spawnSync(join(tools, 'sh'), ['-c', script], {
    encoding: 'utf8',
    // stdin not a socket: bash would otherwise take itself for an rshd child and read ~/.bashrc.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: `${stubs}:${tools}`, BURST_PROBE_ROOT: join(work, 'root'), TMPDIR: work },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, awsCalls: lines(join(work, 'aws.log')), systemctlCalls: lines(join(work, 'systemctl.log')) };
}
