/**
 * Where the probe's instance id and region come from, and that it says so. IMDS and the ECS task
 * metadata endpoint are loopback imitations (never 169.254.x): IMDSv2 as
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html
 * describes it (PUT token, then GET with it), ECS as
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-response.html
 * (`/task` answers JSON with `TaskARN`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeIdentity, parseResourceHostname, resolveInstance, type InstanceLookup } from '../../lambda/probe/instance-identity';

const servers: Server[] = [];
let sysRoot: string;
let emptySys: string;
const requests: string[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function imds(): Promise<string> {
  return serve((req, res) => {
    requests.push(`imds ${req.method ?? ''} ${req.url ?? ''}`);
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.writeHead(200).end('TOKEN');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'TOKEN') return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/instance-id') return void res.writeHead(200).end('i-0aaaaaaaaaaaaaaa1');
    if (req.url === '/latest/meta-data/placement/region') return void res.writeHead(200).end('ap-south-1');
    res.writeHead(404).end();
  });
}

function ecsMetadata(taskArn: unknown): Promise<string> {
  return serve((req, res) => {
    requests.push(`ecs ${req.url ?? ''}`);
    if (req.url === '/v4/abc/task') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Cluster: 'default', TaskARN: taskArn }));
    res.writeHead(404).end();
  });
}

beforeAll(() => {
  sysRoot = mkdtempSync(join(tmpdir(), 'probe-sys-'));
  mkdirSync(join(sysRoot, 'devices', 'virtual', 'dmi', 'id'), { recursive: true });
  writeFileSync(join(sysRoot, 'devices', 'virtual', 'dmi', 'id', 'board_asset_tag'), 'i-0ddddddddddddddd4\n');
  emptySys = mkdtempSync(join(tmpdir(), 'probe-sys-empty-'));
});
afterAll(() => {
  rmSync(sysRoot, { recursive: true, force: true });
  rmSync(emptySys, { recursive: true, force: true });
});
afterEach(async () => {
  requests.length = 0;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function closedEndpoint(): Promise<string> {
  const url = await serve(() => undefined);
  const server = servers.pop();
  server?.close();
  return url;
}

function lookup(overrides: Partial<InstanceLookup>): InstanceLookup {
  return { instanceId: undefined, region: undefined, env: {}, imdsEndpoint: 'http://127.0.0.1:9', sysRoot: emptySys, timeoutMs: 300, ...overrides };
}

describe('resolveInstance', () => {
  it('takes both from IMDSv2 on a plain EC2 host and says so', async () => {
    const resolved = await resolveInstance(lookup({ imdsEndpoint: await imds() }));
    expect(resolved.instanceId).toEqual({ value: 'i-0aaaaaaaaaaaaaaa1', source: 'IMDSv2' });
    expect(resolved.region).toEqual({ value: 'ap-south-1', source: 'IMDSv2' });
    expect(describeIdentity(resolved)).toBe('identity: instance i-0aaaaaaaaaaaaaaa1 (from IMDSv2), region ap-south-1 (from IMDSv2)');
  });

  it('never asks IMDS when the environment names both (a container behind a hop limit of 1)', async () => {
    const resolved = await resolveInstance(lookup({ imdsEndpoint: await imds(), env: { BURST_PROBE_INSTANCE_ID: 'i-0bbbbbbbbbbbbbbb2', AWS_REGION: 'eu-west-1' } }));
    expect(resolved).toEqual({ instanceId: { value: 'i-0bbbbbbbbbbbbbbb2', source: 'env BURST_PROBE_INSTANCE_ID' }, region: { value: 'eu-west-1', source: 'env AWS_REGION' }, notes: [] });
    expect(requests).toEqual([]);
  });

  it('prefers the flags over the environment and IMDS', async () => {
    const resolved = await resolveInstance(lookup({ instanceId: 'i-0ccccccccccccccc3', region: 'us-west-2', imdsEndpoint: await imds(), env: { BURST_PROBE_INSTANCE_ID: 'i-0bbbbbbbbbbbbbbb2', AWS_REGION: 'eu-west-1' } }));
    expect(describeIdentity(resolved)).toBe('identity: instance i-0ccccccccccccccc3 (from --instance-id), region us-west-2 (from --region)');
  });

  it.each([
    ['i-0123456789abcdef0.eu-central-1.compute.internal', { instanceId: 'i-0123456789abcdef0', region: 'eu-central-1' }],
    ['i-0123456789abcdef0.ec2.internal', { instanceId: 'i-0123456789abcdef0', region: 'us-east-1' }],
    ['i-0123456789abcdef0', { instanceId: 'i-0123456789abcdef0', region: undefined }],
    ['ip-10-0-1-23.eu-central-1.compute.internal', undefined],
    ['worker-7', undefined],
  ])('reads the Kubernetes node name %s', (name, expected) => {
    expect(parseResourceHostname(name)).toEqual(expected);
  });

  it('takes both from a resource-named node via the downward API, without IMDS', async () => {
    const resolved = await resolveInstance(lookup({ imdsEndpoint: await imds(), env: { BURST_PROBE_NODE_NAME: 'i-0123456789abcdef0.eu-central-1.compute.internal' } }));
    expect(describeIdentity(resolved)).toBe('identity: instance i-0123456789abcdef0 (from env BURST_PROBE_NODE_NAME), region eu-central-1 (from env BURST_PROBE_NODE_NAME)');
    expect(requests).toEqual([]);
  });

  it('takes the region from the ECS task metadata and the instance from the Nitro DMI asset tag when IMDS is out of reach', async () => {
    const ecs = await ecsMetadata('arn:aws:ecs:sa-east-1:111122223333:task/default/0123456789abcdef');
    const resolved = await resolveInstance(lookup({ sysRoot, imdsEndpoint: await closedEndpoint(), env: { ECS_CONTAINER_METADATA_URI_V4: `${ecs}/v4/abc` } }));
    expect(resolved.region).toEqual({ value: 'sa-east-1', source: 'ECS task metadata' });
    expect(resolved.instanceId).toEqual({ value: 'i-0ddddddddddddddd4', source: 'DMI board_asset_tag' });
    expect(resolved.notes).toEqual([expect.stringMatching(/^identity: not on EC2 or IMDSv2 unreachable at .*ECONNREFUSED/)]);
  });

  it('notes an ECS metadata answer without a TaskARN and carries on', async () => {
    const ecs = await ecsMetadata(undefined);
    const resolved = await resolveInstance(lookup({ imdsEndpoint: await imds(), env: { ECS_CONTAINER_METADATA_URI_V4: `${ecs}/v4/abc` } }));
    expect(resolved.region).toEqual({ value: 'ap-south-1', source: 'IMDSv2' });
    expect(resolved.notes).toEqual([expect.stringMatching(/ECS task metadata: .*has no TaskARN/)]);
  });

  it('says what to pass when nothing answers', async () => {
    const resolved = await resolveInstance(lookup({ imdsEndpoint: await closedEndpoint(), env: { BURST_PROBE_NODE_NAME: 'ip-10-0-1-23.ec2.internal' } }));
    expect(resolved.instanceId).toBeUndefined();
    expect(resolved.region).toBeUndefined();
    expect(resolved.notes).toEqual([
      "identity: node name 'ip-10-0-1-23.ec2.internal' is not a resource-based name (i-….compute.internal)",
      expect.stringMatching(/^identity: not on EC2/),
      'instance: unknown; pass --instance-id or set BURST_PROBE_INSTANCE_ID',
      'region: unknown; pass --region or set AWS_REGION',
    ]);
    expect(describeIdentity(resolved)).toBe('identity: instance unknown, region unknown');
  });
});
