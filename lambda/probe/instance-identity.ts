/**
 * Which instance and region the probe reports for, and where each came from. In order: the flags;
 * the environment (`BURST_PROBE_INSTANCE_ID`, `AWS_REGION`/`AWS_DEFAULT_REGION`, a resource-named
 * Kubernetes node name from the downward API, the ECS task metadata endpoint); IMDSv2; and the
 * Nitro DMI asset tag. Containers behind an IMDS hop limit of 1 identify themselves without IMDS.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fetchInstanceIdentity } from './imds';

/** A value and the source it came from, in words (e.g. `IMDSv2`, `env AWS_REGION`). */
export interface Sourced {
  readonly value: string;
  readonly source: string;
}

/** The outcome: each part with its source, or undefined, and notes saying what was tried. */
export interface ResolvedInstance {
  readonly instanceId: Sourced | undefined;
  readonly region: Sourced | undefined;
  readonly notes: readonly string[];
}

/** What the lookup may consult. */
export interface InstanceLookup {
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly imdsEndpoint: string;
  readonly sysRoot: string;
  /** Per IMDS/ECS request. @default 1000 */
  readonly timeoutMs?: number;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * A resource-based EC2 hostname (`i-0abc….eu-west-1.compute.internal`, or `i-0abc….ec2.internal` in
 * us-east-1), as Kubernetes nodes are named when the instance uses resource names:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-naming.html
 */
export function parseResourceHostname(name: string): { instanceId: string; region: string | undefined } | undefined {
  const match = /^(i-[0-9a-f]{8,17})(?:\.([a-z0-9-]+)\.compute\.internal|\.(ec2)\.internal)?$/.exec(name.trim());
  if (match === null) return undefined;
  return { instanceId: match[1] ?? '', region: match[3] === 'ec2' ? 'us-east-1' : match[2] };
}

function getJson(url: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url}: HTTP ${res.statusCode ?? 0}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(new Error(`GET ${url}: not JSON`, { cause: error }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Region from the ECS task metadata endpoint v4 (`${ECS_CONTAINER_METADATA_URI_V4}/task`, its
 * `TaskARN`): https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4.html
 */
async function ecsRegion(base: string, timeoutMs: number): Promise<string> {
  const task = (await getJson(`${base}/task`, timeoutMs)) as { TaskARN?: unknown };
  const region = typeof task.TaskARN === 'string' ? task.TaskARN.split(':')[3] : undefined;
  if (region === undefined || region === '') throw new Error(`${base}/task has no TaskARN with a region`);
  return region;
}

/**
 * On Nitro instances the DMI board asset tag is the instance id (sysfs, also in containers); Xen
 * instances have none: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/identify_ec2_instances.html
 */
function dmiInstanceId(sysRoot: string): string | undefined {
  try {
    const tag = readFileSync(join(sysRoot, 'devices', 'virtual', 'dmi', 'id', 'board_asset_tag'), 'utf8').trim();
    return INSTANCE_ID.test(tag) ? tag : undefined;
  } catch {
    return undefined;
  }
}

function fromEnv(env: InstanceLookup['env'], name: string): Sourced | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : { value, source: `env ${name}` };
}

/** Resolves instance id and region; never throws. */
export async function resolveInstance(lookup: InstanceLookup): Promise<ResolvedInstance> {
  const notes: string[] = [];
  const timeoutMs = lookup.timeoutMs ?? 1000;
  const nodeName = lookup.env['BURST_PROBE_NODE_NAME'];
  const fromNode = nodeName === undefined ? undefined : parseResourceHostname(nodeName);
  if (nodeName !== undefined && nodeName !== '' && fromNode === undefined) notes.push(`identity: node name '${nodeName}' is not a resource-based name (i-….compute.internal)`);
  let instanceId: Sourced | undefined = lookup.instanceId === undefined ? undefined : { value: lookup.instanceId, source: '--instance-id' };
  instanceId ??= fromEnv(lookup.env, 'BURST_PROBE_INSTANCE_ID');
  if (fromNode !== undefined) instanceId ??= { value: fromNode.instanceId, source: 'env BURST_PROBE_NODE_NAME' };
  let region: Sourced | undefined = lookup.region === undefined ? undefined : { value: lookup.region, source: '--region' };
  region ??= fromEnv(lookup.env, 'AWS_REGION') ?? fromEnv(lookup.env, 'AWS_DEFAULT_REGION');
  if (fromNode?.region !== undefined) region ??= { value: fromNode.region, source: 'env BURST_PROBE_NODE_NAME' };
  const ecs = lookup.env['ECS_CONTAINER_METADATA_URI_V4'];
  if (region === undefined && ecs !== undefined && ecs !== '') {
    try {
      region = { value: await ecsRegion(ecs, timeoutMs), source: 'ECS task metadata' };
    } catch (error) {
      notes.push(`identity: ECS task metadata: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (instanceId === undefined || region === undefined) {
    const imds = await fetchInstanceIdentity({ endpoint: lookup.imdsEndpoint, timeoutMs });
    if (imds.kind === 'ec2') {
      instanceId ??= { value: imds.instanceId, source: 'IMDSv2' };
      region ??= { value: imds.region, source: 'IMDSv2' };
    } else {
      notes.push(`identity: ${imds.reason}`);
    }
  }
  if (instanceId === undefined) {
    const dmi = dmiInstanceId(lookup.sysRoot);
    if (dmi !== undefined) instanceId = { value: dmi, source: 'DMI board_asset_tag' };
  }
  if (instanceId === undefined) notes.push('instance: unknown; pass --instance-id or set BURST_PROBE_INSTANCE_ID');
  if (region === undefined) notes.push('region: unknown; pass --region or set AWS_REGION');
  return { instanceId, region, notes };
}

/** One line saying which source each part came from. */
export function describeIdentity(resolved: ResolvedInstance): string {
  const part = (name: string, s: Sourced | undefined): string => (s === undefined ? `${name} unknown` : `${name} ${s.value} (from ${s.source})`);
  return `identity: ${part('instance', resolved.instanceId)}, ${part('region', resolved.region)}`;
}
