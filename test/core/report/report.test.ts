import { describe, expect, it } from 'vitest';
import { buildFinanceReport, type FinanceReport, type VolumeReport } from '../../../lambda/core/report/report';
import {
  BOUNDARY,
  DEC_1,
  FLIP_AT,
  FLIP_REVERT,
  handComputedHistory,
  NOV_1,
  OCT_1,
  SEP_1,
  seededHistory,
  STAYED,
} from '../../fixtures/history/seed';
import { designPrices } from './report-fixtures';

function reportFor(sinceEpochSeconds: number, untilEpochSeconds: number, history = handComputedHistory()): FinanceReport {
  return buildFinanceReport({
    period: { sinceEpochSeconds, untilEpochSeconds },
    generatedAtEpochSeconds: DEC_1,
    priceMonthlyUSD: designPrices,
    priceSource: 'DESIGN.md us-east-1',
    events: history.events,
    modifications: history.modifications,
  });
}

/** One rescue's prevented throttling, estimated (the record carries no shadow replay). */
function estimated(seconds: number, deferredIos: number): VolumeReport['preventedThrottling'] {
  const part = { episodes: 1, seconds, deferredIos };
  return { ...part, basis: 'estimate', estimate: part, replay: { episodes: 0, seconds: 0, deferredIos: 0, secondsIfSteady: 0 } };
}

function volume(report: FinanceReport, id: string): VolumeReport {
  const found = report.volumes.find((v) => v.volumeId === id);
  if (found === undefined) throw new Error(`${id} missing from the report`);
  return found;
}

