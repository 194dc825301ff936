/**
 * Builds the probe's self-contained payload for one architecture: the esbuild bundle, the systemd
 * unit and the official Node binary, with a SHA256SUMS manifest. The layer zips it as `burst-probe/`
 * and the image copies it, so both run the same bytes. Cached under node_modules/.cache by a key
 * of its inputs: a synth that changed nothing copies nothing and hashes 2 KB, not 120 MB.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from './guardian-function';
import { extractRuntime, PROBE_CACHE_DIR, readPinnedRuntime, type ProbeArchitecture } from './probe-runtime';

/** The built payload: `dir` holds `burst-probe/…`; `manifestSha256` is the SHA-256 of its SHA256SUMS. */
export interface ProbePayload {
  readonly arch: ProbeArchitecture;
  readonly dir: string;
  readonly manifestSha256: string;
  readonly nodeVersion: string;
}

/** Files of the payload, relative to `burst-probe/`, in the order SHA256SUMS lists them. */
export const PAYLOAD_FILES = ['bin/node', 'bin/NODE-LICENSE', 'burst-probe.mjs', 'burst-probe.service'] as const;

let bundleMemo: string | undefined;

/** The probe bundled by esbuild (ESM, Node 22), built once per process. */
export function probeBundle(): string {
  bundleMemo ??= buildSync({
    entryPoints: [join(PROJECT_ROOT, 'bin', 'burst-probe.ts')],
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM still call require(): give them one.
    banner: { js: "import { createRequire as __probeCreateRequire } from 'node:module';const require = __probeCreateRequire(import.meta.url);" },
  }).outputFiles[0]?.text;
  if (bundleMemo === undefined) throw new Error('esbuild produced no probe bundle');
  return bundleMemo;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Builds (or reuses) the payload of one architecture. */
export function buildProbePayload(arch: ProbeArchitecture): ProbePayload {
  const pinned = readPinnedRuntime();
  const bundle = probeBundle();
  const unit = readFileSync(join(PROJECT_ROOT, 'deploy', 'burst-probe.service'), 'utf8');
  const key = sha256([arch, pinned.architectures[arch].integrity, sha256(bundle), sha256(unit)].join('\n')).slice(0, 16);
  const dir = join(PROBE_CACHE_DIR, 'payload', `${arch}-${key}`);
  const sumsPath = join(dir, 'burst-probe', 'SHA256SUMS');
  if (!existsSync(sumsPath)) {
    // Per process: parallel test workers may build the same payload; the first rename wins.
    const work = `${dir}.partial-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    const root = join(work, 'burst-probe');
    extractRuntime(arch, join(root, 'bin'));
    writeFileSync(join(root, 'burst-probe.mjs'), bundle);
    writeFileSync(join(root, 'burst-probe.service'), unit);
    // `sha256sum -c` format: the install script checks the installed files against it.
    writeFileSync(join(root, 'SHA256SUMS'), PAYLOAD_FILES.map((f) => `${sha256(readFileSync(join(root, f)))}  ${f}\n`).join(''));
    try {
      renameSync(work, dir);
    } catch (error) {
      if (!existsSync(sumsPath)) throw error;
      rmSync(work, { recursive: true, force: true });
    }
    pruneOtherPayloads(arch, dir);
  }
  return { arch, dir, manifestSha256: sha256(readFileSync(sumsPath)), nodeVersion: pinned.nodeVersion };
}

/** Keeps one payload per architecture in the cache: each is 120 MB. */
function pruneOtherPayloads(arch: ProbeArchitecture, keep: string): void {
  const parent = join(PROBE_CACHE_DIR, 'payload');
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (name.startsWith(`${arch}-`) && !name.includes('.partial-') && path !== keep) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Mirrors `from` into `to` with hard links (a copy across file systems). Returns true: CDK's local
 * bundling contract, so it never falls back to Docker. The cache is never written through a link.
 */
export function linkTree(from: string, to: string): boolean {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      linkTree(source, target);
      continue;
    }
    try {
      linkSync(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      copyFileSync(source, target);
      chmodSync(target, statSync(source).mode);
    }
  }
  return true;
}
