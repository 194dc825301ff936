import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { drainingDb, FakeRds } from './fake-rds';

/** The fake's DescribeDBInstances answers as API_DescribeDBInstances.html documents (see fake-rds.ts). */
describe('FakeRds DescribeDBInstances', () => {
  const fake = () => new FakeRds([drainingDb('orders-db'), drainingDb('users-db')], () => 1_800_000_000);

  it('finds a named instance whatever the case of its identifier, or by its ARN', async () => {
    const rds = fake();
    const byUpper = await rds.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'Orders-DB' }));
    expect(byUpper.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['orders-db']);
    const byArn = await rds.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:users-db' }));
    expect(byArn.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['users-db']);
  });

  it('fails the whole call for a named instance that does not exist, and refuses MaxRecords outside 20–100', async () => {
    const rds = fake();
    await expect(rds.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'gone-db' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault', $metadata: { httpStatusCode: 404 } });
    await expect(rds.rds.send(new DescribeDBInstancesCommand({ MaxRecords: 19 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
