/**
 * The probe's loop: one report per interval from every source, rendered or published. Sources that
 * fail are reported as unavailable; the loop goes on.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CliIo } from '../shared/cli-io';
import { runActiveContainer, type ActiveRunTimings } from './active-run';
import { CloudWatchProbePublisher } from './cloudwatch-publisher';
import { ContainerdEventClient } from './containerd-event-client';
import { countDStateThreads, type DStateCensus } from './d-state';
import { DockerEngineClient } from './docker-engine-client';
import { resolveHostIdentity, type HostIdentity } from './host-identity';
import type { ProbeOptions } from './options';
import { PassiveStartSource } from './passive-source';
import { buildMetricData, formatEmf, formatSummary, type Measurement, type ProbeDatum, type ProbeReport } from './report';
import { measureSyncWrite, type SyncWriteResult } from './sync-write';

/** What the runner needs from outside, injected so tests control it. */
export interface ProbeDeps {
  /** Wall clock, ms since the epoch. @default Date.now */
  readonly nowMs?: () => number;
  /** Builds the CloudWatch client for a region (only called when publishing). */
  readonly cloudWatch?: (region: string | undefined) => Pick<CloudWatchClient, 'send'>;
  /** Aborted on SIGTERM: the current interval is cut short, reported, and the probe exits 0. */
  readonly stopSignal?: AbortSignal;
}

/** Unsent datums kept across failed publishes (daemon mode), so a short outage loses nothing. */
const MAX_BUFFERED_DATUMS = 10_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function measureActive(options: ProbeOptions, client: DockerEngineClient): Promise<Measurement<ActiveRunTimings>> {
  if (options.active === undefined) return { kind: 'skipped', reason: 'active runs are opt-in (--active-image)' };
  try {
    return { kind: 'measured', value: await runActiveContainer(client, options.active) };
  } catch (error) {
    return { kind: 'unavailable', reason: `active run of ${options.active.image}: ${errorText(error)}` };
  }
}

function measureSync(options: ProbeOptions, identity: HostIdentity): Measurement<SyncWriteResult> {
  if (options.syncWriteMiB === 0) return { kind: 'skipped', reason: '--sync-write-mib 0' };
  const dir = options.syncDir ?? identity.dataRoot;
  if (!existsSync(dir)) return { kind: 'unavailable', reason: `sync-write: ${dir} does not exist; pass --sync-dir` };
  try {
    return { kind: 'measured', value: measureSyncWrite(dir, options.syncWriteMiB) };
  } catch (error) {
    return { kind: 'unavailable', reason: `sync-write into ${dir}: ${errorText(error)}` };
  }
}

function measureDState(options: ProbeOptions): Measurement<DStateCensus> {
  try {
    return { kind: 'measured', value: countDStateThreads(options.procRoot) };
  } catch (error) {
    return { kind: 'unavailable', reason: `D-state: ${errorText(error)}` };
  }
}

function reasonsOf(...measurements: Measurement<unknown>[]): string[] {
  return measurements.flatMap((m) => (m.kind === 'unavailable' ? [m.reason] : []));
}

/** Ends an interval: takes the passive figures and measures the end-of-interval sources. */
function collectReport(options: ProbeOptions, identity: HostIdentity, passive: PassiveStartSource, active: Measurement<ActiveRunTimings>, startMs: number, endMs: number): ProbeReport {
  const containerStarts = passive.take(BigInt(Math.round(endMs)) * 1_000_000n);
  const syncWrite = measureSync(options, identity);
  const dState = measureDState(options);
  return {
    intervalStartEpochSeconds: Math.round(startMs / 1000),
    intervalEndEpochSeconds: Math.round(endMs / 1000),
    volumeId: identity.volumeId,
    instanceId: identity.instanceId,
    region: identity.region,
    identitySource: identity.sources,
    containerStarts, active, syncWrite, dState,
    notes: [...identity.notes, ...reasonsOf(containerStarts, active, syncWrite, dState)],
  };
}

