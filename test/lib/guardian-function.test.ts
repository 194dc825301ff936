/**
 * GuardianFunction's bundling, on a tiny fixture handler: the policy is embedded by esbuild's
 * `define`, the SDK is not external, and the bundle really runs as ESM in Node.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { GuardianFunction } from '../../lib/guardian-function';
import { tempOutdir } from './synth-helpers';

const out = tempOutdir();
const policy = parsePolicy('version: 1\ndryRun: false\nschedule: rate(10 minutes)\nselection:\n  optInTag: { key: "team $x `y`", value: "a\\"b" }\n', 'inline.yaml');
let bundleDir = '';

beforeAll(() => {
  const app = new App({ outdir: out.dir });
  const stack = new Stack(app, 'FunctionTest');
  new GuardianFunction(stack, 'Echo', {
    entry: 'test/lib/fixtures/policy-echo-handler.ts',
    description: 'fixture',
    policy,
    environment: {},
    memorySizeMiB: 256,
    timeout: Duration.seconds(10),
    logRetention: RetentionDays.ONE_WEEK,
  });
  app.synth();
  const dirs = readdirSync(out.dir).filter((d) => d.startsWith('asset.'));
  expect(dirs).toHaveLength(1);
  bundleDir = join(out.dir, dirs[0] ?? '');
});
afterAll(() => out.dispose());

describe('GuardianFunction bundling', () => {
  it('embeds the validated policy, quotes and shell characters intact, as process.env.GUARDIAN_POLICY_JSON', async () => {
    const module = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as { handler: () => Promise<string> };
    const embedded = await module.handler();
    expect(JSON.parse(embedded)).toEqual(policy);
  });

  it('writes a source map next to the bundle without the sources inlined', () => {
    const map = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((s) => s.endsWith('policy-echo-handler.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });
});
