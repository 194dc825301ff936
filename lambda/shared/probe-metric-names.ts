/**
 * The probe's CloudWatch vocabulary, in one place so the probe, the guardian's metrics reader and
 * the dashboard use the same names. Pure constants: safe to import from anywhere.
 */

/** Default namespace the probe publishes to and the guardian reads from. */
export const PROBE_NAMESPACE = 'EbsBurstGuardian/Probe';

/** Dimension names on every probe datum (the guardian joins on `VolumeId`). */
export const PROBE_DIMENSIONS = { volumeId: 'VolumeId', instanceId: 'InstanceId' } as const;

/** Metric names the probe publishes, with the unit each is published in. */
export const PROBE_METRICS = {
  /** create → start of containers that started in the interval, 50th percentile, ms. */
  containerStartLatencyP50: 'ContainerStartLatencyP50',
  /** create → start, 90th percentile, ms (what the guardian's policy compares). */
  containerStartLatencyP90: 'ContainerStartLatencyP90',
  /** create → start, slowest container of the interval, ms. */
  containerStartLatencyMax: 'ContainerStartLatencyMax',
  /** Containers that started in the interval (Count; 0 is published, latencies then are not). */
  containerStarts: 'ContainerStarts',
  /** The active probe's own create + start + wait + remove, end to end, ms. */
  activeContainerRunLatency: 'ActiveContainerRunLatency',
  /** Mean time of one 1 MiB O_SYNC write into the data root's filesystem, ms. */
  syncWriteLatency: 'SyncWriteLatency',
  /** Threads in uninterruptible sleep (state D) at the end of the interval (Count). */
  dStateThreads: 'DStateThreads',
} as const;

/** One of the probe's metric names. */
export type ProbeMetricName = (typeof PROBE_METRICS)[keyof typeof PROBE_METRICS];

/** CloudWatch unit of each probe metric. */
export const PROBE_METRIC_UNITS: Readonly<Record<ProbeMetricName, 'Milliseconds' | 'Count'>> = {
  ContainerStartLatencyP50: 'Milliseconds',
  ContainerStartLatencyP90: 'Milliseconds',
  ContainerStartLatencyMax: 'Milliseconds',
  ContainerStarts: 'Count',
  ActiveContainerRunLatency: 'Milliseconds',
  SyncWriteLatency: 'Milliseconds',
  DStateThreads: 'Count',
};
