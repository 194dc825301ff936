/**
 * `policy validate` and `cdk synth` accept and refuse exactly the same policies (issue 14): the
 * schedule rules live in the one schema (`scheduleProblem`), so a policy that validates also builds
 * the stack, and one that does not is refused by both with the same reason.
 */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda/cli/main';
import { PolicyValidationError } from '../../lambda/core/errors';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { BurstGuardian } from '../../lib/burst-guardian';
import { SKIP_BUNDLING } from '../lib/synth-helpers';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'policy-synth-'));

async function validates(text: string): Promise<boolean> {
  const file = join(dir, 'p.yaml');
  writeFileSync(file, text);
  const code = await main(['policy', 'validate', file], { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: dir });
  expect([0, 1]).toContain(code);
  return code === 0;
}

/** What `cdk synth` does with a policy file: parse it (bin/app.ts), then build the construct. */
function synthesizes(text: string): boolean {
  try {
    const policy = parsePolicy(text, 'p.yaml');
    new BurstGuardian(new Stack(new App({ context: { ...SKIP_BUNDLING } }), 'Test'), 'Guardian', { policy });
    return true;
  } catch (error) {
    if (error instanceof PolicyValidationError || (error instanceof Error && error.name === 'GuardianPropsError')) return false;
    throw error;
  }
}

describe('policy validate agrees with cdk synth', () => {
  it.each([
    ['rate(0 minutes)', false],
    ['rate(1 minutes)', false],
    ['rate(2 minute)', false],
    ['rate(1 minute)', true],
    ['rate(5 minutes)', true],
    ['rate(56 hours)', true],
    ['rate(57 hours)', false],
    ['rate(1 day)', true],
    ['rate(3 days)', false],
    ['every 5 minutes', false],
  ])('schedule %s: both say %s', async (schedule, ok) => {
    const text = `version: 1\nschedule: ${schedule}\n`;
    expect(await validates(text)).toBe(ok);
    expect(synthesizes(text)).toBe(ok);
  });

  it('refuses deeply nested YAML with a line, not a stack overflow', () => {
    const text = `version: 1\nselection: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(() => parsePolicy(text, 'deep.yaml')).toThrow(/deep\.yaml:2:\d+ \(yaml\): nested more than 64 levels/);
    const block = `version: 1\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}a:`).join('\n')}\n`;
    expect(() => parsePolicy(block, 'deep.yaml')).toThrow(/deep\.yaml:\d+:1 \(yaml\): nested more than 64 levels/);
  });
});
