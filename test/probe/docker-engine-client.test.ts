import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerApiError } from '../../lambda/core/errors';
import { DockerEngineClient, parseEventLine } from '../../lambda/probe/docker-engine-client';

describe('parseEventLine', () => {
  const podman = '{"status":"create","id":"922a","from":"localhost/busybox:probe","Type":"container","Action":"create","Actor":{"ID":"922a","Attributes":{}},"scope":"local","time":1795759083,"timeNano":1795759083457039839}';

  it('reads a Podman compat event with its nanosecond time', () => {
    // JSON numbers are doubles: timeNano keeps ~256 ns precision, plenty for millisecond latencies.
    expect(parseEventLine(podman)).toEqual({ action: 'create', containerId: '922a', timeNanos: BigInt(Number('1795759083457039839')) });
  });

  it.each([
    ['a Docker event without status, id only in Actor', '{"Type":"container","Action":"start","Actor":{"ID":"abc"},"time":10,"timeNano":10000000123}', { action: 'start', containerId: 'abc', timeNanos: 10000000123n }],
    ['an event with seconds only', '{"Type":"container","Action":"die","id":"abc","time":10}', { action: 'die', containerId: 'abc', timeNanos: 10_000_000_000n }],
    ['an image event', '{"Type":"image","Action":"pull","id":"x","time":1}', undefined],
    ['an event without time', '{"Type":"container","Action":"start","id":"x"}', undefined],
    ['garbage', 'not json', undefined],
    ['null', 'null', undefined],
  ])('handles %s', (_name, line, expected) => {
    expect(parseEventLine(line)).toEqual(expected);
  });
});

describe('DockerEngineClient on a loopback unix socket', () => {
  let server: Server;
  let dir: string;
  let socketPath: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'probe-engine-'));
    socketPath = join(dir, 'engine.sock');
    server = createServer((req, res) => {
      if (req.url === '/info') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"DockerRootDir":"/var/lib/docker"}');
      if (req.url === '/garbage') return void res.writeHead(200).end('<html>');
      if (req.url?.startsWith('/events')) return void res.writeHead(500).end('{"message":"no events"}');
      res.writeHead(404).end('{"message":"page not found"}');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the data root', async () => {
    expect(await new DockerEngineClient({ socketPath }).dataRoot()).toBe('/var/lib/docker');
  });

  it('throws ContainerApiError with the status on a non-2xx answer', async () => {
    const error = await new DockerEngineClient({ socketPath }).call('GET', '/nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerApiError);
    expect((error as ContainerApiError).statusCode).toBe(404);
  });

  it('throws ContainerApiError when a 2xx body is not JSON', async () => {
    await expect(new DockerEngineClient({ socketPath }).call('GET', '/garbage')).rejects.toThrow(ContainerApiError);
  });

  it('rejects the event subscription with ContainerApiError when /events answers an error', async () => {
    const subscription = new DockerEngineClient({ socketPath }).followContainerEvents(() => undefined);
    await expect(subscription.ready).rejects.toThrow(ContainerApiError);
    await subscription.done;
  });
});
