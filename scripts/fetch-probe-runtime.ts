/**
 * Fetches the probe's Node runtime tarballs (deploy/probe-runtime.json) with `npm pack` into
 * node_modules/.cache/burst-probe/npm and checks each against its pinned integrity. Idempotent: a
 * tarball already there and matching is kept. `npm ci` runs it (postinstall); synth never does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { npmIntegrityOf, PROBE_ARCHITECTURES, readPinnedRuntime, runtimeTarballPath } from '../lib/probe-runtime';

const pinned = readPinnedRuntime();
for (const arch of PROBE_ARCHITECTURES) {
  const { package: name, integrity } = pinned.architectures[arch];
  const path = runtimeTarballPath(arch, pinned);
  if (existsSync(path) && npmIntegrityOf(path) === integrity) continue;
  rmSync(path, { force: true });
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('npm', ['pack', `${name}@${pinned.nodeVersion}`, '--pack-destination', dirname(path), '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const actual = npmIntegrityOf(path);
  if (actual !== integrity) {
    rmSync(path, { force: true });
    console.error(`fetch-probe-runtime: ${name}@${pinned.nodeVersion} has integrity ${actual}, pinned ${integrity}: refusing it`);
    process.exit(1);
  }
  console.log(`fetch-probe-runtime: ${path}`);
}
