/**
 * The scan bundle carries the RDS client only when the deployed policy watches RDS: the CDK construct
 * defines `process.env.GUARDIAN_BUNDLE_RDS` from the policy (lib/guardian-function.ts) and esbuild
 * tree-shakes the unused RDS ports. Bundled here with esbuild as the construct does (ESM, node24,
 * minified, module before main); `npm run measure:bundle` prints the shipped sizes.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function bundleInputs(bundleRds: 'true' | 'false'): Promise<{ bytes: number; rdsClientBytes: number }> {
  const result = await build({
    entryPoints: ['lambda/handlers/scan.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    metafile: true,
    write: false,
    outfile: 'index.mjs',
    logLevel: 'silent',
    define: { 'process.env.GUARDIAN_BUNDLE_RDS': JSON.stringify(bundleRds) },
  });
  const [output] = Object.values(result.metafile.outputs);
  if (output === undefined) throw new Error('esbuild wrote no output');
  const rdsClientBytes = Object.entries(output.inputs)
    .filter(([file]) => file.includes('node_modules/@aws-sdk/client-rds/'))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return { bytes: output.bytes, rdsClientBytes };
}

describe('the scan bundle and the rds section', () => {
  it('leaves the RDS client out when the deployed policy does not watch RDS, and puts it in when it does', async () => {
    const without = await bundleInputs('false');
    const withRds = await bundleInputs('true');
    expect(without.rdsClientBytes).toBe(0);
    expect(withRds.rdsClientBytes).toBeGreaterThan(0);
    expect(withRds.bytes).toBeGreaterThan(without.bytes);
  }, 60_000);
});
