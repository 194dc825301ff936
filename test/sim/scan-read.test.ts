import { describe, expect, it } from 'vitest';
import { guaranteedLeadSeconds, quietEveryScans } from '../../lambda/core/scan/cadence';
import { runSimulation, scenarioWorkload } from '../../lambda/sim/index';
import { readingPolicy, ScanReader, type ScanRead } from '../../lambda/sim/scan-read';

const START = 1_767_571_200;

/** Every read of one volume over `hours`, under `readPlan`. */
async function readsOf(scenario: string, readPlan: 'shipping' | 'full', hours = 3, mustRead = false, sizeGiB = 500): Promise<ScanRead[]> {
  const reads: ScanRead[] = [];
  let reader: ScanReader | undefined;
  await runSimulation({
    volume: { type: 'gp2', sizeGiB }, workload: scenarioWorkload(scenario), startEpochSeconds: START, durationSeconds: hours * 3600, seed: 1,
    onInterval: async ({ fleet, volume, nowEpochSeconds }) => {
      reader ??= new ScanReader({ fleet, policy: readingPolicy(300), readPlan });
      reads.push(await reader.read(volume, nowEpochSeconds, mustRead));
    },
  });
  return reads;
}

describe('ScanReader', () => {
  it('reads a full, flat bucket as the scan does: BurstBalance alone, one scan in quietEveryScans', async () => {
    const reads = await readsOf('constant:100', 'shipping');
    const read = reads.filter((r) => r.kind === 'read');
    expect(read.every((r) => r.metricsRequested === 1 && r.forecast.kind === 'full')).toBe(true);
    expect(read.length).toBeLessThanOrEqual(Math.ceil(reads.length / quietEveryScans({ type: 'gp2', sizeGiB: 500 }, 300, guaranteedLeadSeconds(readingPolicy(300), 300))) + 1);
    expect(reads.length - read.length).toBeGreaterThan(0);
  });

  it('reads every scan when the scan must (an open alert), whatever the cadence', async () => {
    const reads = await readsOf('constant:100', 'shipping', 3, true);
    expect(reads.every((r) => r.kind === 'read')).toBe(true);
  });

  it('reads a draining bucket every scan, with its I/O', async () => {
    const reads = await readsOf('constant:2000', 'shipping', 1, false, 100);
    expect(reads.every((r) => r.kind === 'read' && r.metricsRequested >= 3 && (r.series?.readOps.length ?? 0) > 0)).toBe(true);
  });

  it('reads every metric every scan under the full read (before issue 12)', async () => {
    const reads = await readsOf('constant:100', 'full');
    // BurstBalance, VolumeReadOps, VolumeWriteOps, VolumeIOPSExceededCheck.
    expect(reads.map((r) => r.metricsRequested)).toEqual(reads.map(() => 4));
  });
});
