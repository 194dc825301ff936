import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StartPairingTracker, type ContainerEvent } from '../../lambda/probe/start-pairing';

const MS = 1_000_000n;
const ev = (action: string, containerId: string, ms: number): ContainerEvent => ({ action, containerId, timeNanos: BigInt(ms) * MS });

describe('StartPairingTracker', () => {
  it('pairs create → start per container id, interleaved', () => {
    const t = new StartPairingTracker();
    [ev('create', 'a', 1000), ev('create', 'b', 1100), ev('init', 'a', 1200), ev('start', 'b', 1400), ev('start', 'a', 4000)].forEach((e) => t.record(e));
    expect(t.takeInterval(5000n * MS).startLatenciesMs).toEqual([300, 3000]);
  });

  it('keeps sub-millisecond precision from timeNano', () => {
    const t = new StartPairingTracker();
    t.record({ action: 'create', containerId: 'a', timeNanos: 1_795_759_083_457_039_839n });
    t.record({ action: 'start', containerId: 'a', timeNanos: 1_795_759_083_751_100_302n });
    expect(t.takeInterval(1_795_759_090_000_000_000n).startLatenciesMs[0]).toBeCloseTo(294.060463, 6);
  });

  it.each([
    { name: 'a short-lived container (podman says died)', die: 'died', runMs: 50, expected: [50] },
    { name: 'a short-lived container (docker says die)', die: 'die', runMs: 59_000, expected: [59_000] },
    { name: 'a long-running container', die: 'die', runMs: 61_000, expected: [] },
  ])('records start → die for $name', ({ die, runMs, expected }) => {
    const t = new StartPairingTracker({ shortLivedMaxSeconds: 60 });
    [ev('create', 'a', 0), ev('start', 'a', 10), ev(die, 'a', 10 + runMs)].forEach((e) => t.record(e));
    expect(t.takeInterval(BigInt(runMs + 100) * MS).shortLivedRunsMs).toEqual(expected);
  });

  it('counts starts whose create it never saw as unpaired', () => {
    const t = new StartPairingTracker();
    t.record(ev('start', 'old', 10));
    expect(t.takeInterval(20n * MS)).toEqual({ startLatenciesMs: [], shortLivedRunsMs: [], unpairedStarts: 1 });
  });

  it('pairs a create of one interval with a start in the next', () => {
    const t = new StartPairingTracker();
    t.record(ev('create', 'a', 0));
    expect(t.takeInterval(1000n * MS).startLatenciesMs).toEqual([]);
    t.record(ev('start', 'a', 82_000));
    expect(t.takeInterval(83_000n * MS).startLatenciesMs).toEqual([82_000]);
  });

  it('forgets containers older than the limit and after remove', () => {
    const t = new StartPairingTracker({ forgetAfterSeconds: 10 });
    [ev('create', 'a', 0), ev('create', 'b', 15_000), ev('create', 'c', 15_000), ev('remove', 'c', 15_001)].forEach((e) => t.record(e));
    t.takeInterval(20_000n * MS);
    expect(t.pendingCount()).toBe(1);
  });

  it('never reports a negative latency, even when the clock stepped back', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ action: fc.constantFrom('create', 'start', 'die'), id: fc.constantFrom('a', 'b', 'c'), ms: fc.nat(100_000) }), { maxLength: 60 }), (events) => {
        const t = new StartPairingTracker();
        events.forEach((e) => t.record(ev(e.action, e.id, e.ms)));
        const taken = t.takeInterval(200_000n * MS);
        const starts = events.filter((e) => e.action === 'start').length;
        expect(taken.startLatenciesMs.length + taken.unpairedStarts).toBe(starts);
        for (const ms of [...taken.startLatenciesMs, ...taken.shortLivedRunsMs]) expect(ms).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
