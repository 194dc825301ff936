import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lambda/core/errors';
import type { HistoryEvent, ModificationRecord } from '../../../lambda/core/ports';
import { breakDown, labelsFromHistory, parseBreakdownKey, UNKNOWN_GROUP, type VolumeLabels } from '../../../lambda/core/report/breakdown';
import { NO_PREVENTED_THROTTLING } from '../../../lambda/core/report/prevented';
import type { FinanceReport, VolumeReport } from '../../../lambda/core/report/types';
import { addUsageToDay, runningCost, type UsageDay } from '../../../lambda/core/report/running-cost';

const A = '111111111111';
const B = '222222222222';

function volume(volumeId: string, cost: { actual: number; unaided: number } | undefined, rescue: number, revert: number, throttledSeconds: number, alerts: number): VolumeReport {
  return {
    volumeId,
    modifications: { rescue, revert, failed: 0, dryRun: 0, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 },
    reasons: [],
    secondsByType: {},
    ...(cost === undefined ? {} : { cost: { actualUSD: cost.actual, unaidedUSD: cost.unaided, allGp3USD: cost.actual } }),
    months: [],
    preventedThrottling: { ...NO_PREVENTED_THROTTLING, episodes: throttledSeconds > 0 ? 1 : 0, seconds: throttledSeconds },
    alertsSent: alerts,
    roundTrips: [],
    recommendations: [],
  };
}

function report(volumes: VolumeReport[]): FinanceReport {
  return {
    period: { sinceEpochSeconds: 0, untilEpochSeconds: 86_400 },
    generatedAtEpochSeconds: 86_400,
    priceSource: 'fixture',
    volumes,
    months: [],
    timeline: { bucket: 'day', buckets: [] },
    totals: {} as FinanceReport['totals'],
  };
}

/** The hand-computed fixture: four volumes in two accounts, two teams and one untagged. */
const FIXTURE = report([
  volume('vol-1', { actual: 10.0, unaided: 14.0 }, 1, 1, 600, 2),
  volume('vol-2', { actual: 5.5, unaided: 5.5 }, 0, 0, 0, 1),
  volume('vol-3', { actual: 20.25, unaided: 30.75 }, 2, 1, 1800, 3),
  volume('vol-4', undefined, 0, 0, 0, 0),
]);
const LABELS = new Map<string, VolumeLabels>([
  ['vol-1', { accountId: A, region: 'eu-west-1', tags: { team: 'payments' } }],
  ['vol-2', { accountId: A, region: 'us-east-1', tags: { team: 'search' } }],
  ['vol-3', { accountId: B, region: 'eu-west-1', tags: { team: 'payments' } }],
  ['vol-4', { accountId: B, region: 'us-east-1', tags: {} }],
]);

const pick = (g: { key: string; volumes: number; actualUSD: number; unaidedUSD: number; netSavingUSD: number; rescues: number; volumesWithoutCost: number }) => [
  g.key,
  g.volumes,
  g.actualUSD,
  g.unaidedUSD,
  g.netSavingUSD,
  g.rescues,
  g.volumesWithoutCost,
];

