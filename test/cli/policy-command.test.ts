import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lambda/cli/main';
import { captureCliIo, type CapturedIo } from '../helpers/capture';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CapturedIo {
  return captureCliIo({ cwd: ROOT });
}

describe('burst-guardian policy', () => {
  it('prints ok and exits 0 for the default policy.yaml', async () => {
    const c = capture();
    expect(await main(['policy', 'validate', 'policy.yaml'], c.io)).toBe(0);
    expect(c.out()).toBe('ok\n');
  });

  it('rejects a bad policy with exit 1, printing every problem with file, line and field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nselecton: {}\nbudgets:\n  monthlyCeilingUSD: -1\n');
    const c = capture();
    expect(await main(['policy', 'validate', file], c.io)).toBe(1);
    expect(c.err()).toContain(`${file}:2:1 selecton: unknown key`);
    expect(c.err()).toContain(`${file}:4:3 budgets.monthlyCeilingUSD`);
    expect(c.out()).toBe('');
  });

  it('prints the policy with defaults applied', async () => {
    const file = join(dir, 'min.yaml');
    writeFileSync(file, 'version: 1\n');
    const c = capture();
    expect(await main(['policy', 'print', file], c.io)).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ dryRun: true, modificationRule: 'four-per-24h' });
  });

  it('rejects a missing file with exit 1', async () => {
    const c = capture();
    expect(await main(['policy', 'validate', join(dir, 'nope.yaml')], c.io)).toBe(1);
    expect(c.err()).toContain('cannot read');
  });

  it('rejects usage without a file with exit 2', async () => {
    const c = capture();
    expect(await main(['policy', 'validate'], c.io)).toBe(2);
    expect(c.err()).toContain('validate FILE');
  });
});
