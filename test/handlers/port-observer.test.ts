import { describe, expect, it } from 'vitest';
import type { BurstMetricsReader, MetricsRequest, VolumeMetricsOutcome } from '../../lambda/core/ports';
import { PortObserver } from '../../lambda/handlers/port-observer';
import type { AwsPorts } from '../../lambda/handlers/wiring';

const request = (ids: string[]): MetricsRequest => ({ volumes: ids.map((volumeId) => ({ volumeId, type: 'gp2' })), startEpochSeconds: 0, endEpochSeconds: 600, periodSeconds: 60 });
const emptySeries = (volumeId: string) => ({ volumeId, periodSeconds: 60, burstBalancePercent: [], readOps: [], writeOps: [] });
const series = (volumeId: string): VolumeMetricsOutcome => ({ kind: 'series', series: emptySeries(volumeId) });

/** A notifier with a private field: the observer must call it with the real `this`. */
class PrivateNotifier {
  readonly #sent: string[] = [];
  fail = false;
  async notify(n: { volumeId: string }): Promise<void> {
    if (this.fail) throw new Error('AuthorizationErrorException');
    this.#sent.push(n.volumeId);
  }
  sent(): number {
    return this.#sent.length;
  }
}

function ports(metrics: BurstMetricsReader, notifier = new PrivateNotifier()): AwsPorts {
  return { metrics, notifier, inventory: { listVolumes: async () => [] }, modifier: {}, history: {} } as unknown as AwsPorts;
}

describe('PortObserver', () => {
  it('counts Publish attempts and failures and keeps the notifier working on its own fields', async () => {
    const notifier = new PrivateNotifier();
    const observer = new PortObserver();
    const observed = observer.observe(ports({ readMetrics: async () => ({ series: new Map(), errors: new Map(), metricsRequested: 0 }) }, notifier));
    await observed.notifier.notify({ volumeId: 'vol-1' } as never);
    notifier.fail = true;
    await expect(observed.notifier.notify({ volumeId: 'vol-2' } as never)).rejects.toThrow('AuthorizationErrorException');
    expect(notifier.sent()).toBe(1);
    expect(observer.tallies().notifications).toEqual({ attempted: 2, failed: 1 });
  });

  it('counts streamed volumes: error outcomes, and every volume not handed over when the read throws', async () => {
    const observer = new PortObserver();
    const reader: BurstMetricsReader = {
      readMetrics: async () => ({ series: new Map(), errors: new Map(), metricsRequested: 0 }),
      streamMetrics: async (r, onVolume) => {
        onVolume(series('vol-1'));
        onVolume({ kind: 'error', volumeId: 'vol-2', error: new Error('AccessDenied') });
        if (r.volumes.length > 2) throw new Error('socket hang up');
        return { metricsRequested: 10 };
      },
    };
    const observed = observer.observe(ports(reader)).metrics;
    const seen: string[] = [];
    await observed.streamMetrics?.(request(['vol-1', 'vol-2']), (o) => seen.push(o.kind));
    await expect(observed.streamMetrics?.(request(['vol-1', 'vol-2', 'vol-3', 'vol-4']), () => undefined)).rejects.toThrow('socket hang up');
    expect(seen).toEqual(['series', 'error']);
    expect(observer.tallies().metrics).toEqual({ attempted: 6, failed: 1 + 3 });
  });

  it('counts a reader without streaming by its errors and unanswered volumes, and keeps it without streamMetrics', async () => {
    const observer = new PortObserver();
    const reader: BurstMetricsReader = {
      readMetrics: async () => ({ series: new Map([['vol-1', emptySeries('vol-1')]]), errors: new Map([['vol-2', new Error('x')]]), metricsRequested: 3 }),
    };
    const observed = observer.observe(ports(reader)).metrics;
    expect(observed.streamMetrics).toBeUndefined();
    await observed.readMetrics(request(['vol-1', 'vol-2', 'vol-3']));
    expect(observer.tallies()).toMatchObject({ inventoryListed: false, metrics: { attempted: 3, failed: 2 } });
  });
});