describe('breakDown', () => {
  it('by account: the hand-computed figures, adding up to the organization total', () => {
    const b = breakDown(FIXTURE, LABELS, parseBreakdownKey('account'));
    expect(b.groups.map(pick)).toEqual([
      [B, 2, 20.25, 30.75, 10.5, 2, 1],
      [A, 2, 15.5, 19.5, 4.0, 1, 0],
    ]);
    expect(pick(b.total)).toEqual(['total', 4, 35.75, 50.25, 14.5, 3, 1]);
  });

  it('by team: untagged volumes in their own group, so the teams add up to the organization total', () => {
    const b = breakDown(FIXTURE, LABELS, parseBreakdownKey('tag:team'));
    expect(b.groups.map(pick)).toEqual([
      ['payments', 2, 30.25, 44.75, 14.5, 3, 0],
      ['search', 1, 5.5, 5.5, 0, 0, 0],
      [UNKNOWN_GROUP, 1, 0, 0, 0, 0, 1],
    ]);
    expect(b.total.actualUSD).toBe(35.75);
    expect(b.groups.reduce((s, g) => s + g.preventedThrottlingSeconds, 0)).toBe(2400);
  });

  it('groups always add up to the total, whatever the labels', () => {
    const cents = fc.integer({ min: 0, max: 1_000_000 });
    const vol = fc.record({ actual: cents, unaided: cents, costed: fc.boolean(), rescue: fc.nat(5), account: fc.constantFrom(A, B, undefined), team: fc.constantFrom('a', 'b', undefined) });
    fc.assert(
      fc.property(fc.array(vol, { maxLength: 30 }), fc.constantFrom('account', 'region', 'tag:team'), (vols, by) => {
        const r = report(vols.map((v, i) => volume(`vol-${i}`, v.costed ? { actual: v.actual / 100, unaided: v.unaided / 100 } : undefined, v.rescue, 0, 0, 0)));
        const labels = new Map(vols.map((v, i) => [`vol-${i}`, { ...(v.account === undefined ? {} : { accountId: v.account }), ...(v.team === undefined ? {} : { tags: { team: v.team } }) }]));
        const b = breakDown(r, labels, parseBreakdownKey(by));
        expect(b.groups.reduce((n, g) => n + g.volumes, 0)).toBe(b.total.volumes);
        expect(b.groups.reduce((n, g) => n + g.rescues, 0)).toBe(b.total.rescues);
        expect(b.groups.reduce((s, g) => s + g.actualUSD, 0)).toBeCloseTo(b.total.actualUSD, 6);
        expect(b.groups.reduce((s, g) => s + g.netSavingUSD, 0)).toBeCloseTo(b.total.netSavingUSD, 6);
      }),
    );
  });

  it("with the guardian's running cost: every group's running cost and net of it add up to the total, by any key", () => {
    const cents = fc.integer({ min: 0, max: 1_000_000 });
    const vol = fc.record({ actual: cents, unaided: cents, account: fc.constantFrom(A, B, undefined), region: fc.constantFrom('eu-west-1', 'us-east-1'), team: fc.constantFrom('a', 'b', undefined) });
    const scan = fc.record({ account: fc.constantFrom(A, B, '333333333333', undefined), region: fc.constantFrom('eu-west-1', 'ap-south-1', undefined), second: fc.nat(86_399), metrics: fc.nat(100_000), memoryMiB: fc.constantFrom(0, 512, 1024), ms: fc.nat(60_000), series: fc.nat(40) });
    fc.assert(
      fc.property(fc.array(vol, { maxLength: 20 }), fc.array(scan, { minLength: 1, maxLength: 20 }), fc.constantFrom('account', 'region', 'tag:team'), (vols, scans, by) => {
        const days = new Map<string, UsageDay>();
        for (const s of scans) {
          const key = `${s.account}|${s.region}`;
          days.set(key, addUsageToDay(days.get(key), { ...(s.account === undefined ? {} : { accountId: s.account }), ...(s.region === undefined ? {} : { region: s.region }), tEpochSeconds: s.second, metricsRequested: s.metrics, memoryMiB: s.memoryMiB, durationMs: s.ms, dynamoReadUnits: s.series / 2, dynamoWriteUnits: s.series, metricSeries: s.series }));
        }
        const base = report(vols.map((v, i) => volume(`vol-${i}`, { actual: v.actual / 100, unaided: v.unaided / 100 }, 0, 0, 0, 0)));
        const r = { ...base, runningCost: runningCost([...days.values()], base.period) };
        const labels = new Map(vols.map((v, i) => [`vol-${i}`, { ...(v.account === undefined ? {} : { accountId: v.account }), region: v.region, ...(v.team === undefined ? {} : { tags: { team: v.team } }) }]));
        const b = breakDown(r, labels, parseBreakdownKey(by));
        expect(b.total.runningCostUSD).toBeCloseTo(r.runningCost.total.totalUSD, 9);
        expect(b.groups.reduce((s, g) => s + (g.runningCostUSD ?? Number.NaN), 0)).toBeCloseTo(b.total.runningCostUSD ?? Number.NaN, 9);
        expect(b.groups.reduce((s, g) => s + (g.netOfRunningCostUSD ?? Number.NaN), 0)).toBeCloseTo(b.total.netOfRunningCostUSD ?? Number.NaN, 6);
        expect(b.groups.reduce((n, g) => n + g.volumes, 0)).toBe(vols.length);
      }),
    );
  });
});

describe('parseBreakdownKey', () => {
  it.each([
    ['account', { kind: 'account' }],
    ['region', { kind: 'region' }],
    ['tag:team', { kind: 'tag', tagKey: 'team' }],
    ['team', { kind: 'tag', tagKey: 'team' }],
  ])('reads %s', (text, key) => {
    expect(parseBreakdownKey(text)).toEqual(key);
  });

  it.each(['tag:', 'owner:x', 'a b'])("rejects '%s' naming it", (text) => {
    expect(() => parseBreakdownKey(text)).toThrow(UsageError);
    expect(() => parseBreakdownKey(text)).toThrow(`'${text}'`);
  });
});

describe('labelsFromHistory', () => {
  it('takes account and region from the stamped records and the tags from the latest event', () => {
    const event = (t: number, tags: Record<string, string>): HistoryEvent => ({ volumeId: 'vol-1', tEpochSeconds: t, kind: 'alert', runId: 'r', summary: '', details: { tags }, accountId: A, region: 'eu-west-1' });
    const record = { volumeId: 'vol-1', requestedEpochSeconds: 5, accountId: A, region: 'eu-west-1' } as ModificationRecord;
    const labels = labelsFromHistory([event(1, { team: 'old' }), event(9, { team: 'payments' })], [record]);
    expect(labels.get('vol-1')).toEqual({ accountId: A, region: 'eu-west-1', tags: { team: 'payments' } });
  });
});
