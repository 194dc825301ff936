/**
 * Resolves which volume and instance the probe reports for: the data root's NVMe serial, and the
 * instance and region from flags, the environment, IMDSv2 or DMI (instance-identity.ts), each
 * with its source; what it cannot find becomes a note, never a crash.
 */
import type { DockerEngineClient } from './docker-engine-client';
import { describeIdentity, resolveInstance } from './instance-identity';
import type { ProbeOptions } from './options';
import { locateVolume } from './volume-identity';

/** The resolved identity and the notes explaining what is missing. */
export interface HostIdentity {
  readonly dataRoot: string;
  readonly volumeId: string | undefined;
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
  /** Where instance id and region came from. */
  readonly sources: { readonly instanceId?: string; readonly region?: string };
  /** One line naming each part's source, printed once at start-up. */
  readonly summary: string;
  readonly notes: readonly string[];
}

/** Docker's default data root, used when the runtime cannot be asked. */
export const DOCKER_DEFAULT_DATA_ROOT = '/var/lib/docker';

/** Resolves the identity once at start-up (volumes and instances do not move under a running probe). */
export async function resolveHostIdentity(options: ProbeOptions, client: DockerEngineClient, env: Readonly<Record<string, string | undefined>>): Promise<HostIdentity> {
  const notes: string[] = [];
  // Without a Docker-API runtime (a containerd node), the --sync-dir is the data root we know of.
  const fallback = options.syncDir ?? DOCKER_DEFAULT_DATA_ROOT;
  let dataRoot = fallback;
  try {
    dataRoot = (await client.dataRoot()) ?? fallback;
  } catch (error) {
    notes.push(`data root: runtime not reachable (${error instanceof Error ? error.message : String(error)}); assuming ${fallback}`);
  }
  let volumeId = options.volumeId;
  if (volumeId === undefined) {
    const location = locateVolume(dataRoot, { procRoot: options.procRoot, sysRoot: options.sysRoot });
    if (location.kind === 'ebs') volumeId = location.volumeId;
    else notes.push(`volume: ${location.reason}; pass --volume-id`);
  }
  const instance = await resolveInstance({ instanceId: options.instanceId, region: options.region, env, imdsEndpoint: options.imdsEndpoint, sysRoot: options.sysRoot });
  return {
    dataRoot,
    volumeId,
    instanceId: instance.instanceId?.value,
    region: instance.region?.value,
    sources: { instanceId: instance.instanceId?.source, region: instance.region?.source },
    summary: describeIdentity(instance),
    notes: [...notes, ...instance.notes],
  };
}
