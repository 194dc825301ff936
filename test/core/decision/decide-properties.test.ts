import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { committedRescueCostUSD, decide } from '../../../lambda/core/decision/decide';
import { TARGET_LIMITS, maxIopsFor, maxThroughputFor } from '../../../lambda/core/policy/target-limits';
import type { ModificationRecord, ModificationRecordStatus } from '../../../lambda/core/ports';
import type { Forecast, VolumeDescription, VolumeModification } from '../../../lambda/core/types';
import { H, NOW, constantOps, inputOf, policyOf } from '../../fixtures/policies/decide-fixtures';

// Weighted towards completed modifications inside the 24 h window, where the ledger rules bite.
const statuses: ModificationRecordStatus[] = ['completed', 'completed', 'completed', 'completed', 'failed', 'optimizing', 'dry-run', 'rejected', 'intent'];

const forecastArb: fc.Arbitrary<Forecast> = fc.oneof(
  fc.record({ secondsToEmpty: fc.integer({ min: 0, max: 20 * H }), balance: fc.double({ min: 0, max: 100, noNaN: true }), demand: fc.double({ min: 0, max: 90_000, noNaN: true }), confidence: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map((r): Forecast => ({ kind: 'draining', balancePercent: r.balance, secondsToEmpty: r.secondsToEmpty, minSecondsToEmpty: r.secondsToEmpty / 2, basis: 'model', confidence: r.confidence, demandPerSecond: r.demand })),
  fc.double({ min: 0, max: 100, noNaN: true }).map((b): Forecast => ({ kind: 'steady', balancePercent: b })),
  fc.constant<Forecast>({ kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }),
  fc.constant<Forecast>({ kind: 'empty', balancePercent: 0, demandPerSecond: 6000 }),
  fc.constant<Forecast>({ kind: 'full', balancePercent: 100 }),
  fc.constant<Forecast>({ kind: 'insufficient-data', reason: 'gaps' }),
);

const volumeArb = fc.record({
  index: fc.nat(),
  flipped: fc.boolean(),
  sizeGiB: fc.integer({ min: 1, max: 1500 }),
  optIn: fc.boolean(),
  role: fc.constantFrom('etcd', 'ci', undefined),
  forecast: forecastArb,
  records: fc.array(fc.record({ ageSeconds: fc.integer({ min: 3600, max: 26 * H }), status: fc.constantFrom(...statuses), kind: fc.constantFrom('rescue' as const, 'revert' as const) }), { maxLength: 5 }),
  aws: fc.option(fc.record({ ageSeconds: fc.integer({ min: 60, max: 30 * H }), state: fc.constantFrom<VolumeModification['state']>('modifying', 'optimizing', 'completed', 'failed') }), { nil: undefined }),
  opsPerSecond: fc.integer({ min: 0, max: 4000 }),
});

const policyArb = fc.record({
  optIn: fc.boolean(),
  target: fc.constantFrom('gp3', 'io1', 'io2'),
  rule: fc.constantFrom('four-per-24h', 'six-hour-cooldown'),
  // Half the policies have budgets too large to bind, so the ledger and selection rules get exercised too.
  perRun: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(50)),
  flipped: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(50)),
  ceiling: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(100_000)),
  keepIfCheaper: fc.boolean(),
}).map((p) => policyOf([
  'dryRun: false',
  `modificationRule: ${p.rule}`,
  p.optIn ? '' : 'selection:\n  optInTag: null',
  `rescue:\n  target: { type: ${p.target} }`,
  `revert:\n  minimumHoldMinutes: 60\n  keepIfCheaper: ${p.keepIfCheaper}`,
  'overrides:\n  - name: etcd\n    match: { tags: { role: [etcd] } }\n    rescueImmediately: true\n    revertEnabled: false\n    target: { type: io1 }',
  `budgets:\n  maxModificationsPerRun: ${p.perRun}\n  maxVolumesFlipped: ${p.flipped}\n  monthlyCeilingUSD: ${p.ceiling}`,
].filter((l) => l !== '').join('\n') + '\n'));

type VolumeSpec = typeof volumeArb extends fc.Arbitrary<infer T> ? T : never;

