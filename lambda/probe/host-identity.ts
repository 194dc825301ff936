/**
 * Resolves which volume and instance the probe reports for: the data root's NVMe serial and IMDSv2,
 * each overridable; what it cannot find becomes a note, never a crash.
 */
import type { DockerEngineClient } from './docker-engine-client';
import { fetchInstanceIdentity } from './imds';
import type { ProbeOptions } from './options';
import { locateVolume } from './volume-identity';

/** The resolved identity and the notes explaining what is missing. */
export interface HostIdentity {
  readonly dataRoot: string;
  readonly volumeId: string | undefined;
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
  readonly notes: readonly string[];
}

/** Docker's default data root, used when the runtime cannot be asked. */
export const DOCKER_DEFAULT_DATA_ROOT = '/var/lib/docker';

/** Resolves the identity once at start-up (volumes and instances do not move under a running probe). */
export async function resolveHostIdentity(options: ProbeOptions, client: DockerEngineClient, envRegion: string | undefined): Promise<HostIdentity> {
  const notes: string[] = [];
  let dataRoot = DOCKER_DEFAULT_DATA_ROOT;
  try {
    dataRoot = (await client.dataRoot()) ?? DOCKER_DEFAULT_DATA_ROOT;
  } catch (error) {
    notes.push(`data root: runtime not reachable (${error instanceof Error ? error.message : String(error)}); assuming ${DOCKER_DEFAULT_DATA_ROOT}`);
  }
  let volumeId = options.volumeId;
  if (volumeId === undefined) {
    const location = locateVolume(dataRoot, { procRoot: options.procRoot, sysRoot: options.sysRoot });
    if (location.kind === 'ebs') volumeId = location.volumeId;
    else notes.push(`volume: ${location.reason}; pass --volume-id`);
  }
  let instanceId = options.instanceId;
  let region = options.region;
  if (instanceId === undefined || region === undefined) {
    const imds = await fetchInstanceIdentity({ endpoint: options.imdsEndpoint });
    if (imds.kind === 'ec2') {
      instanceId ??= imds.instanceId;
      region ??= imds.region;
    } else {
      region ??= envRegion;
      notes.push(`instance: ${imds.reason}; pass --instance-id${region === undefined ? ' and --region' : ''}`);
    }
  }
  return { dataRoot, volumeId, instanceId, region, notes };
}
