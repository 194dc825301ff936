/**
 * The child process of `bench:scan`: one Lambda container, run with `--max-old-space-size` of the
 * deployed memory. It wires the real scan handler path (`createWiredScan` → `runScan`) to the fake
 * EC2/CloudWatch/SNS of scan-bench-aws.ts and the real DynamoDB history on the parent's dynalite,
 * runs scans spread over simulated hours, and writes its figures to a file. stdout carries what the
 * Lambda would print (Powertools logs and EMF metrics): the parent reads it for the custom metrics.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createWiredScan } from '../../lambda/handlers/wiring';
import { createFakeClients, type CallCounts, type FakeAccount } from './scan-bench-aws';
import { fleetVolume } from './scan-bench-fleet';
import { countCapacity, type CapacityCounts } from './scan-bench-capacity';

/** One scan's figures. */
export interface ScanFigures {
  readonly nowEpochSeconds: number;
  /** False for the first scan of a burst: no busy set from a scan 5 minutes before, so it reads every volume. */
  readonly warm: boolean;
  readonly wallMs: number;
  readonly volumesResting: number;
  readonly volumesScanned: number;
  readonly volumesDeferred: number;
  readonly metricsRequested: number;
  /** Of which `AWS/EC2` (instance EBS balances), counted at the fake. */
  readonly instanceMetricsRequested: number;
  readonly notifications: number;
  readonly errorsByStage: Record<string, number>;
  readonly calls: CallCounts;
  readonly dynamo: CapacityCounts;
}

/** What the child writes. */
export interface ChildFigures {
  readonly volumesInAccount: number;
  readonly volumesListed: number;
  readonly gp2Listed: number;
  readonly scans: readonly ScanFigures[];
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
  readonly peakQueriesPerCall: number;
  readonly peakDatapointsPerCall: number;
}

