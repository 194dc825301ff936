/**
 * EC2 basic monitoring publishes an instance's metrics (`EBSIOBalance%`, `EBSByteBalance%`, …) every
 * 5 minutes (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html): a
 * GetMetricData period shorter than that has a datapoint only where its bucket holds a 5-minute mark.
 */
export const BASIC_MONITORING_SECONDS = 300;

/** Whether the bucket [startSeconds, startSeconds + periodSeconds) holds a basic-monitoring datapoint. */
export function hasBasicMonitoringPoint(startSeconds: number, periodSeconds: number): boolean {
  return Math.ceil(startSeconds / BASIC_MONITORING_SECONDS) * BASIC_MONITORING_SECONDS < startSeconds + periodSeconds;
}
