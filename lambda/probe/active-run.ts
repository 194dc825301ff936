/**
 * Active container-start measurement: create, start, wait and remove one container through the
 * Docker Engine API, timed end to end — what `docker run --rm IMAGE CMD` costs right now.
 * It spends I/O (and burst credits) itself, so it is opt-in.
 * Endpoints: https://docs.docker.com/reference/api/engine/version/v1.43/#tag/Container
 */
import { performance } from 'node:perf_hooks';
import { ContainerApiError } from '../core/errors';
import type { DockerEngineClient } from './docker-engine-client';

/** Timings of one active run, milliseconds. */
export interface ActiveRunTimings {
  readonly image: string;
  readonly totalMs: number;
  readonly createMs: number;
  readonly startMs: number;
  readonly waitMs: number;
  readonly removeMs: number;
  readonly exitCode: number;
}

/** What to run. */
export interface ActiveRunSpec {
  readonly image: string;
  /** Command; the seed used `date`. */
  readonly command: readonly string[];
}

/** Runs one container to completion and removes it; throws ContainerApiError on any failed step. */
export async function runActiveContainer(client: DockerEngineClient, spec: ActiveRunSpec): Promise<ActiveRunTimings> {
  const t0 = performance.now();
  const created = (await client.call('POST', '/containers/create', {
    Image: spec.image,
    Cmd: [...spec.command],
    // No network: the probe measures storage-bound start-up, not network set-up.
    HostConfig: { NetworkMode: 'none' },
    Labels: { 'ebs-burst-guardian.probe': 'active' },
  })) as { Id?: unknown } | undefined;
  const id = created?.Id;
  if (typeof id !== 'string') throw new ContainerApiError(`POST /containers/create: no Id in the answer`);
  const t1 = performance.now();
  let exitCode: number;
  let t2: number;
  let t3: number;
  try {
    await client.call('POST', `/containers/${id}/start`);
    t2 = performance.now();
    const waited = (await client.call('POST', `/containers/${id}/wait`)) as { StatusCode?: unknown } | undefined;
    exitCode = typeof waited?.StatusCode === 'number' ? waited.StatusCode : -1;
    t3 = performance.now();
  } catch (error) {
    await client.send('DELETE', `/containers/${id}?force=true`).catch(() => undefined);
    throw error;
  }
  await client.call('DELETE', `/containers/${id}?force=true`);
  const t4 = performance.now();
  return {
    image: spec.image,
    totalMs: round(t4 - t0),
    createMs: round(t1 - t0),
    startMs: round(t2 - t1),
    waitMs: round(t3 - t2),
    removeMs: round(t4 - t3),
    exitCode,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
