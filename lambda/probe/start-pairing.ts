/**
 * Pairs Docker Engine API container events into latencies (pure: events in, numbers out).
 * create → start is the container-start latency users feel; start → die is the run time of a
 * short-lived container (the seed's `docker run --rm fedora date`).
 * Event shape: https://docs.docker.com/reference/api/engine/version/v1.43/#tag/System/operation/SystemEvents
 */

/** One container event as the probe needs it. */
export interface ContainerEvent {
  readonly action: string;
  readonly containerId: string;
  /** Event time, nanoseconds since the epoch (`timeNano`; exact as a bigint). */
  readonly timeNanos: bigint;
}

/** What one interval's pairing produced. */
export interface PairedLatencies {
  /** create → start, one per container that started in the interval, ms. */
  readonly startLatenciesMs: number[];
  /** start → die of containers that died within `shortLivedMaxSeconds` of starting, ms. */
  readonly shortLivedRunsMs: number[];
  /** Starts without a create seen (created before the probe was watching). */
  readonly unpairedStarts: number;
}

/** Options of the tracker. */
export interface StartPairingOptions {
  /** A container running longer than this is not "short-lived". @default 60 */
  readonly shortLivedMaxSeconds?: number;
  /** Pending creates/starts older than this are forgotten (bounded memory). @default 3600 */
  readonly forgetAfterSeconds?: number;
}

const NANOS_PER_MS = 1_000_000n;

/** Stateful pairing across intervals: a create seen in one interval may start in the next. */
export class StartPairingTracker {
  private readonly created = new Map<string, bigint>();
  private readonly started = new Map<string, bigint>();
  private current: PairedLatencies = emptyLatencies();
  private readonly shortLivedMaxNanos: bigint;
  private readonly forgetAfterNanos: bigint;

  constructor(options: StartPairingOptions = {}) {
    this.shortLivedMaxNanos = BigInt(Math.round((options.shortLivedMaxSeconds ?? 60) * 1000)) * NANOS_PER_MS;
    this.forgetAfterNanos = BigInt(Math.round((options.forgetAfterSeconds ?? 3600) * 1000)) * NANOS_PER_MS;
  }

  /** Feeds one event; events of other actions (init, attach, remove…) are ignored. */
  record(event: ContainerEvent): void {
    const { containerId: id, timeNanos } = event;
    if (event.action === 'create') {
      this.created.set(id, timeNanos);
    } else if (event.action === 'start') {
      const createdAt = this.created.get(id);
      this.created.delete(id);
      this.started.set(id, timeNanos);
      if (createdAt === undefined) this.current = { ...this.current, unpairedStarts: this.current.unpairedStarts + 1 };
      // Clamp: a runtime whose clock stepped back must not produce a negative latency.
      else this.current.startLatenciesMs.push(Math.max(0, nanosToMs(timeNanos - createdAt)));
    } else if (event.action === 'die' || event.action === 'died') {
      const startedAt = this.started.get(id);
      this.started.delete(id);
      if (startedAt !== undefined && timeNanos >= startedAt && timeNanos - startedAt <= this.shortLivedMaxNanos) {
        this.current.shortLivedRunsMs.push(nanosToMs(timeNanos - startedAt));
      }
    } else if (event.action === 'destroy' || event.action === 'remove') {
      this.created.delete(id);
      this.started.delete(id);
    }
  }

  /** Returns the interval's latencies and starts a new interval; forgets entries older than the limit. */
  takeInterval(nowNanos: bigint): PairedLatencies {
    const taken = this.current;
    this.current = emptyLatencies();
    for (const map of [this.created, this.started]) {
      for (const [id, at] of map) if (nowNanos - at > this.forgetAfterNanos) map.delete(id);
    }
    return taken;
  }

  /** Containers created or running that the tracker still remembers (for tests and diagnostics). */
  pendingCount(): number {
    return this.created.size + this.started.size;
  }
}

function emptyLatencies(): PairedLatencies {
  return { startLatenciesMs: [], shortLivedRunsMs: [], unpairedStarts: 0 };
}

function nanosToMs(nanos: bigint): number {
  // Split to keep precision: whole ms exactly as bigint, the remainder as a fraction.
  return Number(nanos / NANOS_PER_MS) + Number(nanos % NANOS_PER_MS) / 1e6;
}
