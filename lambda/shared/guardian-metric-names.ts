/**
 * The guardian's own CloudWatch vocabulary (what the scan handler emits, what the alarms and the
 * dashboard read). Pure constants, no CDK import: the handlers may import this file too, so the
 * stack and the code that publishes can never disagree on a name.
 */

/** Namespace of the guardian's own metrics (`METRICS_NAMESPACE` in the handlers). */
export const GUARDIAN_METRICS_NAMESPACE = 'EbsBurstGuardian';

/** `POWERTOOLS_SERVICE_NAME`: Powertools Metrics adds it as the `service` dimension of every datum. */
export const GUARDIAN_SERVICE_NAME = 'ebs-burst-guardian';

/** The dimension Powertools Metrics adds by default (https://docs.powertools.aws.dev/lambda/typescript/latest/core/metrics/). */
export const GUARDIAN_SERVICE_DIMENSION = 'service';

/** Metric names the scan emits in `GUARDIAN_METRICS_NAMESPACE`, all with the `service` dimension. */
export const GUARDIAN_METRICS = {
  /**
   * 1 after a scheduled scan that could watch: inventory, metrics, history and notifications each
   * worked for all but a small share (`assessScanWatch` in lambda/core/scan/watch.ts). Never 0:
   * a blind scan emits nothing, and the heartbeat alarm counts the silence. Count.
   */
  scanSucceeded: 'ScanSucceeded',
  /** The shortest forecast seconds to empty among the managed volumes at risk; only when there is one. Seconds. */
  secondsToEmpty: 'SecondsToEmpty',
  /** ModifyVolume calls made (or, in dry run, that would have been made). Count. */
  modificationsRequested: 'ModificationsRequested',
  /** SNS notifications published (a failed Publish is not counted: see `NotifyErrors`). Count. */
  alertsSent: 'AlertsSent',
  /** Volumes whose processing failed within a scan (the scan itself went on). Count. */
  volumeErrors: 'VolumeErrors',
  /**
   * 1 per run that could not use the policy stored in Parameter Store (invalid or unreadable) and ran
   * on the last good one (lambda/handlers/runtime-policy.ts). Emitted only when it happens. Count.
   */
  policyLoadErrors: 'PolicyLoadErrors',
  /**
   * Volumes a scan left for the next one because its time ran out (it resumes after a cursor).
   * Emitted every scheduled run, 0 included. Count.
   */
  volumesDeferred: 'VolumesDeferred',
} as const;

/** The stages a guardian run can fail in, each with its own error metric and alarm. */
export const GUARDIAN_STAGES = ['inventory', 'metrics', 'history', 'modify', 'notify', 'reconcile'] as const;

/** One stage of `GUARDIAN_STAGES`. */
export type GuardianStage = (typeof GUARDIAN_STAGES)[number];

/**
 * Error count per stage and run, in `GUARDIAN_METRICS_NAMESPACE` with the `service` dimension.
 * Emitted only when non-zero: custom metrics are billed for the hours they are published
 * (https://aws.amazon.com/cloudwatch/pricing/), and their alarms treat silence as "no errors".
 */
export const GUARDIAN_STAGE_ERROR_METRICS: Readonly<Record<GuardianStage, string>> = {
  /** DescribeVolumes failed: nothing was listed, so nothing was watched. */
  inventory: 'InventoryErrors',
  /** GetMetricData failed for a volume (or a whole call): no forecast, no action for it. */
  metrics: 'MetricsErrors',
  /** The history table could not be read or written (ledger, notification state, events). */
  history: 'HistoryErrors',
  /** ModifyVolume (or DescribeVolumesModifications while deciding) failed. */
  modify: 'ModifyErrors',
  /** SNS Publish failed: on-call was not told. */
  notify: 'NotifyErrors',
  /** An open modification could not be refreshed from EC2 or its result not recorded. */
  reconcile: 'ReconcileErrors',
};
