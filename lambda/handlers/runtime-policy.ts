/**
 * The policy a run uses: the text in Parameter Store, validated with the one policy schema on every
 * load, or else the last good policy. A bad or unreadable text never replaces the last good one; the
 * bundle's embedded policy is the first last-good. Each run that could not use the stored text says
 * so (log with file, line and field; `PolicyLoadErrors` metric, alarmed in lib/guardian-alarms.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { PolicyValidationError } from '../core/errors';
import { parsePolicy, type Policy } from '../core/policy/policy';
import type { PolicyTextSource } from '../aws/ssm-policy-source';
import { GUARDIAN_METRICS } from '../shared/guardian-metric-names';

/** Why the stored text was not used. */
export type PolicyLoadProblem =
  | { readonly kind: 'invalid'; readonly location: string; readonly issues: PolicyValidationError['issues']; readonly message: string }
  | { readonly kind: 'unreadable'; readonly location: string; readonly message: string };

/** The policy of one run and, when it is the last good one rather than the stored one, why. */
export interface RuntimePolicyLoad {
  readonly policy: Policy;
  /** `stored`: the text now in the parameter; `last-good`: an earlier good text (or the embedded policy). */
  readonly from: 'stored' | 'last-good';
  readonly problem?: PolicyLoadProblem;
}

/** Holds the last good policy across runs of one Lambda container. */
export class RuntimePolicy {
  private lastGood: Policy;
  private lastText: string | undefined;
  private lastResult: RuntimePolicyLoad | undefined;

  constructor(
    embedded: Policy,
    private readonly source: PolicyTextSource,
  ) {
    this.lastGood = embedded;
  }

  /** Fetches (cached by the source), validates a text not seen before, and returns the policy to run on. */
  async load(): Promise<RuntimePolicyLoad> {
    let text: string;
    try {
      text = await this.source.fetch();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { policy: this.lastGood, from: 'last-good', problem: { kind: 'unreadable', location: this.source.location, message } };
    }
    // The same text gives the same answer: parse it once, report it on every run until it is fixed.
    if (text === this.lastText && this.lastResult !== undefined) return this.lastResult;
    this.lastText = text;
    this.lastResult = this.validate(text);
    return this.lastResult;
  }

  private validate(text: string): RuntimePolicyLoad {
    try {
      this.lastGood = parsePolicy(text, this.source.location);
      return { policy: this.lastGood, from: 'stored' };
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      const problem: PolicyLoadProblem = { kind: 'invalid', location: this.source.location, issues: error.issues, message: error.message };
      return { policy: this.lastGood, from: 'last-good', problem };
    }
  }
}

/** The log fields of a problem: one entry per issue with file, line, column and field. */
export function policyProblemFields(problem: PolicyLoadProblem): Record<string, unknown> {
  if (problem.kind === 'unreadable') return { policyLocation: problem.location, reason: problem.message };
  return {
    policyLocation: problem.location,
    issues: problem.issues.map((i) => ({ file: problem.location, line: i.line, column: i.column, field: i.path, message: i.message })),
    reason: problem.message,
  };
}

/**
 * The policy of one run: the stored one when it is good, else the last good one with an error log
 * naming file, line and field and one `PolicyLoadErrors` datum (published with the run's metrics).
 */
export async function policyForRun(
  runtime: RuntimePolicy | undefined,
  fallback: Policy,
  report: { readonly logger: Pick<Logger, 'error'>; readonly metrics: Pick<Metrics, 'addMetric'> },
): Promise<Policy> {
  if (runtime === undefined) return fallback;
  const load = await runtime.load();
  if (load.problem !== undefined) {
    report.logger.error('policy not loaded: running on the last good policy', policyProblemFields(load.problem));
    report.metrics.addMetric(GUARDIAN_METRICS.policyLoadErrors, MetricUnit.Count, 1);
  }
  return load.policy;
}
