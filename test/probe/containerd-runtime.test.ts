/**
 * Against a real containerd (a private daemon, so nothing else's containers reach the counts): the
 * event client and the passive source pair /containers/create → /tasks/start, and the CLI with
 * --containerd-socket reports container starts as it does on EKS and Bottlerocket nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerdEventClient, decodeFields, parseEnvelope } from '../../lambda/probe/containerd-event-client';
import { main } from '../../lambda/probe/main';
import { PassiveStartSource } from '../../lambda/probe/passive-source';
import type { ProbeReport } from '../../lambda/probe/report';
import { captureIo } from './capture-io';
import { runContainersWithCtr, startContainerd, type ContainerdService } from './containerd-service';

let service: ContainerdService;
let syncDir: string;
beforeAll(async () => {
  syncDir = mkdtempSync(join(tmpdir(), 'probe-ctd-'));
  service = await startContainerd();
}, 60_000);
afterAll(async () => {
  rmSync(syncDir, { recursive: true, force: true });
  await service?.stop();
}, 30_000);

/** Protobuf: a length-delimited field (tag, length, bytes) and a varint field. */
function ld(field: number, value: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
}
function vi(field: number, value: number): Buffer {
  const out = [(field << 3) | 0];
  for (let v = value; ; v = Math.floor(v / 128)) {
    if (v < 128) { out.push(v); break; }
    out.push((v % 128) | 0x80);
  }
  return Buffer.from(out);
}
function envelope(topic: string, payload: Buffer, seconds = 1_795_759_000, nanos = 5): Buffer {
  return Buffer.concat([ld(1, Buffer.concat([vi(1, seconds), vi(2, nanos)])), ld(2, 'k8s.io'), ld(3, topic), ld(4, Buffer.concat([ld(1, 'containerd.events.X'), ld(2, payload)]))]);
}

describe('parseEnvelope', () => {
  it.each([
    ['/containers/create', ld(1, 'c1'), { action: 'create', containerId: 'c1', timeNanos: 1_795_759_000_000_000_005n }],
    ['/tasks/start', Buffer.concat([ld(1, 'c1'), vi(2, 4242)]), { action: 'start', containerId: 'c1', timeNanos: 1_795_759_000_000_000_005n }],
    ['/tasks/exit', Buffer.concat([ld(1, 'c1'), ld(2, 'c1'), vi(3, 4242)]), { action: 'die', containerId: 'c1', timeNanos: 1_795_759_000_000_000_005n }],
    ['/tasks/exit', Buffer.concat([ld(1, 'c1'), ld(2, 'exec-7'), vi(3, 4343)]), undefined],
    ['/snapshot/prepare', ld(1, 'c1'), undefined],
  ])('reads %s', (topic, payload, expected) => {
    expect(parseEnvelope(envelope(topic, payload))).toEqual(expected);
  });

  it('throws on a truncated message (the client skips it)', () => {
    expect(() => decodeFields(Buffer.from([0x0a, 0x09, 0x41]))).toThrow(/truncated/);
  });
});

describe('ContainerdEventClient against a real containerd', () => {
  it('pairs create → start of containers run with ctr', async () => {
    const source = new PassiveStartSource(new ContainerdEventClient({ socketPath: service.socketPath }));
    expect(await source.connect()).toBe(true);
    await runContainersWithCtr(service, 3);
    await new Promise((r) => setTimeout(r, 300));
    const taken = source.take(BigInt(Date.now()) * 1_000_000n);
    source.stop();
    expect(taken.kind).toBe('measured');
    if (taken.kind !== 'measured') return;
    expect(taken.value.startLatency?.count).toBe(3);
    expect(taken.value.startLatency?.p50Ms).toBeGreaterThan(0);
    expect(taken.value.shortLivedRun?.count).toBe(3);
    expect(taken.value.unpairedStarts).toBe(0);
  }, 60_000);

  it('reports unavailable, with the reason, when nothing listens on the socket', async () => {
    const source = new PassiveStartSource(new ContainerdEventClient({ socketPath: join(syncDir, 'missing.sock') }));
    expect(await source.connect()).toBe(false);
    expect(source.take(0n)).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/containerd events on .*missing.sock: .*ENOENT/) });
  });
});

describe('burst-probe --containerd-socket (a containerd node)', () => {
  it('reports the containers started during the interval and writes into --sync-dir', async () => {
    const io = captureIo();
    const run = main(['--once', '--interval', '4s', '--dry-run', '--json', '--containerd-socket', service.socketPath, '--socket', join(syncDir, 'no-docker.sock'), '--sync-dir', syncDir,
      '--volume-id', 'vol-0abc1234def567890', '--instance-id', 'i-0123456789abcdef0', '--region', 'eu-west-1'], io);
    await new Promise((r) => setTimeout(r, 700));
    await runContainersWithCtr(service, 3);
    expect(await run).toBe(0);
    const report = (JSON.parse(io.out.join('')) as { report: ProbeReport }).report;
    expect(report.containerStarts.kind === 'measured' ? report.containerStarts.value.startLatency?.count : undefined).toBe(3);
    expect(report.syncWrite).toMatchObject({ kind: 'measured', value: { directory: syncDir } });
  }, 60_000);
});
