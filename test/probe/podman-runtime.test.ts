/**
 * Against a real Podman + runc: the Docker Engine API adapter, passive and active, and the CLI end
 * to end. One file on purpose: every podman service of one store reads the same event log, so these
 * tests must not run concurrently with each other (vitest runs one file's tests in sequence). The
 * store is private (podmanWorld), so containers that anything else on the machine starts meanwhile
 * are not counted here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerApiError } from '../../lambda/core/errors';
import { runActiveContainer } from '../../lambda/probe/active-run';
import { DockerEngineClient } from '../../lambda/probe/docker-engine-client';
import { main } from '../../lambda/probe/main';
import { PassiveStartSource } from '../../lambda/probe/passive-source';
import type { ProbeReport } from '../../lambda/probe/report';
import { captureIo } from './capture-io';
import { PROBE_IMAGE, podmanWorld, runContainersWithCli, startPodmanService, type PodmanService, type PodmanWorld } from './podman-service';

const IDS = ['--volume-id', 'vol-0abc1234def567890', '--instance-id', 'i-0123456789abcdef0', '--region', 'eu-west-1'];
let service: PodmanService;
let syncDir: string;
let worldDir: string;
let world: PodmanWorld;
beforeAll(async () => {
  syncDir = mkdtempSync(join(tmpdir(), 'probe-podman-'));
  worldDir = mkdtempSync(join(tmpdir(), 'probe-podman-world-'));
  world = podmanWorld(worldDir);
  service = await startPodmanService(world);
}, 60_000);
afterAll(async () => {
  rmSync(syncDir, { recursive: true, force: true });
  await service?.stop();
  rmSync(worldDir, { recursive: true, force: true });
}, 30_000);

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (let waited = 0; !condition() && waited < timeoutMs; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

describe('DockerEngineClient against podman system service', () => {
  it('reads the data root from /info', async () => {
    const client = new DockerEngineClient({ socketPath: service.socketPath });
    expect(await client.dataRoot()).toMatch(/^\/.+/);
  });

  it('measures create → start of real containers started with the podman CLI while it follows /events', async () => {
    const client = new DockerEngineClient({ socketPath: service.socketPath });
    const seen: string[] = [];
    const subscription = client.followContainerEvents((e) => seen.push(`${e.action}:${e.containerId}`));
    await subscription.ready;
    const source = new PassiveStartSource(client);
    expect(await source.connect()).toBe(true);
    await runContainersWithCli(3, world);
    await waitFor(() => seen.filter((s) => s.startsWith('remove:')).length >= 3, 10_000);
    subscription.stop();
    const taken = source.take(BigInt(Date.now()) * 1_000_000n);
    source.stop();
    expect(taken.kind).toBe('measured');
    if (taken.kind !== 'measured') return;
    expect(taken.value.startLatency?.count).toBe(3);
    expect(taken.value.startLatency?.p50Ms).toBeGreaterThan(0);
    expect(taken.value.startLatency?.maxMs).toBeLessThan(60_000);
    expect(taken.value.shortLivedRun?.count).toBe(3);
    expect(taken.value.unpairedStarts).toBe(0);
  }, 60_000);

  it('runs an active container end to end and removes it', async () => {
    const client = new DockerEngineClient({ socketPath: service.socketPath });
    const timings = await runActiveContainer(client, { image: PROBE_IMAGE, command: ['/bin/sh', '-c', 'exit 3'] });
    expect(timings.exitCode).toBe(3);
    expect(timings.totalMs).toBeGreaterThan(0);
    expect(timings.createMs + timings.startMs + timings.waitMs + timings.removeMs).toBeCloseTo(timings.totalMs, -1);
    const left = (await client.call('GET', '/containers/json?all=true')) as { Labels?: Record<string, string> }[];
    expect(left.filter((c) => c.Labels?.['ebs-burst-guardian.probe'] === 'active')).toEqual([]);
  }, 60_000);

  it('throws ContainerApiError with the status when the active image does not exist', async () => {
    const client = new DockerEngineClient({ socketPath: service.socketPath });
    const error = await runActiveContainer(client, { image: 'localhost/no-such-image:probe', command: ['/bin/true'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerApiError);
    expect((error as ContainerApiError).statusCode).toBe(404);
  }, 30_000);
});

describe('burst-probe --once --dry-run --json (the done-when command)', () => {
  it('reports count and p50/p90/max of containers started during the interval', async () => {
    const io = captureIo();
    const run = main(['--once', '--interval', '6s', '--dry-run', '--json', '--socket', service.socketPath, '--sync-dir', syncDir, ...IDS], io);
    await new Promise((r) => setTimeout(r, 700)); // the in-process subscription is up long before this
    await runContainersWithCli(3, world);
    expect(await run).toBe(0);
    const printed = JSON.parse(io.out.join('')) as { report: ProbeReport; putMetricData: { Namespace: string; MetricData: { MetricName: string; Value: number }[] }[] };
    const starts = printed.report.containerStarts;
    expect(starts.kind).toBe('measured');
    const stats = starts.kind === 'measured' ? starts.value.startLatency : undefined;
    expect(stats?.count).toBe(3);
    expect(stats?.p50Ms).toBeGreaterThan(0);
    expect(stats?.p90Ms).toBeGreaterThanOrEqual(stats?.p50Ms ?? Infinity);
    expect(printed.report.syncWrite.kind).toBe('measured');
    expect(printed.putMetricData[0]?.Namespace).toBe('EbsBurstGuardian/Probe');
    expect(printed.putMetricData[0]?.MetricData.find((d) => d.MetricName === 'ContainerStarts')?.Value).toBe(3);
  }, 60_000);
});

describe('burst-probe as a daemon', () => {
  it('runs the opt-in active container, prints EMF, and flushes on the stop signal', async () => {
    const io = captureIo();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 2500);
    const code = await main(['--interval', '1h', '--emf', '--socket', service.socketPath, '--sync-dir', syncDir, '--active-image', 'localhost/busybox:probe', '--active-command', '/bin/true', ...IDS], io, { stopSignal: stop.signal });
    expect(code).toBe(0);
    expect(io.out).toHaveLength(1);
    const emf = JSON.parse(io.out[0] ?? '') as Record<string, unknown>;
    expect(emf['ActiveContainerRunLatency']).toEqual(expect.any(Number));
    expect(emf['ContainerStarts']).toBe(1); // the active container's own start is seen passively too
    expect(emf['VolumeId']).toBe('vol-0abc1234def567890');
  }, 60_000);
});

describe('a missing socket', () => {
  it('throws ContainerApiError from a request', async () => {
    const client = new DockerEngineClient({ socketPath: '/nonexistent/probe.sock' });
    await expect(client.call('GET', '/info')).rejects.toThrow(ContainerApiError);
  });

  it('makes the passive source report unavailable with the reason, not throw', async () => {
    const source = new PassiveStartSource(new DockerEngineClient({ socketPath: '/nonexistent/probe.sock' }));
    expect(await source.connect()).toBe(false);
    expect(source.take(0n)).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/ENOENT/) });
  });
});
