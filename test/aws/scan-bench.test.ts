import { describe, expect, it } from 'vitest';
import { benchMain, runScanBench, SCANS_PER_MONTH } from '../bench/scan-bench';

describe('bench:scan on the mocked fleet', () => {
  it('lists 1,234 volumes in 3 pages and reads their metrics in ⌈metrics ÷ 500⌉ calls', async () => {
    // The mocks answer above the SDK's retry middleware: a mocked throttle is one the SDK gave up on,
    // so the call counts are measured without throttling (test/aws/sdk-retry.test.ts covers the retries).
    const result = await runScanBench({ volumes: 1234, latencyMs: 0, throttleRate: 0, seed: 7 });
    expect(result.volumes).toBe(1234);
    expect(result.calls.DescribeVolumes).toBe(3);
    expect(result.calls.GetMetricData).toBe(Math.ceil(result.metricsRequested / 500));
    expect(result.volumesWithErrors).toBe(0);
    expect(result.peakQueriesPerCall).toBeLessThanOrEqual(500);
    expect(result.peakDatapointsPerCall).toBeLessThanOrEqual(100_800);
    expect(result.monthlyCostUSD).toBeCloseTo((result.metricsRequested * SCANS_PER_MONTH * 0.01) / 1000, 2);
    expect(Object.values(result.forecasts).reduce((a, b) => a + b, 0)).toBe(1234);
  });

  it('rejects a bad --volumes with exit code 2', async () => {
    const errors: string[] = [];
    expect(await benchMain(['--volumes', 'many'], () => undefined, (t) => errors.push(t))).toBe(2);
    expect(errors.join('')).toMatch(/--volumes/);
  });
});
