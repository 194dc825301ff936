import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { CloudWatchRdsMetricsReader } from '../../lambda/aws/cloudwatch-rds-metrics-reader';
import { mapRdsError } from '../../lambda/aws/rds-errors';
import { DESCRIBE_DB_INSTANCES_PAGE_SIZE, RdsInstanceInventory } from '../../lambda/aws/rds-instance-inventory';
import { RdsStorageModifier } from '../../lambda/aws/rds-storage-modifier';
import {
  ApiThrottledError,
  DbInstanceNotFoundError,
  InvalidModificationError,
  ModificationInProgressError,
  ModificationRateExceededError,
  NotAuthorizedError,
} from '../../lambda/core/errors';
import { awsError, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { drainingDb, FakeRds } from '../e2e/fake-rds';

describe('RdsInstanceInventory (DescribeDBInstances)', () => {
  it('follows Marker through every page, asks MaxRecords 100, and reads tags from TagList', async () => {
    const fake = new FakeRds(['a', 'b', 'c', 'd', 'e'].map((id) => drainingDb(`db-${id}`)), () => NOW_EPOCH_SECONDS);
    const listed = await new RdsInstanceInventory({ client: fake.rds }).listDbInstances();
    expect(listed.map((i) => i.identifier)).toEqual(['db-a', 'db-b', 'db-c', 'db-d', 'db-e']);
    expect(fake.calls.DescribeDBInstances).toBe(3);
    expect(listed[0]).toMatchObject({ engine: 'postgres', storageType: 'gp2', allocatedStorageGiB: 100, status: 'available', tags: { 'burst-guardian': 'managed' } });
    expect(DESCRIBE_DB_INSTANCES_PAGE_SIZE).toBe(100);
  });

  it('throws ApiThrottledError when DescribeDBInstances is throttled (the SDK retried already)', async () => {
    const fake = new FakeRds([drainingDb('db-a')], () => NOW_EPOCH_SECONDS);
    fake.inject('DescribeDBInstances', awsError('Throttling', 'Rate exceeded'));
    await expect(new RdsInstanceInventory({ client: fake.rds }).listDbInstances()).rejects.toThrow(ApiThrottledError);
  });

  it('reads PendingModifiedValues.StorageType and the cluster of Aurora instances', async () => {
    const client = new RDSClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    mockClient(client).on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'x', Engine: 'mysql', StorageType: 'gp2', AllocatedStorage: 50, DBInstanceStatus: 'modifying', PendingModifiedValues: { StorageType: 'gp3' } },
        { DBInstanceIdentifier: 'aur', Engine: 'aurora-postgresql', StorageType: 'aurora', AllocatedStorage: 1, DBInstanceStatus: 'available', DBClusterIdentifier: 'c1' },
        { DBInstanceIdentifier: 'no-size', StorageType: 'gp2' },
      ],
    });
    const listed = await new RdsInstanceInventory({ client }).listDbInstances();
    expect(listed).toEqual([
      { identifier: 'x', engine: 'mysql', storageType: 'gp2', allocatedStorageGiB: 50, status: 'modifying', pendingStorageType: 'gp3', tags: {} },
      { identifier: 'aur', engine: 'aurora-postgresql', storageType: 'aurora', allocatedStorageGiB: 1, status: 'available', clusterIdentifier: 'c1', tags: {} },
    ]);
  });
});

