import { describe, expect, it } from 'vitest';
import { PolicyValidationError } from '../../lambda/core/errors';
import type { VolumeScanResult } from '../../lambda/core/scan/types';
import type { Forecast } from '../../lambda/core/types';
import { secondsToEmptyOf, summarizeReport } from '../../lambda/handlers/scan-metrics';
import type { ScanReport } from '../../lambda/core/scan/types';
import { loadEmbeddedPolicy, readGuardianEnvironment } from '../../lambda/handlers/wiring';

function result(forecast: Forecast, decisionKind: 'alert' | 'skip' | 'watch', volumeId = 'vol-1'): VolumeScanResult {
  const decisions = {
    skip: { volumeId: 'vol-1', kind: 'skip', skip: 'not-managed', reasons: [] },
    watch: { volumeId: 'vol-1', kind: 'watch', forecast, reasons: [] },
    alert: { volumeId: 'vol-1', kind: 'alert', severity: 'warning', forecast, reasons: [] },
  };
  const decision = decisions[decisionKind];
  return { volume: { volumeId, type: 'gp2', sizeGiB: 100, state: 'in-use', tags: {} }, forecast, decision: { ...decision, volumeId }, action: 'none' } as unknown as VolumeScanResult;
}

const DRAINING: Forecast = { kind: 'draining', balancePercent: 30, secondsToEmpty: 1234.6, minSecondsToEmpty: 600, basis: 'model', confidence: 0.9, demandPerSecond: 1000 } as Forecast;

describe('secondsToEmptyOf', () => {
  it.each<[string, Forecast, 'alert' | 'skip' | 'watch', number | undefined]>([
    ['a draining managed volume', DRAINING, 'alert', 1235],
    ['an empty managed volume', { kind: 'empty', balancePercent: 0, demandPerSecond: 900 }, 'alert', 0],
    ['a refilling volume', { kind: 'refilling', balancePercent: 40, secondsToFull: 100 }, 'alert', undefined],
    ['a full volume', { kind: 'full', balancePercent: 100 }, 'alert', undefined],
    ['a draining volume the policy does not manage', DRAINING, 'skip', undefined],
    ['a volume draining too slowly to alert on (no custom metric for it)', DRAINING, 'watch', undefined],
  ])('reports %s', (_label, forecast, decision, expected) => {
    expect(secondsToEmptyOf(result(forecast, decision))).toBe(expected);
  });
});

describe('summarizeReport', () => {
  it('lists the volumes at risk in the log line, soonest empty first (their figures are no longer per-volume metrics)', () => {
    const results = [result(DRAINING, 'alert', 'vol-a'), result(DRAINING, 'watch', 'vol-b'), result({ kind: 'empty', balancePercent: 0, demandPerSecond: 900 }, 'alert', 'vol-c')];
    const report = { results, errors: [], counts: {} } as unknown as ScanReport;
    const summary = summarizeReport(report, 10);
    expect(summary.volumesAtRisk).toBe(2);
    expect(summary.atRisk).toEqual([{ volumeId: 'vol-c', secondsToEmpty: 0, decision: 'alert' }, { volumeId: 'vol-a', secondsToEmpty: 1235, decision: 'alert' }]);
  });
});

describe('loadEmbeddedPolicy', () => {
  it('applies the schema defaults to a minimal policy', () => {
    const policy = loadEmbeddedPolicy(JSON.stringify({ version: 1 }));
    expect(policy.dryRun).toBe(true);
  });

  it('rejects a wrong field with PolicyValidationError naming the field path', () => {
    expect(() => loadEmbeddedPolicy(JSON.stringify({ version: 1, alerting: { horizonMinutes: 'soon' } }))).toThrow(PolicyValidationError);
    expect(() => loadEmbeddedPolicy(JSON.stringify({ version: 1, alerting: { horizonMinutes: 'soon' } }))).toThrow(/alerting\.horizonMinutes/);
  });
});

describe('readGuardianEnvironment', () => {
  it('reads the variables the CDK construct sets', () => {
    expect(readGuardianEnvironment({ TABLE_NAME: 't', TOPIC_ARN: 'arn', PROBE_NAMESPACE: 'P', AWS_REGION: 'eu-west-1' })).toEqual({ tableName: 't', topicArn: 'arn', probeNamespace: 'P', region: 'eu-west-1' });
  });

  it('prices with the Price List API only when PRICE_SOURCE says so', () => {
    expect(readGuardianEnvironment({ TABLE_NAME: 't', TOPIC_ARN: 'arn', PRICE_SOURCE: 'price-list-api' }).priceSource).toBe('price-list-api');
    expect(readGuardianEnvironment({ TABLE_NAME: 't', TOPIC_ARN: 'arn', PRICE_SOURCE: 'other' }).priceSource).toBeUndefined();
  });

  it('throws when a required variable is empty', () => {
    expect(() => readGuardianEnvironment({ TABLE_NAME: '', TOPIC_ARN: 'arn' })).toThrow(/TABLE_NAME/);
    expect(readGuardianEnvironment({ TABLE_NAME: 't', TOPIC_ARN: 'pages', NOTICE_TOPIC_ARN: 'notices' })).toMatchObject({ topicArn: 'pages', noticeTopicArn: 'notices' });
  });
});
