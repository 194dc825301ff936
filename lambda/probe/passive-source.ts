/**
 * Passive container-start source: follows the runtime's events (the Docker Engine API's `/events`,
 * or containerd's) and pairs create → start. It
 * causes no I/O of its own; when the socket is missing it says so and retries every interval.
 */
import type { DockerEngineClient, EventSubscription } from './docker-engine-client';
import { summariseLatencies } from './latency-stats';
import type { ContainerStarts, Measurement } from './report';
import { StartPairingTracker } from './start-pairing';

/** How long to wait for the runtime to accept the event subscription. */
const CONNECT_TIMEOUT_MS = 5000;

/** Follows container events across intervals, reconnecting when the stream drops. */
export class PassiveStartSource {
  private subscription: EventSubscription | undefined;
  private connected = false;
  private lastError: string | undefined;
  private readonly tracker: StartPairingTracker;

  constructor(private readonly client: Pick<DockerEngineClient, 'followContainerEvents'>, tracker?: StartPairingTracker) {
    this.tracker = tracker ?? new StartPairingTracker();
  }

  /** Subscribes if not subscribed; resolves true when events flow. Never throws. */
  async connect(): Promise<boolean> {
    if (this.connected) return true;
    this.subscription?.stop();
    const subscription = this.client.followContainerEvents((event) => this.tracker.record(event));
    this.subscription = subscription;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the event stream within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([subscription.ready, timeout]);
      this.connected = true;
      this.lastError = undefined;
      void subscription.done.then(() => {
        if (this.subscription === subscription) this.connected = false;
      });
    } catch (error) {
      subscription.stop();
      this.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
    return this.connected;
  }

  /** This interval's figures; unavailable (with the reason) when events were not flowing. */
  take(nowNanos: bigint): Measurement<ContainerStarts> {
    const paired = this.tracker.takeInterval(nowNanos);
    if (!this.connected && this.lastError !== undefined) {
      return { kind: 'unavailable', reason: `container events: ${this.lastError}` };
    }
    if (!this.connected) return { kind: 'unavailable', reason: 'container events: the stream ended; reconnecting' };
    return {
      kind: 'measured',
      value: {
        startLatency: summariseLatencies(paired.startLatenciesMs),
        shortLivedRun: summariseLatencies(paired.shortLivedRunsMs),
        unpairedStarts: paired.unpairedStarts,
      },
    };
  }

  /** Stops following. */
  stop(): void {
    this.subscription?.stop();
    this.connected = false;
  }
}