describe('the fake DescribeDBInstances answers as documented', () => {
  it('rejects MaxRecords outside 20–100 (InvalidParameterValue)', async () => {
    const fake = new FakeRds([drainingDb('db-a')], () => NOW_EPOCH_SECONDS);
    await expect(fake.rds.send(new DescribeDBInstancesCommand({ MaxRecords: 5 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('fails the whole call with DBInstanceNotFound for a named instance that does not exist', async () => {
    const fake = new FakeRds([drainingDb('db-a')], () => NOW_EPOCH_SECONDS);
    await expect(fake.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'gone' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault', $metadata: { httpStatusCode: 404 } });
  });
});

describe('RdsStorageModifier (ModifyDBInstance)', () => {
  it('sends StorageType gp3 with ApplyImmediately and nothing else, and returns the pending change', async () => {
    const fake = new FakeRds([drainingDb('db-a')], () => NOW_EPOCH_SECONDS);
    const change = await new RdsStorageModifier({ client: fake.rds }).modifyStorageType({ identifier: 'db-a', targetType: 'gp3' });
    expect(fake.modifyInputs).toEqual([{ DBInstanceIdentifier: 'db-a', StorageType: 'gp3', ApplyImmediately: true }]);
    expect(change).toEqual({ identifier: 'db-a', status: 'modifying', storageType: 'gp2', pendingStorageType: 'gp3' });
  });

  it('throws DbInstanceNotFoundError for an instance that is gone', async () => {
    const fake = new FakeRds([], () => NOW_EPOCH_SECONDS);
    await expect(new RdsStorageModifier({ client: fake.rds }).modifyStorageType({ identifier: 'gone', targetType: 'gp3' })).rejects.toThrow(DbInstanceNotFoundError);
  });

  it('throws ModificationInProgressError while the storage is optimized, ModificationRateExceededError within 6 h', async () => {
    let now = NOW_EPOCH_SECONDS;
    const fake = new FakeRds([drainingDb('db-a'), drainingDb('db-b')], () => now);
    const modifier = new RdsStorageModifier({ client: fake.rds });
    await modifier.modifyStorageType({ identifier: 'db-a', targetType: 'gp3' });
    now += 600;
    await expect(modifier.modifyStorageType({ identifier: 'db-a', targetType: 'gp3' })).rejects.toThrow(ModificationInProgressError);
    fake.modifyAsHuman('db-b', { allocatedStorageGiB: 120 }, now - 3600);
    await expect(modifier.modifyStorageType({ identifier: 'db-b', targetType: 'gp3' })).rejects.toThrow(ModificationRateExceededError);
  });
});

describe('mapRdsError', () => {
  it.each([
    ['DBInstanceNotFoundFault', 'DBInstance x not found.', DbInstanceNotFoundError],
    ['InvalidDBInstanceStateFault', 'Database instance is not in available state.', ModificationInProgressError],
    ['InvalidParameterCombination', "You can't currently modify the storage of this DB instance because the previous storage change is being optimized.", ModificationInProgressError],
    ['InvalidParameterCombination', "You can't specify IOPS or storage throughput for engine postgres and a storage size less than 400.", InvalidModificationError],
    ['StorageTypeNotSupportedFault', 'gp3 is not supported', InvalidModificationError],
    ['Throttling', 'Rate exceeded', ApiThrottledError],
    ['AccessDenied', 'not authorized to perform: rds:ModifyDBInstance', NotAuthorizedError],
  ])('maps %s (%s) to its domain error, keeping the cause', (code, message, expected) => {
    const original = awsError(code, message);
    const mapped = mapRdsError(original, 'ModifyDBInstance');
    expect(mapped).toBeInstanceOf(expected);
    expect((mapped as Error).cause).toBe(original);
  });

  it('returns an unknown error unchanged', () => {
    const original = new Error('socket hang up');
    expect(mapRdsError(original, 'ModifyDBInstance')).toBe(original);
  });
});

describe('CloudWatchRdsMetricsReader (AWS/RDS)', () => {
  it('asks exactly the planned metrics per DBInstanceIdentifier and turns ReadIOPS/WriteIOPS averages into operations per period', async () => {
    const client = new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const mock = mockClient(client).on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'd0_bb', StatusCode: 'Complete', Timestamps: [new Date(60_000), new Date(0)], Values: [40, 41] },
        { Id: 'd0_ri', StatusCode: 'Complete', Timestamps: [new Date(0)], Values: [500] },
        { Id: 'd0_wi', StatusCode: 'Complete', Timestamps: [new Date(0)], Values: [250] },
        { Id: 'd1_bb', StatusCode: 'InternalError', Timestamps: [], Values: [] },
      ],
    });
    const result = await new CloudWatchRdsMetricsReader({ client }).readRdsMetrics({
      instances: [{ identifier: 'orders-db', fields: ['burstBalancePercent', 'readOps', 'writeOps'] }, { identifier: 'other', fields: ['burstBalancePercent'] }],
      startEpochSeconds: 0, endEpochSeconds: 600, periodSeconds: 60,
    });
    const queries = mock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries.map((q) => [q.Id, q.MetricStat?.Metric?.Namespace, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Metric?.Dimensions, q.MetricStat?.Stat])).toEqual([
      ['d0_bb', 'AWS/RDS', 'BurstBalance', [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }], 'Average'],
      ['d0_ri', 'AWS/RDS', 'ReadIOPS', [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }], 'Average'],
      ['d0_wi', 'AWS/RDS', 'WriteIOPS', [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }], 'Average'],
      ['d1_bb', 'AWS/RDS', 'BurstBalance', [{ Name: 'DBInstanceIdentifier', Value: 'other' }], 'Average'],
    ]);
    expect(result.metricsRequested).toBe(4);
    expect(result.series.get('orders-db')).toEqual({
      volumeId: 'orders-db', periodSeconds: 60,
      burstBalancePercent: [{ tEpochSeconds: 0, value: 41 }, { tEpochSeconds: 60, value: 40 }],
      readOps: [{ tEpochSeconds: 0, value: 30_000 }], writeOps: [{ tEpochSeconds: 0, value: 15_000 }],
    });
    expect(result.series.has('other')).toBe(false);
    expect(result.errors.get('other')?.message).toContain('InternalError');
  });
});