function build(specs: VolumeSpec[]) {
  const volumes: VolumeDescription[] = [];
  const ledger = new Map<string, ModificationRecord[]>();
  const aws = new Map<string, VolumeModification>();
  const forecasts = new Map<string, Forecast>();
  const metrics = new Map();
  specs.forEach((s, i) => {
    const id = `vol-${i.toString(16).padStart(4, '0')}`;
    const tags: Record<string, string> = { ...(s.optIn ? { 'burst-guardian': 'managed' } : {}), ...(s.role === undefined ? {} : { role: s.role }) };
    volumes.push(s.flipped ? { volumeId: id, type: 'gp3', sizeGiB: s.sizeGiB, iops: 3000, throughputMiBps: 125, state: 'in-use', tags } : { volumeId: id, type: 'gp2', sizeGiB: s.sizeGiB, state: 'in-use', tags });
    const records = s.records.map((r): ModificationRecord => ({
      volumeId: id, modificationId: `${NOW - r.ageSeconds}#${r.kind}`, kind: r.kind, requestedEpochSeconds: NOW - r.ageSeconds, status: r.status,
      from: { type: 'gp2' }, to: { type: 'gp3' }, sizeGiB: s.sizeGiB, reason: 'p', dryRun: r.status === 'dry-run', hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0, runId: 'r',
    }));
    if (s.flipped) records.push({ ...records[0]!, kind: 'rescue', status: 'completed', dryRun: false, requestedEpochSeconds: NOW - 30 * H - 60, modificationId: 'old#rescue', from: { type: 'gp2' }, to: { type: 'gp3' }, volumeId: id, sizeGiB: s.sizeGiB, reason: 'p', hourlyCostDeltaUSD: 0, monthlyCostDeltaUSD: 0, runId: 'r' });
    ledger.set(id, records);
    if (s.aws !== undefined) aws.set(id, { volumeId: id, state: s.aws.state, startEpochSeconds: NOW - s.aws.ageSeconds, originalType: 'gp2', targetType: 'gp3', originalSizeGiB: s.sizeGiB, targetSizeGiB: s.sizeGiB });
    forecasts.set(id, s.forecast);
    metrics.set(id, constantOps(id, s.opsPerSecond, NOW - 4 * H));
  });
  return { volumes, ledger, aws, forecasts, metrics };
}

/** Independent re-statement of the four-per-24h rule and the in-progress rule. */
function ledgerRoomFor(records: readonly ModificationRecord[], latest: VolumeModification | undefined, needed: number, rule: string): boolean {
  if (latest !== undefined && (latest.state === 'modifying' || latest.state === 'optimizing')) return false;
  const starts = records.filter((r) => !r.dryRun && ['intent', 'modifying', 'optimizing', 'completed', 'failed'].includes(r.status)).map((r) => r.requestedEpochSeconds);
  if (latest !== undefined && !starts.some((s) => Math.abs(s - latest.startEpochSeconds) <= 300)) starts.push(latest.startEpochSeconds);
  if (rule === 'six-hour-cooldown') return starts.every((s) => s <= NOW - 6 * H);
  return starts.filter((s) => s > NOW - 24 * H).length + needed <= 4;
}

describe('decide (properties)', () => {
  it('never breaks the ledger rule, exceeds a budget, touches an unselected volume or sizes outside AWS limits', () => {
    fc.assert(
      fc.property(policyArb, fc.array(volumeArb, { maxLength: 8 }), fc.record({ modificationsThisRun: fc.integer({ min: 0, max: 3 }), volumesFlipped: fc.integer({ min: 0, max: 3 }), monthToDateSpendUSD: fc.integer({ min: 0, max: 300 }) }), (policy, specs, budget) => {
        const { volumes, ledger, aws, forecasts, metrics } = build(specs);
        const decisions = decide(inputOf({ policy, volumes, ledger, awsModifications: aws, forecasts, metrics, budget }));
        expect(decisions.map((d) => d.volumeId)).toEqual(volumes.map((v) => v.volumeId));
        const acting = decisions.filter((d) => d.kind === 'rescue' || d.kind === 'revert');
        const rescues = decisions.flatMap((d) => (d.kind === 'rescue' ? [d] : []));
        expect(acting.length).toBeLessThanOrEqual(Math.max(0, policy.budgets.maxModificationsPerRun - budget.modificationsThisRun));
        if (rescues.length > 0) expect(budget.volumesFlipped + rescues.length).toBeLessThanOrEqual(policy.budgets.maxVolumesFlipped);
        const committed = rescues.reduce((sum, r) => sum + committedRescueCostUSD(r.cost.hourlyUSD, policy), 0);
        if (rescues.length > 0) expect(budget.monthToDateSpendUSD + committed).toBeLessThanOrEqual(policy.budgets.monthlyCeilingUSD + 1e-9);
        for (const d of acting) {
          const volume = volumes.find((v) => v.volumeId === d.volumeId)!;
          if (policy.selection.optInTag !== null) expect(volume.tags['burst-guardian']).toBe('managed');
          expect(ledgerRoomFor(ledger.get(d.volumeId) ?? [], aws.get(d.volumeId), d.kind === 'rescue' ? 2 : 1, policy.modificationRule)).toBe(true);
        }
        for (const r of rescues) {
          const limits = TARGET_LIMITS[r.target.type];
          const sizeGiB = volumes.find((v) => v.volumeId === r.volumeId)!.sizeGiB;
          expect(r.target.iops).toBeGreaterThanOrEqual(limits.minIops);
          expect(r.target.iops).toBeLessThanOrEqual(maxIopsFor(r.target.type, sizeGiB));
          if (r.target.type === 'gp3') expect(r.target.throughputMiBps!).toBeLessThanOrEqual(maxThroughputFor(r.target.iops));
          else expect(r.target.throughputMiBps).toBeUndefined();
        }
      }),
      { numRuns: 400 },
    );
  });
});
