import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

// A loopback IMDSv2 as https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html
// describes it: PUT /latest/api/token with a TTL header answers a token; metadata GETs need that token (401 without).
import { fetchInstanceIdentity } from '../../lambda/probe/imds';

let server: Server | undefined;
const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];

/** Starts a loopback IMDSv2 imitation: token via PUT, metadata only with that token. */
async function startImds(behaviour: 'ok' | 'v1-only' | 'hang'): Promise<string> {
  seen.length = 0;
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (behaviour === 'hang') return; // never answers: the client's timeout must fire
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (behaviour === 'v1-only') return void res.writeHead(403).end();
      return void res.writeHead(200).end('TOKEN-123');
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== 'TOKEN-123') return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/instance-id') return void res.writeHead(200).end('i-0123456789abcdef0');
    if (req.url === '/latest/meta-data/placement/region') return void res.writeHead(200).end('eu-west-1');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('fetchInstanceIdentity', () => {
  it('gets a token first, then the instance id and region with it', async () => {
    const endpoint = await startImds('ok');
    expect(await fetchInstanceIdentity({ endpoint })).toEqual({ kind: 'ec2', instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' });
    // The SDK client asks for a token before each request; IMDS serves many per TTL.
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /latest/api/token', 'GET /latest/meta-data/instance-id', 'PUT /latest/api/token', 'GET /latest/meta-data/placement/region']);
    expect(seen[0]?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('300');
  });

  it('never falls back to IMDSv1 (no token, no metadata request)', async () => {
    const endpoint = await startImds('v1-only');
    await fetchInstanceIdentity({ endpoint });
    expect(seen.filter((r) => r.method === 'GET')).toEqual([]);
  });

  it('answers unavailable when the token is refused', async () => {
    const endpoint = await startImds('v1-only');
    expect(await fetchInstanceIdentity({ endpoint })).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/IMDSv2 unreachable.*IMDSv1 is disabled/) });
  });

  it('answers unavailable when IMDS does not answer within the timeout', async () => {
    const endpoint = await startImds('hang');
    expect(await fetchInstanceIdentity({ endpoint, timeoutMs: 200 })).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/exceeded the configured 200 ms/) });
  });

  it('answers unavailable when nothing listens', async () => {
    const endpoint = await startImds('ok');
    server?.close();
    expect(await fetchInstanceIdentity({ endpoint })).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});
