import { describe, expect, it } from 'vitest';
import { addUsageToDay, GUARDIAN_PRICES, runningCost, UNKNOWN_ORIGIN, type ScanUsage, type UsageDay } from '../../../lambda/core/report/running-cost';

const scan = (t: number, overrides: Partial<ScanUsage> = {}): ScanUsage => ({
  accountId: '111111111111', region: 'eu-west-1', tEpochSeconds: t, metricsRequested: 1_000, memoryMiB: 512, durationMs: 4_000, dynamoReadUnits: 2, dynamoWriteUnits: 3, metricSeries: 12, ...overrides,
});
const OCT_5 = Date.UTC(2026, 9, 5) / 1000;

function days(scans: readonly ScanUsage[]): UsageDay[] {
  const byKey = new Map<string, UsageDay>();
  for (const s of scans) {
    const key = `${s.accountId}|${s.region}|${new Date(s.tEpochSeconds * 1000).toISOString().slice(0, 10)}`;
    byKey.set(key, addUsageToDay(byKey.get(key), s));
  }
  return [...byKey.values()];
}

describe('runningCost', () => {
  it('prices each component from the measured counts (hand-computed)', () => {
    // Two scans in hour 10, one in hour 11: 3 scans, 3,000 metrics, 512 MiB × 12 s = 6 GB-s, 6 RRU, 9 WRU, 2 hours × 12 series.
    const rc = runningCost(days([scan(OCT_5 + 36_000), scan(OCT_5 + 36_300), scan(OCT_5 + 39_600)]), { sinceEpochSeconds: OCT_5, untilEpochSeconds: OCT_5 + 86_400 });
    expect(rc.total).toMatchObject({ scans: 3, lambdaInvocations: 3, metricsRequested: 3_000, lambdaGbSeconds: 6, dynamoReadUnits: 6, dynamoWriteUnits: 9, metricSeriesHours: 24 });
    expect(rc.total.getMetricDataUSD).toBeCloseTo(0.03, 12);
    expect(rc.total.lambdaUSD).toBeCloseTo(6 * 0.0000133334 + 3 * 0.0000002, 12);
    expect(rc.total.dynamoDbUSD).toBeCloseTo(6 * 0.000000125 + 9 * 0.000000625, 12);
    expect(rc.total.customMetricsUSD).toBeCloseTo((24 / 730) * 0.3, 12);
    expect(rc.total.totalUSD).toBeCloseTo(rc.total.getMetricDataUSD + rc.total.lambdaUSD + rc.total.dynamoDbUSD + rc.total.customMetricsUSD, 12);
    expect(GUARDIAN_PRICES.getMetricDataPerMetric).toBe(0.00001);
  });

  it('counts only the days that start inside the period, and groups usage without an origin as unknown', () => {
    const usage = days([scan(OCT_5 - 3_600), scan(OCT_5 + 60, { accountId: undefined, region: undefined }), scan(OCT_5 + 86_400)]);
    const rc = runningCost(usage, { sinceEpochSeconds: OCT_5, untilEpochSeconds: OCT_5 + 86_400 });
    expect(rc.total.scans).toBe(1);
    expect(rc.daysRecorded).toBe(1);
    expect(rc.byAccount.map((l) => l.key)).toEqual([UNKNOWN_ORIGIN]);
    expect(rc.byRegion.map((l) => l.key)).toEqual([UNKNOWN_ORIGIN]);
  });

  it('per account and per region add up to the total', () => {
    const usage = days([
      scan(OCT_5 + 100), scan(OCT_5 + 200, { accountId: '222222222222', metricsRequested: 7_777 }), scan(OCT_5 + 300, { region: 'us-east-1', memoryMiB: 0 }),
      scan(OCT_5 + 400_000, { region: 'ap-southeast-2', metricSeries: 40 }),
    ]);
    const rc = runningCost(usage, { sinceEpochSeconds: OCT_5, untilEpochSeconds: OCT_5 + 30 * 86_400 });
    const sum = (lines: readonly { totalUSD: number }[]) => lines.reduce((s, l) => s + l.totalUSD, 0);
    expect(rc.byAccount).toHaveLength(2);
    expect(rc.byRegion).toHaveLength(3);
    expect(sum(rc.byAccount)).toBeCloseTo(rc.total.totalUSD, 12);
    expect(sum(rc.byRegion)).toBeCloseTo(rc.total.totalUSD, 12);
    expect(rc.total.lambdaInvocations).toBe(3);
  });
});
