/** Shared helpers of the CDK tests: synthesize an app once, read its template and its validation report. */
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Skips esbuild bundling in tests that only look at the template (CDK's own context key). */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** A violation as CDK's validation report lists it. */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly severity?: string;
  readonly violatingResources?: readonly { readonly constructPath?: string }[];
}

/** A temporary cloud-assembly directory, removed by `dispose`. */
export function tempOutdir(): { readonly dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'guardian-cdk-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Synthesizes the app (running its validation plugins) and returns the stack's template. */
export function synthTemplate(app: App, stackName: string): Template {
  const assembly = app.synth();
  return Template.fromJSON(assembly.getStackByName(stackName).template as Record<string, unknown>);
}

/** Every unacknowledged violation in the assembly's validation report. */
export function reportedViolations(outdir: string): ReportedViolation[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: ReportedViolation[] }[];
  };
  return report.pluginReports.flatMap((r) => r.violations ?? []);
}