describe('buildFinanceReport: hand-computed costs', () => {
  it('charges a flip and revert inside October per second of the calendar month', () => {
    // October has 31 days = 2,678,400 s. gp2 100 GiB = $10.00/month, gp3 3000/125 100 GiB = $8.00/month.
    // 6 h (21,600 s) on gp3: actual = 10 × 2,656,800/2,678,400 + 8 × 21,600/2,678,400
    //                              = 10 − 2 × 21,600/2,678,400 = 10 − 0.016129 = 9.983871.
    const v = volume(reportFor(OCT_1, NOV_1), FLIP_REVERT);
    expect(v.cost?.actualUSD).toBeCloseTo(9.983871, 6);
    expect(v.cost?.unaidedUSD).toBeCloseTo(10, 9);
    expect(v.cost?.allGp3USD).toBeCloseTo(8, 9);
    expect(v.secondsByType).toEqual({ gp2: 2_678_400 - 21_600, gp3: 21_600 });
    expect(v.modifications).toEqual({ rescue: 1, revert: 1, failed: 0, dryRun: 0, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 });
    expect(v.months.map((m) => m.month)).toEqual(['2026-10']);
  });

  it('splits a flip across the September/October boundary into each month at its own length', () => {
    // gp2 200 GiB = $20/month; io1 200 GiB 4,000 IOPS = 0.125×200 + 0.065×4,000 = $285/month.
    // 4 h (14,400 s) on io1 in each month. September (30 d = 2,592,000 s):
    //   20 + (285 − 20) × 14,400/2,592,000 = 20 + 1.472222 = 21.472222
    // October (31 d = 2,678,400 s): 20 + 265 × 14,400/2,678,400 = 20 + 1.424731 = 21.424731
    // gp3 for good carries the io1 peak: 4,000 IOPS → 0.08×200 + 0.005×1,000 = $21/month.
    const v = volume(reportFor(SEP_1, NOV_1), BOUNDARY);
    expect(v.months.map((m) => [m.month, m.secondsInPeriod])).toEqual([
      ['2026-09', 2_592_000],
      ['2026-10', 2_678_400],
    ]);
    expect(v.months[0]?.actualUSD).toBeCloseTo(21.472222, 6);
    expect(v.months[1]?.actualUSD).toBeCloseTo(21.424731, 6);
    expect(v.cost?.actualUSD).toBeCloseTo(42.896953, 6);
    expect(v.cost?.unaidedUSD).toBeCloseTo(40, 9);
    expect(v.cost?.allGp3USD).toBeCloseTo(42, 9);
    expect(v.gp3ForGood).toEqual({ type: 'gp3', sizeGiB: 200, iops: 4_000, throughputMiBps: 125 });
    expect(v.secondsByType).toEqual({ gp2: 2_592_000 + 2_678_400 - 28_800, io1: 28_800 });
  });

  it('recommends staying on gp3 for a volume left there, with the monthly saving', () => {
    // November: 30 d = 2,592,000 s. 500 GiB: gp2 $50/month, gp3 $40/month. Rescued 2026-11-20 12:00:
    // 19.5 d (65 %) on gp2, 10.5 d (35 %) on gp3 → actual = 50 × 0.65 + 40 × 0.35 = 32.5 + 14 = 46.5.
    const v = volume(reportFor(NOV_1, DEC_1), STAYED);
    expect(v.cost?.actualUSD).toBeCloseTo(46.5, 9);
    expect(v.finalType).toBe('gp3');
    expect(v.recommendations[0]).toEqual({ kind: 'stay-on-gp3', monthlySavingsUSD: 10, summary: 'stay on gp3: saves $10.00/month' });
  });

  it('recommends gp3 for good after a round trip when gp3 is cheaper than gp2', () => {
    // 100 GiB: gp2 $10 − gp3 3000/125 $8 = $2.00/month.
    const v = volume(reportFor(OCT_1, NOV_1), FLIP_REVERT);
    expect(v.recommendations).toEqual([
      { kind: 'move-to-gp3', monthlySavingsUSD: 2, summary: 'move to gp3 (3000 IOPS, 125 MiB/s) for good: saves $2.00/month and needs no more flips' },
    ]);
  });

  it('makes no gp3 recommendation when the gp3 that carries the peak costs more than gp2', () => {
    expect(volume(reportFor(SEP_1, NOV_1), BOUNDARY).recommendations).toEqual([]);
  });

  it('sums the fleet per month and in total', () => {
    // A reported volume is billed over the whole period (it existed before and after its flips):
    // Sep: BOUNDARY 21.472222 + FLIP_REVERT on gp2 all month 10 = 31.472222.
    // Oct: FLIP_REVERT 9.983871 + BOUNDARY 21.424731 = 31.408602. Total 62.880824.
    // Unaided: (20 + 10) × 2 months = 60.
    const report = reportFor(SEP_1, NOV_1);
    expect(report.months.map((m) => m.month)).toEqual(['2026-09', '2026-10']);
    expect(report.months[0]?.actualUSD).toBeCloseTo(31.472222, 6);
    expect(report.months[1]?.actualUSD).toBeCloseTo(31.408602, 6);
    expect(report.totals.cost.actualUSD).toBeCloseTo(62.880824, 6);
    expect(report.totals.cost.unaidedUSD).toBeCloseTo(60, 9);
    expect(report.totals.volumes).toBe(2);
  });
});

