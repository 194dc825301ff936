import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../lambda/shared/cli-io';
import { createScanCommand } from '../../lambda/cli/scan-command';
import { FakeAws, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { drainingDb, FakeRds } from '../e2e/fake-rds';
import { useDynalite } from '../helpers/dynalite';

const dynalite = useDynalite();

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { AWS_REGION: 'us-east-1' }, cwd: process.cwd(), out: () => out, err: () => err };
}

describe('scan command with the rds section', () => {
  it('lists the opted-in DB instance beside the volumes, in a dry run asks RDS for nothing, and prints the alert with the manual command', async () => {
    const aws = new FakeAws([]);
    const rds = new FakeRds([drainingDb('orders-db', { 'burst-guardian': 'managed', team: 'payments' }, 12), drainingDb('analytics-db', { team: 'bi' })], () => NOW_EPOCH_SECONDS);
    aws.metricSources.push((stat, minutesAgo) => rds.metricValue(stat, minutesAgo));
    const run = createScanCommand({ clients: () => ({ ...aws.clients(dynalite.documentClient), rds: rds.rds }), nowEpochSeconds: () => NOW_EPOCH_SECONDS, readText: (p) => readFile(p, 'utf8'), runId: () => 'cli-rds' });
    const cli = io();
    await run(['--policy', 'test/fixtures/policies/rds-rescue.yaml'], cli);
    expect(rds.calls.ModifyDBInstance).toBe(0);
    expect(cli.out()).toMatch(/rds:orders-db +postgres +100 GiB +gp2 +1\d\.\d% +empty in \d+m +rescue \(dry-run\)/);
    expect(cli.out()).not.toContain('analytics-db');
    expect(cli.out()).toContain('0 volume(s) and 1 DB instance(s) (of 2 listed) scanned (dry run)');
    expect(cli.err()).toContain('aws rds modify-db-instance --region us-east-1 --db-instance-identifier orders-db --storage-type gp3 --apply-immediately');
  });
});