const ROOT = join(import.meta.dirname, '..', '..');
/** 2026-01-05T00:00:00Z, a Monday. */
export const BENCH_START_EPOCH_SECONDS = 1_767_571_200;

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      endpoint: { type: 'string' }, table: { type: 'string' }, volumes: { type: 'string' }, scans: { type: 'string' }, hours: { type: 'string' },
      burst: { type: 'string', default: '4' }, 'latency-ms': { type: 'string' }, 'timeout-s': { type: 'string' }, out: { type: 'string' }, 'no-ledger-index': { type: 'boolean', default: false }, 'burstable-instance-share': { type: 'string', default: '0' },
    },
  });
  // One volume in 20 of the account lacks the opt-in tag (short filtered pages): the account holds more than the listed N.
  const listed = Number(v.volumes);
  let volumes = listed;
  while (volumes - Math.floor((volumes + 1) / 20) < listed) volumes++;
  const account: FakeAccount = { volumes, latencyMs: Number(v['latency-ms']), burstableInstanceShare: Number(v['burstable-instance-share']), calls: zeroCalls(), instanceMetricsRequested: 0, modifications: new Map(), peakQueriesPerCall: 0, peakDatapointsPerCall: 0 };
  const low = new DynamoDBClient({ endpoint: v.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const capacity = countCapacity(low);
  const dynamo = DynamoDBDocumentClient.from(low, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = v.table ?? '';
  // Lever 4 off: the scan falls back to a Query and a GetItem per volume, as before the sparse-index ledger.
  if (v['no-ledger-index'] === true) Object.defineProperty(DynamoDbHistoryStore.prototype, 'readLedger', { value: undefined });
  await seedFlipped(new DynamoDbHistoryStore({ client: dynamo, tableName }), account);
  const policy = parsePolicy(readFileSync(join(ROOT, 'policy.yaml'), 'utf8'), 'policy.yaml');
  let now = BENCH_START_EPOCH_SECONDS;
  const fakes = createFakeClients(account);
  const { run } = createWiredScan({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bench', PROBE_NAMESPACE: 'EbsBurstGuardian/Probe', AWS_REGION: 'us-east-1' },
    policyJson: JSON.stringify(policy),
    clients: () => ({ ...fakes, dynamo }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => now,
  });
  const baselineRssMB = rssMB();
  const scans: ScanFigures[] = [];
  const count = Number(v.scans);
  const stepSeconds = Math.floor((Number(v.hours) * 3600) / count / 300) * 300;
  const timeoutMs = Number(v['timeout-s']) * 1000;
  let seen = 0;
  const burst = Number(v.burst);
  for (let i = 0; i < count * burst; i++) {
    const k = Math.floor(i / burst);
    // Each sampled hour runs a burst of scans 5 minutes apart, as the schedule does.
    now = BENCH_START_EPOCH_SECONDS + 3 * 3600 + k * stepSeconds + (i % burst) * 300;
    const callsBefore = { ...account.calls };
    const instanceMetricsBefore = account.instanceMetricsRequested;
    const capacityBefore = { ...capacity };
    const started = performance.now();
    const report = await run({ runId: `bench-${i}`, heartbeat: true, remainingTimeMs: () => timeoutMs - (performance.now() - started) });
    seen = report.volumesScanned + (report.volumesDeferred ?? 0) + (report.volumesResting ?? 0);
    const errorsByStage: Record<string, number> = {};
    for (const e of report.errors) errorsByStage[e.stage] = (errorsByStage[e.stage] ?? 0) + 1;
    scans.push({
      nowEpochSeconds: now, warm: i % burst !== 0, wallMs: Math.round(performance.now() - started), volumesResting: report.volumesResting ?? 0,
      volumesScanned: report.volumesScanned, volumesDeferred: report.volumesDeferred ?? 0,
      metricsRequested: report.metricsRequested, instanceMetricsRequested: account.instanceMetricsRequested - instanceMetricsBefore, notifications: report.counts.notifications, errorsByStage,
      calls: diff(account.calls, callsBefore), dynamo: diff(capacity, capacityBefore),
    });
  }
  const gp2Listed = Array.from({ length: volumes }, (_, i) => fleetVolume(i)).filter((f, i) => f.type === 'gp2' && i % 20 !== 19).length;
  const figures: ChildFigures = { volumesInAccount: volumes, volumesListed: seen, gp2Listed, scans, baselineRssMB, peakRssMB: rssMB(), peakQueriesPerCall: account.peakQueriesPerCall, peakDatapointsPerCall: account.peakDatapointsPerCall };
  writeFileSync(v.out ?? '/dev/null', JSON.stringify(figures));
}

/** The 2 % flipped volumes: a live rescue to gp3 a day before the bench starts, in the ledger and at EC2. */
async function seedFlipped(store: DynamoDbHistoryStore, account: FakeAccount): Promise<void> {
  const t = BENCH_START_EPOCH_SECONDS - 86_400;
  for (let i = 0; i < account.volumes; i++) {
    const f = fleetVolume(i);
    if (f.behaviour !== 'flipped') continue;
    const modificationId = `${String(t).padStart(12, '0')}#rescue`;
    await store.putIntent({
      volumeId: f.volumeId, modificationId, kind: 'rescue', requestedEpochSeconds: t, status: 'intent', from: { type: 'gp2' }, to: { type: 'gp3', iops: 3000, throughputMiBps: 125 },
      sizeGiB: f.sizeGiB, reason: 'bench: flipped before the run', dryRun: false, hourlyCostDeltaUSD: -0.0027, monthlyCostDeltaUSD: -2, burstBalanceBeforePercent: 12, runId: 'bench-seed',
    });
    await store.updateModification(f.volumeId, modificationId, 'intent', { status: 'completed', completedEpochSeconds: t + 600 });
    account.modifications.set(f.volumeId, {
      VolumeId: f.volumeId, ModificationState: 'completed', StartTime: new Date(t * 1000), EndTime: new Date((t + 600) * 1000), Progress: 100,
      OriginalVolumeType: 'gp2', TargetVolumeType: 'gp3', OriginalSize: f.sizeGiB, TargetSize: f.sizeGiB, TargetIops: 3000, TargetThroughput: 125,
    });
  }
}

function zeroCalls(): CallCounts {
  return { DescribeVolumes: 0, DescribeVolumesModifications: 0, DescribeInstances: 0, ModifyVolume: 0, GetMetricData: 0, Publish: 0 };
}

function diff<T extends Record<string, number>>(after: T, before: T): T {
  const out: Record<string, number> = {};
  for (const key of Object.keys(after)) out[key] = (after[key] ?? 0) - (before[key] ?? 0);
  return out as T;
}

function rssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:scan child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
