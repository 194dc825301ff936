import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../lambda/core/policy/policy';
import { scanReport } from '../../../lambda/core/scan/fleet-loop';
import { RDS_MIN_REMAINING_MS, withRdsPass } from '../../../lambda/core/scan/rds-pass';
import type { ScanDeps } from '../../../lambda/core/scan/types';
import { MemoryHistoryStore } from '../../../lambda/sim/memory-history-store';

const NOW = 1_800_000_000;
const policy = parsePolicy('version: 1\nrds:\n  enabled: true\n', 'p.yaml');
const empty = scanReport({ runId: 'r', now: NOW, dryRun: true, results: [], errors: [], metricsRequested: 0, reconciled: 0, volumesDeferred: 0 });

function deps(remainingMs: number | undefined, listed: { count: number }): ScanDeps {
  const unused = () => Promise.reject(new Error('not expected'));
  return {
    inventory: { listVolumes: unused }, metrics: { readMetrics: unused }, modifier: { modifyVolume: unused, describeModifications: unused },
    notifier: { notify: unused }, history: new MemoryHistoryStore(), policy, runId: 'r',
    ...(remainingMs === undefined ? {} : { remainingTimeMs: () => remainingMs }),
    rds: {
      inventory: { listDbInstances: async () => { listed.count += 1; return []; } },
      metrics: { readRdsMetrics: unused },
      modifier: { modifyStorageType: unused },
    },
  };
}

describe('withRdsPass', () => {
  it('lists DB instances when the policy enables rds', async () => {
    const listed = { count: 0 };
    const report = await withRdsPass(deps(undefined, listed), policy, 'us-east-1', NOW, empty);
    expect(listed.count).toBe(1);
    expect(report.rds).toEqual({ instancesListed: 0, results: [], metricsRequested: 0, reconciled: 0 });
    expect(report.errors).toEqual([]);
  });

  it('never lists a DB instance under a policy without rds (the default)', async () => {
    const listed = { count: 0 };
    const report = await withRdsPass(deps(undefined, listed), parsePolicy('version: 1\n', 'p.yaml'), 'us-east-1', NOW, empty);
    expect(listed.count).toBe(0);
    expect(report).toBe(empty);
  });

  it('skips the pass, with an error that says so, when the volumes left too little time', async () => {
    const listed = { count: 0 };
    const report = await withRdsPass(deps(RDS_MIN_REMAINING_MS - 1, listed), policy, 'us-east-1', NOW, empty);
    expect(listed.count).toBe(0);
    expect(report.errors).toEqual([{ stage: 'inventory', resource: 'rds', message: '15 s left: RDS pass skipped this scan' }]);
    expect(report.counts.errors).toBe(1);
  });
});
