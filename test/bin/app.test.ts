/**
 * bin/app.ts: the policy is validated at synth time (file, line and field on failure, exit 1), the
 * context is honoured, and both cdk-nag packs really run.
 */
import { Token } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { GuardianPropsError, PolicyValidationError } from '../../lambda/core/errors';
import { SKIP_BUNDLING } from '../lib/synth-helpers';

const dir = mkdtempSync(join(tmpdir(), 'guardian-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A policy whose line 4 has a misspelt key and line 6 an unknown rescue target type. */
const badPolicyPath = join(dir, 'bad-policy.yaml');
writeFileSync(badPolicyPath, 'version: 1\ndryRun: true\nselection:\n  volumeTypo: [gp2]\nrescue:\n  target: { type: gp9 }\n');
const goodPolicyPath = join(dir, 'good-policy.yaml');
writeFileSync(goodPolicyPath, 'version: 1\nschedule: rate(15 minutes)\n');

describe('buildApp', () => {
  it('throws PolicyValidationError naming the file, line, column and field of every problem', () => {
    let caught: unknown;
    try {
      buildApp({ policyPath: badPolicyPath, context: SKIP_BUNDLING });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyValidationError);
    const message = (caught as Error).message;
    expect(message).toMatch(new RegExp(`${badPolicyPath}:4:\\d+ selection\\.volumeTypo: unknown key`));
    expect(message).toMatch(new RegExp(`${badPolicyPath}:6:\\d+ rescue\\.target\\.type`));
  });

  it('throws GuardianPropsError naming the path when the policy file does not exist', () => {
    expect(() => buildApp({ policyPath: join(dir, 'missing.yaml'), context: SKIP_BUNDLING })).toThrow(GuardianPropsError);
    expect(() => buildApp({ policyPath: join(dir, 'missing.yaml'), context: SKIP_BUNDLING })).toThrow('missing.yaml');
  });

  it('rejects a tableRemovalPolicy context value other than retain or destroy', () => {
    expect(() => buildApp({ context: { ...SKIP_BUNDLING, policy: goodPolicyPath, tableRemovalPolicy: 'keep' } })).toThrow(GuardianPropsError);
  });

  it('reads the policy path and stack settings from the context and stays account-agnostic', () => {
    const { stack, policy } = buildApp({ context: { ...SKIP_BUNDLING, policy: goodPolicyPath, stackName: 'Guardian2', region: 'eu-west-1' } });
    expect(policy.schedule).toBe('rate(15 minutes)');
    expect(stack.stackName).toBe('Guardian2');
    expect(stack.region).toBe('eu-west-1');
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });

  it('passes both nag packs with every option on: e-mail, no opt-in tag, probe association, cron schedule', () => {
    const everything = join(dir, 'everything.yaml');
    writeFileSync(everything, 'version: 1\nschedule: cron(0/10 * * * ? *)\nselection:\n  optInTag: null\n');
    const context = { ...SKIP_BUNDLING, policy: everything, alertEmail: 'oncall@example.com', scanIntervalSeconds: '600', probeTagKey: 'burst-probe' };
    const { app } = buildApp({ context });
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis on a finding nobody acknowledged (the nag packs run)', () => {
    const { app, stack } = buildApp({ context: { ...SKIP_BUNDLING, policy: goodPolicyPath } });
    new sqs.Queue(stack, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('bin/app.ts as cdk runs it', () => {
  it('exits 1 and prints file, line and field for a bad policy given with -c policy=…', () => {
    const result = spawnSync(join('node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ policy: badPolicyPath }), CDK_OUTDIR: join(dir, 'out') },
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${badPolicyPath}:4:`);
    expect(result.stderr).toContain('selection.volumeTypo');
  });

  it.each([
    ['the single-account stack by default', SKIP_BUNDLING, ['EbsBurstGuardian']],
    [
      'the asset buckets and the hub with organizationalUnits',
      { organizationalUnits: 'ou-abc1-aaaaaaaa', regions: 'eu-west-1', organizationId: 'o-abcdefghij', account: '111111111111', region: 'us-east-1' },
      ['EbsBurstGuardianAssets-eu-west-1', 'EbsBurstGuardianHub'],
    ],
  ])('writes %s to the assembly', (_label, context, stacks) => {
    const outdir = join(dir, `out-${stacks.length}`);
    const result = spawnSync(join('node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      encoding: 'utf8',
      // The organization shape bundles for real: cdk-stacksets copies the bundles, placeholders cannot stand in.
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ policy: goodPolicyPath, ...context }), CDK_OUTDIR: outdir },
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    const written = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id]) => id);
    expect(written.sort()).toEqual(stacks);
  });
});
