/**
 * Did a run actually watch the fleet? The rule behind `ScanSucceeded` (issue 11, item 5). A scan
 * that finished is not enough: one whose every GetMetricData call was denied forecast nothing, one
 * whose every SNS Publish failed told nobody. Each stage that reads or tells is judged on its
 * attempts and failures; the counts come from the ports (the handler observes them), so a stage
 * added later cannot slip past the rule.
 */

/**
 * Share of a stage's attempts that may fail while the run still counts as watching. One throttled
 * GetMetricData batch of a large fleet (≤ 100 volumes of 10,000) or one lost alert among many is
 * a degraded run, counted by that stage's error metric and alarm; more than a tenth failing, or
 * everything failing in a small fleet, means the guardian is blind and the heartbeat must say so.
 */
export const MAX_FAILED_SHARE = 0.1;

/** Attempts and failures of one stage in one run. */
export interface StageTally {
  readonly attempted: number;
  readonly failed: number;
}

/** What a run attempted in the stages that decide whether it watched. */
export interface ScanWatchInput {
  /** DescribeVolumes listed the managed volumes (every page). */
  readonly inventoryListed: boolean;
  /** Volumes whose metrics were requested, and those whose read failed (a whole failed call fails all its volumes). */
  readonly metrics: StageTally;
  /** Reads of the history table (ledger, notification state, open modifications). */
  readonly historyReads: StageTally;
  /** SNS Publish calls. */
  readonly notifications: StageTally;
}

/** The verdict, with one reason per blind stage for the log line. */
export type ScanWatch = { readonly watched: true } | { readonly watched: false; readonly reasons: readonly string[] };

/** Judges a run: watched unless the inventory failed or any stage failed more than `MAX_FAILED_SHARE` of its attempts. */
export function assessScanWatch(input: ScanWatchInput): ScanWatch {
  const reasons: string[] = [];
  if (!input.inventoryListed) reasons.push('inventory: DescribeVolumes failed, no volume was listed');
  const stages: [string, StageTally, string][] = [
    ['metrics', input.metrics, 'volumes without metrics'],
    ['history', input.historyReads, 'history reads failed'],
    ['notify', input.notifications, 'notifications not published'],
  ];
  for (const [stage, tally, what] of stages) {
    if (isBlind(tally)) reasons.push(`${stage}: ${tally.failed} of ${tally.attempted} ${what} (more than ${MAX_FAILED_SHARE * 100} %)`);
  }
  return reasons.length === 0 ? { watched: true } : { watched: false, reasons };
}

/** More than the allowed share failed; a stage with no attempts is not blind (nothing to tell is not a failure). */
export function isBlind(tally: StageTally): boolean {
  return tally.failed > 0 && tally.failed > tally.attempted * MAX_FAILED_SHARE;
}
