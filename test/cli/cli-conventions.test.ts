/**
 * What every `burst-guardian` command does the same way (issue 14): `--help` anywhere prints help
 * and exits 0 with no side effect, an unknown flag is a one-line usage error (exit 2), `--version`
 * works, and on Node < 22 an AWS command prints no SDK Node-version warning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lambda/cli/main';
import { captureCliIo, type CapturedIo } from '../helpers/capture';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'cli-conventions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CapturedIo {
  // No AWS region or credentials: a command that reached AWS would fail, not succeed quietly.
  return captureCliIo({ cwd: dir });
}

const HELP_INVOCATIONS = [
  ['demo', '--help'],
  ['demo', '-h'],
  ['policy', '--help'],
  ['policy', 'validate', '--help'],
  ['policy', 'print', '-h'],
  ['policy', 'validate', 'missing.yaml', '--help'],
  ['simulate', '--help'],
  ['simulate', '--scenario', 'ci-host', '--size-gib', '100', '--help'],
  ['history', '--help'],
  ['history', 'vol-0abc1234def567890', '--table', 't', '--help'],
  ['report', '--help'],
  ['report', '--table', 't', '--format', 'html', '--out', 'r.html', '--help'],
  ['scan', '--help'],
  ['scan', '--execute', '--table', 't', '--help'],
  ['help', 'scan'],
  ['--help'],
];

describe('burst-guardian conventions', () => {
  it.each(HELP_INVOCATIONS)('prints help for %s %s … and exits 0 without doing anything', async (...argv) => {
    const c = capture();
    expect(await main(argv, c.io)).toBe(0);
    expect(c.out()).toMatch(/^usage: burst-guardian/);
    expect(c.err()).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['demo', '--bogus'],
    ['demo', 'extra'],
    ['policy', 'validate', 'policy.yaml', '--bogus'],
    ['policy', '--strict', 'validate', 'policy.yaml'],
    ['simulate', '--scenario', 'ci-host', '--size-gib', '100', '--bogus'],
    ['history', 'vol-0abc1234def567890', '--table', 't', '--bogus'],
    ['report', '--table', 't', '--bogus'],
    ['scan', '--bogus'],
    ['--bogus'],
  ])('rejects an unknown flag in %s %s … with one line and exit 2', async (...argv) => {
    const c = capture();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.out()).toBe('');
    const first = c.err().split('\n')[0] ?? '';
    expect(first).toMatch(/^burst-guardian/);
    if (argv[0] !== '--bogus') expect(c.err().trimEnd().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prints the package version for --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const c = capture();
      expect(await main([flag], c.io)).toBe(0);
      expect(c.out()).toBe(`burst-guardian ${version}\n`);
    }
  });

  it('runs the README examples of history as written (a real-looking volume id is accepted)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const ids = [...readme.matchAll(/guardian -- history (\S+)/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^vol-[0-9a-f]{17}$/);
  });

  it('prints no AWS SDK Node-version warning when an AWS command runs (the bin silences it)', () => {
    // A closed local port: the SDK fails at once, with no network (never 169.254.169.254: the
    // credentials come from the environment).
    const run = (extraEnv: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'burst-guardian.ts'), 'history', 'vol-0abc1234def567890', '--table', 't', '--region', 'us-east-1'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          AWS_MAX_ATTEMPTS: '1',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...extraEnv,
        },
      });
    const result = run({});
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^burst-guardian history: /);
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|will require node/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    // The control: on Node < 22 the SDK does warn when the user turns the silencing off.
    if (Number(process.versions.node.split('.')[0]) < 22) {
      expect(run({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }).stderr).toMatch(/NodeVersionSupportWarning/);
    }
  });
});
