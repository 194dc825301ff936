#!/usr/bin/env -S npx tsx
/**
 * Measures the Lambda bundles exactly as `cdk synth` builds them: synthesizes the app (cdk-nag off),
 * then for each function prints the bundle size (raw and gzip, a proxy for the zip Lambda stores) and
 * the cold import time: a fresh `node` process per run imports the bundle and reports how long the
 * import took. Usage: `npx tsx scripts/measure-bundle.ts [--runs N] [--policy PATH] [--entry FILE]`;
 * `--entry` bundles that one file (relative to the repo root) with the same GuardianFunction options.
 * Local Node and CPU differ from Lambda's nodejs24.x on arm64: compare bundles, not absolute Lambda times.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { buildApp } from '../bin/app';
import { parsePolicy } from '../lambda/core/policy/policy';
import { GuardianFunction } from '../lib/guardian-function';

/** Lambda's limit this project sets itself for one bundle (issue 5). */
const BUNDLE_LIMIT_BYTES = 1.5 * 1024 * 1024;

/** The import-timing child: prints the milliseconds the dynamic import of argv[1] took. */
const CHILD = 'const t0 = performance.now(); await import(process.argv[1]); console.log(String(performance.now() - t0));';

interface FunctionBundle {
  readonly description: string;
  readonly file: string;
}

function synthBundles(outdir: string, policyPath: string): FunctionBundle[] {
  const { app, stack } = buildApp({ policyPath, outdir, context: { nag: 'false' } });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties: { Description?: string; Code?: { S3Key?: string } } }>;
  };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && typeof r.Properties.Code?.S3Key === 'string')
    .map((r) => ({
      description: r.Properties.Description ?? '(no description)',
      file: join(outdir, `asset.${(r.Properties.Code?.S3Key ?? '').replace(/\.zip$/, '')}`, 'index.mjs'),
    }));
}

function synthEntryBundle(outdir: string, policyPath: string, entry: string): FunctionBundle[] {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Measure');
  const policy = parsePolicy(readFileSync(policyPath, 'utf8'), policyPath);
  new GuardianFunction(stack, 'Entry', { entry, description: entry, policy, environment: {}, memorySizeMiB: 1024, timeout: Duration.minutes(1), logRetention: RetentionDays.ONE_DAY });
  app.synth();
  const dirs = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
  return dirs.map((d) => ({ description: entry, file: join(outdir, d, 'index.mjs') }));
}

function importMilliseconds(file: string): number {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
    encoding: 'utf8',
    // Placeholder configuration so module-scope client construction has what it reads; nothing is called.
    env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 'measure', TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:measure', METRICS_NAMESPACE: 'EbsBurstGuardian', PROBE_NAMESPACE: 'EbsBurstGuardian/Probe', POWERTOOLS_SERVICE_NAME: 'ebs-burst-guardian' },
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function main(): number {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, policy: { type: 'string', default: 'policy.yaml' }, entry: { type: 'string' } } });
  const runs = Number(values.runs);
  const outdir = mkdtempSync(join(tmpdir(), 'guardian-measure-'));
  try {
    let failed = false;
    console.log(`node ${process.version} ${process.arch}, ${runs} cold imports per bundle (fresh process each)`);
    const policyPath = values.policy ?? 'policy.yaml';
    const bundles = values.entry === undefined ? synthBundles(outdir, policyPath) : synthEntryBundle(outdir, policyPath, values.entry);
    for (const bundle of bundles) {
      const bytes = statSync(bundle.file).size;
      const gzipBytes = gzipSync(readFileSync(bundle.file)).length;
      const times = Array.from({ length: runs }, () => importMilliseconds(bundle.file)).sort((a, b) => a - b);
      failed ||= bytes > BUNDLE_LIMIT_BYTES;
      console.log(
        `${bundle.description}: ${(bytes / 1024).toFixed(1)} KiB (gzip ${(gzipBytes / 1024).toFixed(1)} KiB)` +
          `${bytes > BUNDLE_LIMIT_BYTES ? ' OVER 1.5 MiB' : ''}; import p50 ${percentile(times, 50).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms, min ${times[0]?.toFixed(1)} ms`,
      );
    }
    return failed ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

process.exitCode = main();
