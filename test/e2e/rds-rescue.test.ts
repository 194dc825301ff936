import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { rdsNotDeployedPorts } from '../../lambda/handlers/rds-not-deployed';
import { createScanHandler } from '../../lambda/handlers/scan';
import { awsError, drainingVolume, FakeAws, NOW_EPOCH_SECONDS, type FakeVolume } from './fake-aws';
import { drainingDb, FakeRds } from './fake-rds';
import { useDynalite } from '../helpers/dynalite';
import { captureJsonLines } from '../helpers/capture';

const dynalite = useDynalite();

const POLICY = parsePolicy(
  ['version: 1', 'dryRun: false', 'rds:', '  enabled: true', '  rescue: true', 'rescue:', '  trigger:', '    horizonMinutes: 60'].join('\n'),
  'rds-live.yaml',
);

afterEach(() => {
  vi.restoreAllMocks();
});

/** A guardian deployment over fake EC2/CloudWatch/SNS/RDS and a real DynamoDB (dynalite), with a movable clock. */
async function setup(dbs = [drainingDb('orders-db'), drainingDb('analytics-db', { team: 'bi' })], policy = POLICY, volumes: FakeVolume[] = [], create = createScanHandler) {
  let now = NOW_EPOCH_SECONDS;
  const aws = new FakeAws(volumes, () => now);
  const rds = new FakeRds(dbs, () => now);
  aws.metricSources.push((stat, minutesAgo) => rds.metricValue(stat, minutesAgo));
  const tableName = await dynalite.createHistoryTable();
  const handler = create({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson: JSON.stringify(policy),
    clients: () => ({ ...aws.clients(dynalite.documentClient), rds: rds.rds }),
    logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => now,
  });
  const history = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
  let run = 0;
  const scan = async (atEpochSeconds: number) => {
    now = atEpochSeconds;
    captureJsonLines();
    const result = await handler({}, { awsRequestId: `req-${++run}`, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:guardian' });
    vi.restoreAllMocks();
    return result;
  };
  return { aws, rds, history, scan };
}

describe('RDS on gp2, end to end (fake RDS, real DynamoDB)', () => {
  it('moves an opted-in draining gp2 DB instance to gp3 with ModifyDBInstance, records intent and result, and follows it to completed', async () => {
    const { aws, rds, history, scan } = await setup();
    const first = await scan(NOW_EPOCH_SECONDS);
    expect(first.counts.rescues).toBe(1);
    // Only the opted-in instance, only StorageType and ApplyImmediately (no IOPS: RDS refuses them on gp3 < 400 GiB).
    expect(rds.modifyInputs).toEqual([{ DBInstanceIdentifier: 'orders-db', StorageType: 'gp3', ApplyImmediately: true }]);
    const records = await history.listModifications('rds:orders-db');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'rescue', status: 'modifying', from: { type: 'gp2' }, to: { type: 'gp3' }, sizeGiB: 100, dryRun: false,
      resource: { kind: 'rds', identifier: 'orders-db', engine: 'postgres' }, accountId: '123456789012', region: 'us-east-1',
    });
    // gp2 and gp3 RDS storage have the same bundled us-east-1 price: the flip costs nothing.
    expect(records[0]?.monthlyCostDeltaUSD).toBe(0);
    const events = await history.listEvents('rds:orders-db');
    expect(events.map((e) => e.kind)).toEqual(['rescue']);
    expect(events[0]?.details).toMatchObject({ resourceKind: 'rds', identifier: 'orders-db', from: 'gp2', to: 'gp3' });
    expect(await history.listModifications('rds:analytics-db')).toEqual([]);
    const message = JSON.parse(aws.published[0]?.Message ?? '{}') as { email: string };
    expect(aws.published[0]?.Subject).toContain('rds:orders-db');
    expect(message.email).toContain('DB instance: orders-db (postgres), gp2 storage, 100 GiB');
    expect(message.email).toContain('aws rds describe-db-instances --region us-east-1 --db-instance-identifier orders-db');

    // The volumes' reconciliation leaves the open RDS record alone (no DescribeVolumesModifications for it): no error.
    expect((await scan(NOW_EPOCH_SECONDS + 600)).errors).toBe(0);
    expect(aws.calls.DescribeVolumesModifications).toBe(0);
    expect((await history.listModifications('rds:orders-db'))[0]?.status).toBe('optimizing');
    expect((await scan(NOW_EPOCH_SECONDS + 3 * 3600)).errors).toBe(0);
    expect((await history.listModifications('rds:orders-db'))[0]).toMatchObject({ status: 'completed' });
    // One storage change, never a second, never a revert.
    expect(rds.calls.ModifyDBInstance).toBe(1);
  });

  it('honours RDS cooldown: a storage change a person made 5 h ago is refused (InvalidParameterCombination), recorded as rejected, paged once, and not retried every scan', async () => {
    const { aws, rds, history, scan } = await setup([drainingDb('orders-db')]);
    rds.modifyAsHuman('orders-db', { allocatedStorageGiB: 100 }, NOW_EPOCH_SECONDS - 5 * 3600);
    const first = await scan(NOW_EPOCH_SECONDS);
    expect(first.errors).toBe(1);
    const [record] = await history.listModifications('rds:orders-db');
    expect(record).toMatchObject({ status: 'rejected', retryAfterEpochSeconds: NOW_EPOCH_SECONDS + 3600 });
    expect(record?.statusMessage).toMatch(/InvalidParameterCombination.*6 hours/);
    expect((await history.listEvents('rds:orders-db')).map((e) => e.kind)).toEqual(['failure']);
    expect(aws.published.map((p) => p.Subject)).toEqual([expect.stringMatching(/^\[CRITICAL\] rds:orders-db: rescue FAILED; empties in ~\d+m \(08:\d\d UTC\); rescue it by hand$/)]);
    const failed = (JSON.parse(aws.published[0]?.Message ?? '{}') as { email: string }).email;
    expect(failed).toContain('it tries again not before 2027-01-15T09:00:00Z');
    expect(failed).toContain('aws rds modify-db-instance --region us-east-1 --db-instance-identifier orders-db --storage-type gp3 --apply-immediately');
    // 15 min later: blocked by the back-off, no call, and on-call is not paged again within the repeat interval.
    await scan(NOW_EPOCH_SECONDS + 900);
    expect(rds.calls.ModifyDBInstance).toBe(1);
    expect(aws.published).toHaveLength(1);
  });

  it('never asks while RDS optimizes the storage: blocked, no ModifyDBInstance', async () => {
    const db = { ...drainingDb('orders-db'), status: 'storage-optimization' };
    const { rds, history, scan } = await setup([db]);
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(result.counts.blocked).toBe(1);
    expect(rds.calls.ModifyDBInstance).toBe(0);
    expect(await history.listModifications('rds:orders-db')).toEqual([]);
  });

  it('records a throttled ModifyDBInstance as not-sent and rescues on the next scan', async () => {
    const { rds, history, scan } = await setup([drainingDb('orders-db')]);
    rds.inject('ModifyDBInstance', awsError('Throttling', 'Rate exceeded'));
    await scan(NOW_EPOCH_SECONDS);
    expect((await history.listModifications('rds:orders-db')).map((r) => r.status)).toEqual(['not-sent']);
    await scan(NOW_EPOCH_SECONDS + 300);
    expect((await history.listModifications('rds:orders-db')).map((r) => r.status)).toEqual(['not-sent', 'modifying']);
    expect(rds.calls.ModifyDBInstance).toBe(2);
  });

  it('closes the intent as deleted when the DB instance is gone by the time ModifyDBInstance is answered (DBInstanceNotFound)', async () => {
    const { rds, history, scan } = await setup([drainingDb('orders-db')]);
    rds.inject('ModifyDBInstance', () => rds.instances.delete('orders-db'));
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(result.errors).toBe(1);
    expect((await history.listModifications('rds:orders-db')).map((r) => r.status)).toEqual(['volume-deleted']);
  });

  it('reads a failed AWS/RDS GetMetricData as insufficient data: no storage change', async () => {
    const { aws, rds, history, scan } = await setup([drainingDb('orders-db')]);
    aws.inject('GetMetricData', { error: awsError('InternalServiceError', 'internal error', 500) });
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(result.errors).toBe(1);
    expect(rds.calls.ModifyDBInstance).toBe(0);
    expect(await history.listModifications('rds:orders-db')).toEqual([]);
  });

  it('reads no metric of a gp2 instance of 1,000 GiB or more (modelled as one volume it never spends credits)', async () => {
    const { aws, rds, scan } = await setup([{ ...drainingDb('big-db'), allocatedStorageGiB: 1000 }]);
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(aws.calls.GetMetricData).toBe(0);
    expect(result.errors).toBe(0);
    expect(rds.calls.ModifyDBInstance).toBe(0);
  });

  it('goes on with the volumes when DescribeDBInstances fails, and says so', async () => {
    const everyVolume = parsePolicy('version: 1\ndryRun: false\nselection:\n  optInTag: null\nrds:\n  enabled: true\n  rescue: true\n', 'rds-and-volumes.yaml');
    const { aws, rds, scan } = await setup([drainingDb('orders-db')], everyVolume, [drainingVolume(1)]);
    rds.inject('DescribeDBInstances', awsError('Throttling', 'Rate exceeded'));
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(result.errors).toBe(1);
    expect(rds.calls.ModifyDBInstance).toBe(0);
    expect(result.counts.rescues).toBe(1);
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
  });

  it('fails loudly, and still scans the volumes, when a runtime policy enables rds but the deployed bundle was built without it', async () => {
    // The CDK construct defines GUARDIAN_BUNDLE_RDS "false" for a policy without rds (lib/guardian-function.ts).
    vi.stubEnv('GUARDIAN_BUNDLE_RDS', 'false');
    vi.resetModules();
    const { createScanHandler: withoutRds } = await import('../../lambda/handlers/scan');
    vi.unstubAllEnvs();
    const everyVolume = parsePolicy('version: 1\ndryRun: false\nselection:\n  optInTag: null\nrds:\n  enabled: true\n  rescue: true\n', 'rds-and-volumes.yaml');
    const { aws, rds, scan } = await setup([drainingDb('orders-db')], everyVolume, [drainingVolume(1)], withoutRds);
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(result.errors).toBe(1);
    expect(rds.calls.DescribeDBInstances ?? 0).toBe(0);
    expect(result.counts.rescues).toBe(1);
    // The scan error carries the fix (the scan's log line and the errors alarm show it).
    await expect(rdsNotDeployedPorts().inventory.listDbInstances()).rejects.toThrow('run `cdk deploy` with this policy');
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
  });

  it('shares budgets.maxModificationsPerRun with the volumes: a volume rescued first leaves no room for the DB instance this scan, which goes next scan', async () => {
    const oneModification = parsePolicy('version: 1\ndryRun: false\nselection:\n  optInTag: null\nbudgets:\n  maxModificationsPerRun: 1\nrds:\n  enabled: true\n  rescue: true\n', 'one-per-run.yaml');
    const { aws, rds, history, scan } = await setup([drainingDb('orders-db')], oneModification, [drainingVolume(1)]);
    const first = await scan(NOW_EPOCH_SECONDS);
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
    expect(rds.calls.ModifyDBInstance ?? 0).toBe(0);
    expect(first.counts.rescues).toBe(1);
    const [alert] = await history.listEvents('rds:orders-db');
    expect(alert?.kind).toBe('alert');
    expect(alert?.summary).toContain('rescue deferred: budgets.maxModificationsPerRun (1) reached this run, volumes and DB instances together');
    // Next scan the volume is flipped already (nothing to do), so the budget is the DB instance's.
    await scan(NOW_EPOCH_SECONDS + 300);
    expect(rds.calls.ModifyDBInstance).toBe(1);
    expect(aws.modifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
  });

  it('with rds.rescue false only alerts, with the manual command, and modifies nothing', async () => {
    const alertsOnly = parsePolicy('version: 1\ndryRun: false\nrds:\n  enabled: true\n', 'rds-alerts.yaml');
    const { aws, rds, scan } = await setup([drainingDb('orders-db', undefined, 10)], alertsOnly);
    const result = await scan(NOW_EPOCH_SECONDS);
    expect(result.counts.alerts).toBe(1);
    expect(rds.calls.ModifyDBInstance).toBe(0);
    const email = (JSON.parse(aws.published[0]?.Message ?? '{}') as { email: string }).email;
    expect(email).toContain('aws rds modify-db-instance --region us-east-1 --db-instance-identifier orders-db --storage-type gp3 --apply-immediately');
    expect(email).toContain('https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=orders-db;is-cluster=false');
    expect(email).toMatch(/Credits empty at: 2027-01-15T08:\d\d:\d\dZ \(in ~\d+m\)/);
    expect(email).toContain('account 123456789012');
  });
});
