/** The `burst-probe` CLI without a container runtime, CloudWatch mocked (the Podman cases live in podman-runtime.test.ts). */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lambda/probe/main';
import { captureIo } from './capture-io';

const cw = mockClient(CloudWatchClient);
const IDS = ['--volume-id', 'vol-0abc1234def567890', '--instance-id', 'i-0123456789abcdef0', '--region', 'eu-west-1'];
let syncDir: string;
let emptyProc: string;

beforeAll(async () => {
  syncDir = mkdtempSync(join(tmpdir(), 'probe-main-'));
  emptyProc = mkdtempSync(join(tmpdir(), 'probe-proc-'));
});
afterAll(async () => {
  rmSync(syncDir, { recursive: true, force: true });
  rmSync(emptyProc, { recursive: true, force: true });
});
beforeEach(() => cw.reset());

const cloudWatch = () => new CloudWatchClient({ region: 'eu-west-1' });

describe('burst-probe without a container runtime', () => {
  it('still reports and publishes what it can, saying what it could not', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const io = captureIo();
    const code = await main(['--once', '--interval', '200ms', '--socket', '/nonexistent/docker.sock', '--sync-dir', syncDir, ...IDS], io, { cloudWatch });
    expect(code).toBe(0);
    expect(io.err.join('')).toMatch(/note: container events: .*ENOENT/);
    const input = cw.commandCalls(PutMetricDataCommand)[0]?.args[0].input;
    expect(input?.Namespace).toBe('EbsBurstGuardian/Probe');
    expect(input?.MetricData?.map((d) => d.MetricName)).toEqual(['SyncWriteLatency', 'DStateThreads']);
    expect(input?.MetricData?.[0]?.Dimensions).toEqual([{ Name: 'VolumeId', Value: 'vol-0abc1234def567890' }, { Name: 'InstanceId', Value: 'i-0123456789abcdef0' }]);
  });

  it('exits 1 when publishing fails, keeping the SDK error name in the message', async () => {
    cw.on(PutMetricDataCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const io = captureIo();
    const code = await main(['--once', '--interval', '100ms', '--socket', '/nonexistent/docker.sock', '--sync-write-mib', '0', ...IDS], io, { cloudWatch });
    expect(code).toBe(1);
    expect(io.err.join('')).toMatch(/PutMetricData batch 1\/1 .* failed: AccessDenied/);
  });

  it('as a daemon, keeps the datums of a failed publish and sends them with the next interval', async () => {
    cw.on(PutMetricDataCommand).rejectsOnce(Object.assign(new Error('slow down'), { name: 'Throttling' })).resolves({});
    const io = captureIo();
    const stop = new AbortController();
    const args = ['--interval', '150ms', '--socket', '/nonexistent/docker.sock', '--sync-write-mib', '0', ...IDS];
    const run = main(args, io, { cloudWatch, stopSignal: stop.signal });
    for (let waited = 0; cw.commandCalls(PutMetricDataCommand).length < 2 && waited < 5000; waited += 25) await new Promise((r) => setTimeout(r, 25));
    stop.abort();
    expect(await run).toBe(0);
    const calls = cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.map((d) => d.MetricName));
    expect(calls[0]).toEqual(['DStateThreads']);
    expect(calls[1]).toEqual(['DStateThreads', 'DStateThreads']);
    expect(io.err.join('')).toMatch(/failed: Throttling; keeping 1 unsent datums/);
  });

  it('exits 1 in publish mode when the volume is unknown, telling to pass --volume-id', async () => {
    const io = captureIo();
    const code = await main(['--once', '--interval', '100ms', '--socket', '/nonexistent/docker.sock', '--sync-write-mib', '0', '--proc-root', emptyProc, '--instance-id', 'i-0123456789abcdef0', '--region', 'eu-west-1'], io, { cloudWatch });
    expect(code).toBe(1);
    expect(io.err.join('')).toMatch(/pass --volume-id/);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('takes the instance id and region from IMDSv2 when not given', async () => {
    const imds = createServer((req, res) => {
      if (req.method === 'PUT') return void res.end('T');
      res.end(req.url === '/latest/meta-data/instance-id' ? 'i-0fedcba9876543210' : 'ap-southeast-2');
    });
    await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
    const io = captureIo();
    const endpoint = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
    const code = await main(['--once', '--interval', '100ms', '--dry-run', '--json', '--socket', '/nonexistent/docker.sock', '--sync-write-mib', '0', '--volume-id', 'vol-0abc1234def567890', '--imds-endpoint', endpoint], io);
    await new Promise((resolve) => imds.close(resolve));
    expect(code).toBe(0);
    const printed = JSON.parse(io.out.join('')) as { report: { instanceId: string; region: string } };
    expect(printed.report).toMatchObject({ instanceId: 'i-0fedcba9876543210', region: 'ap-southeast-2', identitySource: { instanceId: 'IMDSv2', region: 'IMDSv2' } });
    expect(io.err.join('')).toContain('burst-probe: identity: instance i-0fedcba9876543210 (from IMDSv2), region ap-southeast-2 (from IMDSv2)');
  });

  it('takes the identity from the environment of a container and says so', async () => {
    const io = { ...captureIo(), env: { BURST_PROBE_INSTANCE_ID: 'i-0123456789abcdef0', AWS_REGION: 'eu-west-1' } };
    const code = await main(['--once', '--interval', '100ms', '--dry-run', '--json', '--socket', '/nonexistent/docker.sock', '--sync-write-mib', '0', '--volume-id', 'vol-0abc1234def567890', '--imds-endpoint', 'http://127.0.0.1:9'], io);
    expect(code).toBe(0);
    expect(io.err.join('')).toContain('identity: instance i-0123456789abcdef0 (from env BURST_PROBE_INSTANCE_ID), region eu-west-1 (from env AWS_REGION)');
  });

  it('takes --sync-dir for the data root when no Docker-API runtime answers (a containerd node)', async () => {
    const io = captureIo();
    const code = await main(['--once', '--interval', '100ms', '--dry-run', '--json', '--socket', '/nonexistent/docker.sock', '--sync-dir', syncDir, '--proc-root', emptyProc, ...IDS], io);
    expect(code).toBe(0);
    const printed = JSON.parse(io.out.join('')) as { report: { notes: string[]; syncWrite: { kind: string } } };
    expect(printed.report.notes).toContainEqual(expect.stringMatching(new RegExp(`^data root: runtime not reachable .*; assuming ${syncDir}$`)));
    expect(printed.report.syncWrite.kind).toBe('measured');
  });

  it('rejects bad usage with exit code 2 and prints the usage', async () => {
    const io = captureIo();
    expect(await main(['--interval', 'soon'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/--interval: 'soon' is not a duration[\s\S]*usage: burst-probe/);
  });

  it('prints the usage for --help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/^usage: burst-probe/);
  });
});
