/** Against a real Podman + runc: the probe's Docker Engine API adapter, passive and active. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerApiError } from '../../lambda/core/errors';
import { runActiveContainer } from '../../lambda/probe/active-run';
import { DockerEngineClient } from '../../lambda/probe/docker-engine-client';
import { PassiveStartSource } from '../../lambda/probe/passive-source';
import { PROBE_IMAGE, runContainersWithCli, startPodmanService, type PodmanService } from './podman-service';

let service: PodmanService;
beforeAll(async () => {
  service = await startPodmanService();
}, 30_000);
afterAll(async () => service?.stop(), 30_000);

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
    await runContainersWithCli(3);
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
