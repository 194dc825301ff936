import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanError } from '../../lambda/core/scan/types';
import { scanReport } from '../../lambda/core/scan/fleet-loop';
import { addScanMetrics, addStageErrorMetrics, countStageErrors } from '../../lambda/handlers/scan-metrics';
import { GUARDIAN_METRICS } from '../../lambda/shared/guardian-metric-names';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stage error metrics', () => {
  it.each<[ScanError['stage'], string]>([
    ['inventory', 'inventory'],
    ['metrics', 'metrics'],
    ['record', 'history'],
    ['act', 'modify'],
    ['decide', 'modify'],
    ['notify', 'notify'],
    ['reconcile', 'reconcile'],
  ])('counts a %s error under the %s alarm', (stage, guardianStage) => {
    const counts = countStageErrors([{ stage, volumeId: 'vol-1', message: 'x' }, { stage, message: 'y' }]);
    expect(counts).toMatchObject({ [guardianStage]: 2 });
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('emits only the stages that had errors, in the guardian namespace with the service dimension', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const metrics = new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' });
    addStageErrorMetrics(metrics, [
      { stage: 'notify', volumeId: 'vol-1', message: 'AuthorizationErrorException' },
      { stage: 'notify', volumeId: 'vol-2', message: 'AuthorizationErrorException' },
      { stage: 'record', volumeId: 'vol-2', message: 'ThrottlingException' },
    ]);
    metrics.publishStoredMetrics();
    vi.restoreAllMocks();
    const doc = JSON.parse(written.join('').split('\n').find((l) => l.includes('_aws')) ?? '{}') as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } };
    expect(doc._aws.CloudWatchMetrics[0]?.Namespace).toBe('EbsBurstGuardian');
    expect(doc._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name).sort()).toEqual(['HistoryErrors', 'NotifyErrors']);
    expect(doc).toMatchObject({ NotifyErrors: 2, HistoryErrors: 1, service: 'ebs-burst-guardian' });
  });
});

describe('scan metrics', () => {
  it('emits the volumes a scan deferred under the name the VolumesDeferred alarm watches, 0 included', () => {
    const emitted = (volumesDeferred: number): Record<string, unknown> => {
      const written: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
      const metrics = new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' });
      const report = scanReport({ runId: 'run-1', now: 1_767_571_200, dryRun: true, results: [], errors: [], metricsRequested: 0, reconciled: 0, volumesDeferred });
      addScanMetrics(metrics, report, { durationMs: 10, heartbeat: true });
      metrics.publishStoredMetrics();
      vi.restoreAllMocks();
      return JSON.parse(written.join('').split('\n').find((l) => l.includes('_aws')) ?? '{}') as Record<string, unknown>;
    };
    expect(emitted(40_000)).toMatchObject({ [GUARDIAN_METRICS.volumesDeferred]: 40_000 });
    expect(emitted(0)).toMatchObject({ [GUARDIAN_METRICS.volumesDeferred]: 0 });
  });
});
