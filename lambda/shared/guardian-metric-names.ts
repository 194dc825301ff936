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
  /** 1 after a scan that finished (volume failures included); the heartbeat alarm reads it. Count. */
  scanSucceeded: 'ScanSucceeded',
  /** Forecast seconds until a volume's bucket is empty, extra dimension `VolumeId`. Seconds. */
  secondsToEmpty: 'SecondsToEmpty',
  /** ModifyVolume calls made (or, in dry run, that would have been made). Count. */
  modificationsRequested: 'ModificationsRequested',
  /** SNS notifications sent. Count. */
  alertsSent: 'AlertsSent',
  /** Volumes whose processing failed within a scan (the scan itself went on). Count. */
  volumeErrors: 'VolumeErrors',
} as const;
