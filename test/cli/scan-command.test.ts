import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { PolicyValidationError, UsageError } from '../../lambda/core/errors';
import type { CliIo } from '../../lambda/shared/cli-io';
import { main } from '../../lambda/cli/main';
import { createScanCommand } from '../../lambda/cli/scan-command';
import { awsError, drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';

const LIVE = 'test/fixtures/policies/rescue-live.yaml';
const DRY = 'dry.yaml';
const BROKEN = 'broken.yaml';

const dynalite = useDynalite();

function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { AWS_REGION: 'us-east-1' },
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

async function readText(path: string): Promise<string> {
  const live = await readFile(resolve(LIVE), 'utf8');
  if (path === resolve(DRY)) return live.replace('dryRun: false', 'dryRun: true');
  if (path === resolve(BROKEN)) return 'version: 1\ndryRun: maybe\n';
  return readFile(path, 'utf8');
}

function command() {
  const aws = new FakeAws([drainingVolume(1), idleVolume(2)]);
  const clients = vi.fn(() => aws.clients(dynalite.documentClient));
  const run = createScanCommand({ clients, nowEpochSeconds: () => NOW_EPOCH_SECONDS, readText, runId: () => 'cli-test' });
  return { aws, clients, run };
}

describe('scan command', () => {
  it.each([
    [['scan', '--bogus']],
    [['scan', 'extra-arg']],
    [['scan', '--execute', '--policy', LIVE]],
    [['scan', '--region']],
  ])('exits 2 on the usage error %j', async (argv) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(/burst-guardian scan:/);
  });

  it('rejects --execute without --table with UsageError before touching AWS', async () => {
    const { run, clients } = command();
    await expect(run(['--execute', '--policy', LIVE], captureIo())).rejects.toBeInstanceOf(UsageError);
    expect(clients).not.toHaveBeenCalled();
  });

  it('rejects an invalid policy file with PolicyValidationError naming the file', async () => {
    const { run } = command();
    await expect(run(['--policy', BROKEN], captureIo())).rejects.toThrow(PolicyValidationError);
    await expect(run(['--policy', BROKEN], captureIo())).rejects.toThrow(/broken\.yaml:2/);
  });

  it('prints a table and modifies nothing without --execute, even with an acting policy', async () => {
    const { run, aws, clients } = command();
    const io = captureIo();
    expect(await run(['--policy', LIVE, '--profile', 'ops'], io)).toBe(0);
    expect(clients).toHaveBeenCalledWith({ region: 'us-east-1', profile: 'ops' });
    expect(aws.modifyCalls.size).toBe(0);
    expect(aws.dryRunModifyCalls.get(drainingVolume(1).volumeId)).toBe(1);
    const [header, ...rows] = io.out().trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['VOLUME', 'NAME', 'SIZE', 'TYPE', 'BALANCE', 'FORECAST', 'DECISION', 'REASON']);
    expect(rows[0]).toMatch(/^vol-0+1\s+ci-1\s+100 GiB\s+gp2\s+\d+\.\d%\s+empty in .+\s+rescue \(dry-run\)/);
    expect(rows[1]).toMatch(/^vol-0+2\s+idle-2\s+100 GiB\s+gp2\s+100\.0%/);
    expect(io.out()).toMatch(/2 volume\(s\) scanned \(dry run\)/);
    expect(io.err()).toMatch(/dry run: no volume is modified/);
    expect(io.err()).toMatch(/nothing is recorded/);
    expect(io.err()).toMatch(/notification \(not sent\)/);
    expect(aws.published).toEqual([]);
  });

  it('with --execute modifies only what the policy allows and records it in --table', async () => {
    const { run, aws } = command();
    const tableName = await dynalite.createHistoryTable();
    const io = captureIo();
    expect(await run(['--policy', LIVE, '--execute', '--table', tableName, '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:t'], io)).toBe(0);
    expect(io.err()).toMatch(/EXECUTE/);
    expect([...aws.modifyCalls]).toEqual([[drainingVolume(1).volumeId, 1]]);
    expect(aws.published.length).toBeGreaterThan(0);
    const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    expect((await store.listModifications(drainingVolume(1).volumeId)).map((r) => [r.kind, r.status, r.runId])).toEqual([['rescue', 'modifying', 'cli-test']]);
  });

  it('with --execute and a dryRun: true policy modifies nothing and says why', async () => {
    const { run, aws } = command();
    const io = captureIo();
    expect(await run(['--policy', DRY, '--execute', '--table', await dynalite.createHistoryTable()], io)).toBe(0);
    expect(io.err()).toMatch(/policy says dryRun: true/);
    expect(aws.modifyCalls.size).toBe(0);
  });

  it('prints the report as JSON with --json', async () => {
    const { run } = command();
    const io = captureIo();
    expect(await run(['--policy', LIVE, '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as { dryRun: boolean; volumesScanned: number; volumes: { volume: string; decision: { kind: string }; action: string }[] };
    expect(report).toMatchObject({ dryRun: true, volumesScanned: 2 });
    expect(report.volumes.map((v) => [v.volume, v.decision.kind, v.action])).toEqual([
      [drainingVolume(1).volumeId, 'rescue', 'dry-run'],
      [idleVolume(2).volumeId, expect.any(String), 'none'],
    ]);
  });

  it('exits 1 and prints the error when no volume can be listed', async () => {
    const { run, aws } = command();
    aws.inject('DescribeVolumes', { error: awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403) });
    const io = captureIo();
    expect(await run(['--policy', LIVE], io)).toBe(1);
    expect(io.out()).toMatch(/error \[inventory\]: NotAuthorizedError/);
    expect(io.out()).toMatch(/0 volume\(s\) scanned/);
  });

  it('exits 1 and says why when every GetMetricData call is denied (the scan saw nothing to forecast)', async () => {
    const { run, aws } = command();
    aws.outage('GetMetricData', awsError('AccessDenied', 'User is not authorized to perform: cloudwatch:GetMetricData', 403));
    const io = captureIo();
    expect(await run(['--policy', LIVE], io)).toBe(1);
    expect(io.err()).toMatch(/the scan could not watch: metrics: 2 of 2 volumes without metrics/);
    expect(aws.dryRunModifyCalls.size).toBe(0);
  });

  it('with --table but without --execute reads the ledger and writes nothing to the table', async () => {
    const { run, aws } = command();
    const tableName = await dynalite.createHistoryTable();
    const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    const io = captureIo();
    expect(await run(['--policy', LIVE, '--table', tableName], io)).toBe(0);
    expect(io.err()).toMatch(/nothing is written/);
    expect(aws.modifyCalls.size).toBe(0);
    const volumeId = drainingVolume(1).volumeId;
    expect(await store.listEvents(volumeId)).toEqual([]);
    expect(await store.getNotificationState(volumeId)).toBeUndefined();
    expect(await store.listModifications(volumeId)).toEqual([]);
  });

  it('with --execute but no --topic-arn records the modification but not the printed alert as sent', async () => {
    const { run, aws } = command();
    const tableName = await dynalite.createHistoryTable();
    const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    const io = captureIo();
    expect(await run(['--policy', LIVE, '--execute', '--table', tableName], io)).toBe(0);
    const volumeId = drainingVolume(1).volumeId;
    expect(aws.modifyCalls.get(volumeId)).toBe(1);
    expect(io.err()).toMatch(/notification \(not sent\)/);
    expect((await store.listModifications(volumeId)).map((r) => r.status)).toEqual(['modifying']);
    expect(await store.getNotificationState(volumeId)).toBeUndefined();
  });
});