/** Runs the probe until `--once` is done or the stop signal fires; returns the exit code. */
export async function runProbe(options: ProbeOptions, io: CliIo, deps: ProbeDeps = {}): Promise<number> {
  const nowMs = deps.nowMs ?? Date.now;
  // Generous timeout: on a throttled volume one create can take minutes (the seed saw 82 s).
  const client = new DockerEngineClient({ socketPath: options.socketPath, requestTimeoutMs: 180_000 });
  const passive = new PassiveStartSource(options.containerdSocket === undefined ? client : new ContainerdEventClient({ socketPath: options.containerdSocket }));
  await passive.connect();
  const identity = await resolveHostIdentity(options, client, io.env);
  io.stderr(`burst-probe: ${identity.summary}\n`);
  const publisher = new CloudWatchProbePublisher({
    client: options.output === 'publish' ? (deps.cloudWatch ?? defaultCloudWatch)(identity.region) : { send: () => Promise.reject(new Error('not publishing')) },
    namespace: options.namespace,
  });
  const printed = new Set<string>();
  const note = (text: string): void => {
    if (options.once || !printed.has(text)) io.stderr(`burst-probe: note: ${text}\n`);
    printed.add(text);
  };
  let buffered: ProbeDatum[] = [];
  let lastActiveMs: number | undefined;
  let exitCode = 0;
  try {
    for (;;) {
      await passive.connect();
      const startMs = nowMs();
      const activeDue = lastActiveMs === undefined || (options.active !== undefined && startMs - lastActiveMs >= options.active.everySeconds * 1000);
      const active = activeDue ? await measureActive(options, client) : { kind: 'skipped' as const, reason: 'not due this interval' };
      if (active.kind === 'measured') lastActiveMs = startMs;
      else if (lastActiveMs === undefined) lastActiveMs = startMs;
      const remainingMs = Math.max(0, startMs + options.intervalSeconds * 1000 - nowMs());
      await sleep(remainingMs, undefined, { signal: deps.stopSignal }).catch(() => undefined);
      const report = collectReport(options, identity, passive, active, startMs, nowMs());
      report.notes.forEach(note);
      const outcome = await emit(report, options, publisher, io, buffered);
      buffered = outcome.unsent.slice(-MAX_BUFFERED_DATUMS);
      if (!outcome.ok) exitCode = 1;
      if (options.once || deps.stopSignal?.aborted === true) break;
    }
  } finally {
    passive.stop();
  }
  return options.once ? exitCode : 0;
}

function defaultCloudWatch(region: string | undefined): Pick<CloudWatchClient, 'send'> {
  return new CloudWatchClient(region === undefined ? {} : { region });
}

async function emit(report: ProbeReport, options: ProbeOptions, publisher: CloudWatchProbePublisher, io: CliIo, buffered: readonly ProbeDatum[]): Promise<{ ok: boolean; unsent: ProbeDatum[] }> {
  const datums = buildMetricData(report);
  const missingIdentity = datums.length === 0 ? 'nothing to publish: the volume id or instance id is unknown' : undefined;
  if (options.output === 'dry-run') {
    io.stdout(options.json ? `${JSON.stringify({ report, putMetricData: publisher.requestsFor(datums) })}\n` : `${formatSummary(report)} | would send ${datums.length} datums\n`);
    return { ok: true, unsent: [] };
  }
  if (options.output === 'emf') {
    const line = formatEmf(report, options.namespace);
    if (line !== undefined) io.stdout(`${line}\n`);
    else io.stderr(`burst-probe: ${missingIdentity}\n`);
    return { ok: line !== undefined, unsent: [] };
  }
  io.stdout(options.json ? `${JSON.stringify({ report })}\n` : `${formatSummary(report)}\n`);
  if (missingIdentity !== undefined) {
    io.stderr(`burst-probe: ${missingIdentity}\n`);
    return { ok: false, unsent: [...buffered] };
  }
  const all = [...buffered, ...datums];
  const outcome = await publisher.publishUntilFailure(all);
  if (outcome.error === undefined) return { ok: true, unsent: [] };
  io.stderr(`burst-probe: ${outcome.error.message}; keeping ${outcome.unsent.length} unsent datums for the next interval\n`);
  return { ok: false, unsent: outcome.unsent };
}
