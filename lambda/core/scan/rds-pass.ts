/**
 * The hook of the RDS pass into a scan (issue 15 part 2): runs it when the scan has RDS ports and
 * the policy enables `rds`, and folds its results into the scan report (its errors with the
 * volumes', its alerts and rescues into the counts). Never throws.
 */
import type { Policy } from '../policy/schema';
import { runRdsScan, type RdsScanReport } from './rds-scan';
import type { ScanDeps, ScanError, ScanReport } from './types';

/** The report with the RDS pass's results, or unchanged when RDS is not watched. */
export async function withRdsPass(deps: ScanDeps, policy: Policy, region: string | undefined, now: number, report: ScanReport): Promise<ScanReport> {
  if (deps.rds === undefined || !policy.rds.enabled) return report;
  const errors: ScanError[] = [];
  const remaining = deps.remainingTimeMs?.();
  if (remaining !== undefined && remaining < RDS_MIN_REMAINING_MS) {
    // The volumes' walk used the time (it leaves a cursor); the DB instances wait for the next scan, loudly.
    errors.push({ stage: 'inventory', message: `${Math.round(remaining / 1000)} s left: RDS pass skipped this scan` });
    return fold(report, { instancesListed: 0, results: [], metricsRequested: 0, reconciled: 0 }, errors);
  }
  return fold(report, await runRdsScan(deps, deps.rds, policy, region, now, errors, report.budgetUsed), errors);
}

/** Time the RDS pass needs left to start (a listing, two metric reads, a few history writes), ms. */
export const RDS_MIN_REMAINING_MS = 15_000;

function fold(report: ScanReport, rds: RdsScanReport, errors: readonly ScanError[]): ScanReport {
  const count = (kind: string) => rds.results.filter((r) => r.decision.kind === kind).length;
  return {
    ...report,
    rds,
    errors: [...report.errors, ...errors.map((e) => ({ ...e, resource: 'rds' as const }))],
    metricsRequested: report.metricsRequested + rds.metricsRequested,
    counts: {
      alerts: report.counts.alerts + count('alert'),
      rescues: report.counts.rescues + count('rescue'),
      reverts: report.counts.reverts,
      blocked: report.counts.blocked + count('blocked'),
      notifications: report.counts.notifications + rds.results.filter((r) => r.notification !== undefined).length,
      errors: report.counts.errors + errors.length,
    },
  };
}
