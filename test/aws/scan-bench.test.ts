import { describe, expect, it } from 'vitest';
import { benchMain, runScanBench } from '../bench/scan-bench';
import { SCANS_PER_MONTH } from '../bench/scan-bench-cost';

describe('bench:scan on a small fleet (smoke test; the figures come from the full run in docs/scan-benchmark.md)', () => {
  it('runs the real scan over the fakes and dynalite, reading at most 500 queries a call and only what decisions need', async () => {
    const r = await runScanBench({ volumes: 300, scans: 2, burst: 2, hours: 24, latencyMs: 0, memoryMiB: 1024, timeoutSeconds: 300 });
    expect(r.volumes).toBe(300);
    expect(r.calls.DescribeVolumes).toBe(1);
    expect(r.peakQueriesPerCall).toBeLessThanOrEqual(500);
    expect(r.peakDatapointsPerCall).toBeLessThanOrEqual(100_800);
    // BurstBalance for every attached managed gp2 volume, never the four-metric full read for all.
    expect(r.metricsRequested).toBeGreaterThan(0);
    expect(r.metricsRequested).toBeLessThan(2 * r.managedGp2Volumes);
    expect(r.dynamoDbPerScan.readRequests).toBeLessThan(r.volumes / 2);
    expect(r.volumesDeferredMax).toBe(0);
    expect(r.monthlyCostBreakdownUSD.getMetricData).toBeCloseTo((r.metricsRequested * SCANS_PER_MONTH * 0.01) / 1000, 0);
    expect(r.costPerVolumeMonthUSD).toBeCloseTo(r.monthlyCostUSD / r.managedGp2Volumes, 2);
  }, 60_000);

  it('rejects a bad --volumes with exit code 2', async () => {
    const errors: string[] = [];
    expect(await benchMain(['--volumes', 'many'], () => undefined, (t) => errors.push(t))).toBe(2);
    expect(errors.join('')).toMatch(/--volumes/);
  });
});
