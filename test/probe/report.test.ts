import { describe, expect, it } from 'vitest';
import { PROBE_NAMESPACE } from '../../lambda/shared/probe-metric-names';
import { buildMetricData, formatEmf, formatSummary, reportValues, type ProbeReport } from '../../lambda/probe/report';
import { FULL_REPORT } from './report-fixtures';

const DIMENSIONS = [
  { Name: 'VolumeId', Value: 'vol-0abc1234def567890' },
  { Name: 'InstanceId', Value: 'i-0123456789abcdef0' },
];

describe('buildMetricData', () => {
  it('turns a full report into one datum per metric, stamped at the interval end', () => {
    const at = new Date(1_795_759_060_000);
    expect(buildMetricData(FULL_REPORT)).toEqual([
      { MetricName: 'ContainerStarts', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Count', Value: 12 },
      { MetricName: 'ContainerStartLatencyP50', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Milliseconds', Value: 210.5 },
      { MetricName: 'ContainerStartLatencyP90', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Milliseconds', Value: 3020 },
      { MetricName: 'ContainerStartLatencyMax', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Milliseconds', Value: 82000 },
      { MetricName: 'ActiveContainerRunLatency', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Milliseconds', Value: 3400 },
      { MetricName: 'SyncWriteLatency', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Milliseconds', Value: 10 },
      { MetricName: 'DStateThreads', Dimensions: DIMENSIONS, Timestamp: at, Unit: 'Count', Value: 3 },
    ]);
  });

  it('publishes zero starts but no latencies for a quiet interval, and nothing for unavailable sources', () => {
    const quiet: ProbeReport = {
      ...FULL_REPORT,
      containerStarts: { kind: 'measured', value: { startLatency: undefined, shortLivedRun: undefined, unpairedStarts: 0 } },
      active: { kind: 'skipped', reason: 'opt-in' },
      syncWrite: { kind: 'unavailable', reason: 'no dir' },
    };
    expect(reportValues(quiet)).toEqual({ ContainerStarts: 0, DStateThreads: 3 });
  });

  it('publishes no container metric at all when the socket is missing', () => {
    expect(reportValues({ ...FULL_REPORT, containerStarts: { kind: 'unavailable', reason: 'ENOENT' } })).not.toHaveProperty('ContainerStarts');
  });

  it.each([
    { field: 'volumeId' as const },
    { field: 'instanceId' as const },
  ])('yields nothing when the $field is unknown (the guardian could not join it)', ({ field }) => {
    const report = { ...FULL_REPORT, [field]: undefined };
    expect(buildMetricData(report)).toEqual([]);
    expect(formatEmf(report, PROBE_NAMESPACE)).toBeUndefined();
  });
});

describe('formatEmf', () => {
  it('prints one Embedded Metric Format object with the directive, dimensions and values', () => {
    const line = formatEmf({ ...FULL_REPORT, active: { kind: 'skipped', reason: 'opt-in' } }, 'Custom/NS');
    expect(JSON.parse(line ?? '')).toEqual({
      _aws: {
        Timestamp: 1_795_759_060_000,
        CloudWatchMetrics: [{
          Namespace: 'Custom/NS',
          Dimensions: [['VolumeId', 'InstanceId']],
          Metrics: [
            { Name: 'ContainerStarts', Unit: 'Count' },
            { Name: 'ContainerStartLatencyP50', Unit: 'Milliseconds' },
            { Name: 'ContainerStartLatencyP90', Unit: 'Milliseconds' },
            { Name: 'ContainerStartLatencyMax', Unit: 'Milliseconds' },
            { Name: 'SyncWriteLatency', Unit: 'Milliseconds' },
            { Name: 'DStateThreads', Unit: 'Count' },
          ],
        }],
      },
      VolumeId: 'vol-0abc1234def567890',
      InstanceId: 'i-0123456789abcdef0',
      ContainerStarts: 12, ContainerStartLatencyP50: 210.5, ContainerStartLatencyP90: 3020, ContainerStartLatencyMax: 82000,
      SyncWriteLatency: 10, DStateThreads: 3,
    });
    expect(line).not.toContain('\n');
  });
});

describe('formatSummary', () => {
  it('says everything on one line', () => {
    expect(formatSummary(FULL_REPORT)).toBe(
      'vol-0abc1234def567890 on i-0123456789abcdef0 | starts 12 p50 210.5 ms p90 3020 ms max 82000 ms | active 3400 ms | sync-write 10 ms/MiB | D-state 3 (systemd-udevd×2 kworker/0:1×1)',
    );
  });
});