describe('buildFinanceReport: what the guardian prevented and did', () => {
  it('estimates prevented throttling from the recorded forecasts for rescues without a replay, labelled as estimates', () => {
    // FLIP_REVERT: empty 1,800 s after the rescue, reverted 21,600 s after → 19,800 s at baseline, but
    //   no more than the 3,600 s cap after the wall: 100 GiB gp2 baseline 300 IOPS, demand 2,500 →
    //   (2,500 − 300) × 3,600 = 7,920,000 I/Os.
    // BOUNDARY: forecast `empty` (already throttled) → capped at 3,600 s of its 28,800 s; baseline
    //   600, demand 3,400 capped at the 3,000 burst → (3,000 − 600) × 3,600 = 8,640,000 I/Os.
    const report = reportFor(SEP_1, NOV_1);
    expect(volume(report, FLIP_REVERT).preventedThrottling).toEqual(estimated(3_600, 7_920_000));
    expect(volume(report, BOUNDARY).preventedThrottling).toEqual(estimated(3_600, 8_640_000));
    expect(report.totals.preventedThrottling.seconds).toBe(7_200);
  });

  it('ends a prevented episode when demand eased on a volume left on gp3', () => {
    // STAYED: empty 3,600 s after the rescue, alert cleared 21,600 s after → 18,000 s, capped at
    //   3,600 s; 500 GiB baseline 1,500, demand 2,800 → 1,300 × 3,600 = 4,680,000 I/Os. The clear
    //   still ends it early when it comes first (next test).
    expect(volume(reportFor(NOV_1, DEC_1), STAYED).preventedThrottling).toEqual(estimated(3_600, 4_680_000));
  });

  it('pairs rescues with reverts and keeps the round-trip balances', () => {
    expect(volume(reportFor(OCT_1, NOV_1), FLIP_REVERT).roundTrips).toEqual([
      { rescueEpochSeconds: FLIP_AT, revertEpochSeconds: FLIP_AT + 21_600, balanceBeforePercent: 12.5, firstBalanceAfterPercent: 40 },
    ]);
  });

  it('counts alerts and modification reasons inside the period only', () => {
    const september = reportFor(SEP_1, OCT_1);
    expect(volume(september, BOUNDARY).alertsSent).toBe(1);
    expect(september.volumes.map((v) => v.volumeId)).toEqual([BOUNDARY]);
    expect(september.totals.reasons).toEqual([{ kind: 'rescue', reason: 'override', count: 1 }]);
    const october = reportFor(OCT_1, NOV_1);
    expect(volume(october, BOUNDARY).modifications).toEqual({ rescue: 0, revert: 1, failed: 0, dryRun: 0, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 });
    expect(volume(october, BOUNDARY).secondsByType).toEqual({ io1: 14_400, gp2: 2_678_400 - 14_400 });
  });

  it('buckets modifications per day for short periods and per month for long ones', () => {
    const october = reportFor(OCT_1, NOV_1);
    expect(october.timeline.bucket).toBe('day');
    expect(october.timeline.buckets).toHaveLength(31);
    expect(october.timeline.buckets.find((b) => b.label === '2026-10-10')).toMatchObject({ rescues: 1, reverts: 1 });
    const quarter = reportFor(SEP_1, DEC_1, seededHistory());
    expect(quarter.timeline.bucket).toBe('month');
    expect(quarter.timeline.buckets.map((b) => b.label)).toEqual(['2026-09', '2026-10', '2026-11']);
  });

  it('includes a volume flipped before the period and still off its type in it', () => {
    const december = reportFor(DEC_1, DEC_1 + 31 * 86_400);
    expect(december.volumes.map((v) => v.volumeId)).toEqual([STAYED]);
    expect(volume(december, STAYED).secondsByType).toEqual({ gp3: 31 * 86_400 });
  });

  it('leaves a volume without a size out of the cost totals and says so', () => {
    const report = buildFinanceReport({
      period: { sinceEpochSeconds: OCT_1, untilEpochSeconds: NOV_1 },
      generatedAtEpochSeconds: NOV_1,
      priceMonthlyUSD: designPrices,
      priceSource: 'test',
      events: [{ volumeId: 'vol-unsized', tEpochSeconds: OCT_1 + 10, kind: 'alert', runId: 'r', summary: 'alert', details: {} }],
      modifications: [],
    });
    expect(report.volumes[0]?.cost).toBeUndefined();
    expect(report.totals.volumesWithoutCost).toBe(1);
    expect(report.totals.alertsSent).toBe(1);
  });

  it('does not bill failed, dry-run or unconfirmed modifications', () => {
    const { modifications } = handComputedHistory();
    const first = modifications[0];
    if (first === undefined) throw new Error('fixture changed');
    const variants = (['failed', 'rejected', 'dry-run', 'intent'] as const).map((status) => ({ ...first, status }));
    const counts = variants.map(
      (record) =>
        volume(
          buildFinanceReport({
            period: { sinceEpochSeconds: OCT_1, untilEpochSeconds: NOV_1 },
            generatedAtEpochSeconds: NOV_1,
            priceMonthlyUSD: designPrices,
            priceSource: 'test',
            events: [],
            modifications: [record],
            volumeConfigs: new Map([[FLIP_REVERT, { type: 'gp2', sizeGiB: 100 }]]),
          }),
          FLIP_REVERT,
        ),
    );
    expect(counts.map((v) => v.cost?.actualUSD)).toEqual([10, 10, 10, 10].map((x) => expect.closeTo(x, 9)));
    expect(counts.map((v) => v.modifications)).toEqual([
      { rescue: 0, revert: 0, failed: 1, dryRun: 0, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 },
      { rescue: 0, revert: 0, failed: 1, dryRun: 0, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 },
      { rescue: 0, revert: 0, failed: 0, dryRun: 1, unconfirmed: 0, notSent: 0, volumeDeleted: 0, external: 0 },
      { rescue: 0, revert: 0, failed: 0, dryRun: 0, unconfirmed: 1, notSent: 0, volumeDeleted: 0, external: 0 },
    ]);
  });

  it('orders the seeded fleet by modifications and keeps totals equal to the per-volume sums', () => {
    const report = reportFor(SEP_1, DEC_1, seededHistory());
    expect(report.volumes.length).toBeGreaterThan(20);
    const flips = report.volumes.map((v) => v.modifications.rescue + v.modifications.revert);
    expect(flips).toEqual([...flips].sort((a, b) => b - a));
    const sum = report.volumes.reduce((s, v) => s + (v.cost?.actualUSD ?? 0), 0);
    expect(report.totals.cost.actualUSD).toBeCloseTo(sum, 6);
    expect(report.months.reduce((s, m) => s + m.actualUSD, 0)).toBeCloseTo(sum, 6);
  });

  it('reads forecasts, savings and sizes nested in a recorded decision', () => {
    // 2026-10-10 12:00 rescue, empty forecast 600 s later, reverted 2,400 s later → 1,800 s prevented (the revert comes before the 3,600 s cap).
    const rescue = handComputedHistory().modifications[0];
    const revert = handComputedHistory().modifications[1];
    if (rescue === undefined || revert === undefined) throw new Error('fixture changed');
    const inputs: Parameters<typeof buildFinanceReport>[0] = {
      period: { sinceEpochSeconds: OCT_1, untilEpochSeconds: NOV_1 },
      generatedAtEpochSeconds: NOV_1,
      priceMonthlyUSD: designPrices,
      priceSource: 'test',
      events: [
        { volumeId: FLIP_REVERT, tEpochSeconds: FLIP_AT, kind: 'rescue', runId: rescue.runId, summary: 'rescue', details: { decision: { kind: 'rescue', forecast: { kind: 'draining', secondsToEmpty: 600, demandPerSecond: 1_000 } } } },
        { volumeId: FLIP_REVERT, tEpochSeconds: FLIP_AT + 7_300, kind: 'recommendation', runId: 'r2', summary: 'stay on gp3', details: { decision: { kind: 'stay-recommendation', savingMonthlyUSD: 2 } } },
        { volumeId: 'vol-0aaaaaaaaaaaaaaaa', tEpochSeconds: OCT_1 + 5, kind: 'alert', runId: 'r3', summary: 'alert', details: { volume: { volumeId: 'vol-0aaaaaaaaaaaaaaaa', type: 'gp2', sizeGiB: 30 } } },
      ],
      modifications: [rescue, { ...revert, requestedEpochSeconds: FLIP_AT + 2_400 }],
    };
    const report = buildFinanceReport(inputs);
    // (1,000 − 300 baseline) × 1,800 s = 1,260,000 deferred I/Os.
    expect(volume(report, FLIP_REVERT).preventedThrottling).toEqual(estimated(1_800, 1_260_000));
    // One voice per volume: the report's own price judgement, not also the older recorded one.
    expect(volume(report, FLIP_REVERT).recommendations.map((r) => r.kind)).toEqual(['move-to-gp3']);
    // Without a price judgement (gp3 dearer here), the recorded one is read, with its nested saving.
    const dearGp3 = buildFinanceReport({ ...inputs, priceMonthlyUSD: (c) => (c.type === 'gp3' ? 1_000 : designPrices(c)) });
    expect(volume(dearGp3, FLIP_REVERT).recommendations).toEqual([{ kind: 'recorded', summary: 'stay on gp3', monthlySavingsUSD: 2 }]);
    // 30 GiB gp2 all October = $3.00.
    expect(volume(report, 'vol-0aaaaaaaaaaaaaaaa').cost?.actualUSD).toBeCloseTo(3, 9);
  });
});
