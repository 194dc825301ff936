import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryCommand } from '../../lambda/cli/history-command';
import { main } from '../../lambda/cli/main';
import { UsageError } from '../../lambda/core/errors';
import { BOUNDARY, FLIP_AT, FLIP_REVERT, seededHistory } from '../fixtures/history/seed';
import { instanceAlert } from '../fixtures/history/instances';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';
import { captureIo, dynaliteSource, seededTable } from '../report/cli-harness';

const INSTANCE = 'i-0123456789abcdef0';
const dir = mkdtempSync(join(tmpdir(), 'history-cli-'));
let dynalite: DynaliteHandle;
let table: string;

beforeAll(async () => {
  dynalite = await startDynalite();
  const seeded = seededHistory(10);
  table = await seededTable(dynalite, { ...seeded, events: [...seeded.events, instanceAlert(INSTANCE, FLIP_AT - 1_200, { severity: 'critical', balancePercent: 8 })] });
}, 60_000);
afterAll(async () => {
  await dynalite.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; sessions: { region?: string; profile?: string }[] }> {
  const c = captureIo(dir);
  const source = dynaliteSource(dynalite);
  const code = await createHistoryCommand({ source })(args, c.io);
  return { code, out: c.out(), sessions: source.sessions };
}

interface HistoryJson {
  volumeId: string;
  lines: { time: string; source: string; kind: string; record?: { status: string } }[];
  roundTrips: { rescueTime: string; revertTime: string; balanceBeforePercent?: number; firstBalanceAfterPercent?: number }[];
}

describe('burst-guardian history on dynalite', () => {
  it('lists a flip and revert inside one month in time order with states and the round trip', async () => {
    const { code, out } = await run([FLIP_REVERT, '--table', table, '--json']);
    expect(code).toBe(0);
    const history = JSON.parse(out) as HistoryJson;
    expect(history.lines.map((l) => `${l.time} ${l.source}:${l.kind}${l.record ? `:${l.record.status}` : ''}`)).toEqual([
      '2026-10-10T11:50:00Z event:alert',
      '2026-10-10T12:00:00Z modification:rescue:completed',
      '2026-10-10T12:00:00Z event:rescue',
      '2026-10-10T18:00:00Z modification:revert:completed',
      '2026-10-10T18:00:00Z event:revert',
      '2026-10-10T18:10:00Z event:round-trip',
    ]);
    expect(history.roundTrips).toEqual([
      { rescueTime: '2026-10-10T12:00:00Z', revertTime: '2026-10-10T18:00:00Z', rescueEpochSeconds: FLIP_AT, revertEpochSeconds: FLIP_AT + 21_600, balanceBeforePercent: 12.5, firstBalanceAfterPercent: 40 },
    ]);
  });

  it('prints the same JSON for --output json as for --json, and tab-separated rows for --output text', async () => {
    const json = await run([FLIP_REVERT, '--table', table, '--json']);
    const output = await run([FLIP_REVERT, '--table', table, '--output', 'json']);
    expect(output.out).toBe(json.out);
    const text = await run([FLIP_REVERT, '--table', table, '--output', 'text']);
    expect(text.code).toBe(0);
    const rows = text.out.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ['2026-10-10T11:50:00Z', 'event', 'alert', ''],
      ['2026-10-10T12:00:00Z', 'modification', 'rescue', 'completed'],
      ['2026-10-10T12:00:00Z', 'event', 'rescue', ''],
      ['2026-10-10T18:00:00Z', 'modification', 'revert', 'completed'],
      ['2026-10-10T18:00:00Z', 'event', 'revert', ''],
      ['2026-10-10T18:10:00Z', 'event', 'round-trip', ''],
    ]);
  });

  it.each([
    [['--output', 'yaml']],
    [['--json', '--output', 'text']],
  ])('rejects the output choice %j as a usage error', async (extra) => {
    await expect(run([FLIP_REVERT, '--table', table, ...extra])).rejects.toThrow(UsageError);
  });

  it('prints a readable table with reasons and the round-trip balances', async () => {
    const { out } = await run([BOUNDARY, '--table', table, '--region', 'eu-west-1', '--profile', 'finance']);
    expect(out).toContain(`History of ${BOUNDARY}`);
    expect(out).toContain('modify:rescue  completed');
    expect(out).toContain('gp2 → io1 (4000 IOPS), 200 GiB');
    expect(out).toContain('override: role etcd gets io1; balance before 0.0%');
    expect(out).toMatch(/2026-09-30T20:00:00Z\s+2026-10-01T04:00:00Z\s+0\.0%\s+-/);
  });

  it('passes --region and --profile to the client factory', async () => {
    const { sessions } = await run([BOUNDARY, '--table', table, '--region', 'eu-west-1', '--profile', 'finance']);
    expect(sessions).toEqual([{ region: 'eu-west-1', profile: 'finance' }]);
  });

  it('lists an instance\'s EBS burst bucket alerts under its instance id', async () => {
    const { code, out } = await run([INSTANCE, '--table', table, '--json']);
    expect(code).toBe(0);
    const history = JSON.parse(out) as { lines: { time: string; source: string; kind: string; details?: { instance?: { instanceType: string } } }[] };
    expect(history.lines.map((l) => [l.time, l.source, l.kind, l.details?.instance?.instanceType])).toEqual([['2026-10-10T11:40:00Z', 'event', 'alert', 't3.medium']]);
  });

  it('says so when a volume has no history', async () => {
    const { code, out } = await run(['vol-0123456789abcdef0', '--table', table]);
    expect(code).toBe(0);
    expect(out).toBe('No history for vol-0123456789abcdef0.\n');
  });

  it.each([
    [['--table', 't'], /exactly one VOLUME_ID/],
    [['vol-1', '--table', 't'], /not an EBS volume id/],
    [['i-0123', '--table', 't'], /or an EC2 instance id \(i- and 8 or 17 hex digits\)/],
    [['vol-0123456789abcdef0'], /missing --table NAME or --stack NAME/],
    [['vol-0123456789abcdef0', 'vol-0123456789abcdef1', '--table', 't'], /exactly one VOLUME_ID/],
  ])('rejects %j with a UsageError', async (args, message) => {
    const attempt = run(args);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('exits 2 through the dispatcher on bad usage and 0 for --help', async () => {
    const bad = captureIo(dir);
    expect(await main(['history', 'not-a-volume', '--table', 't'], bad.io)).toBe(2);
    const help = captureIo(dir);
    expect(await main(['history', '--help'], help.io)).toBe(0);
    expect(help.out()).toContain('usage: burst-guardian history VOLUME_ID');
  });
});
