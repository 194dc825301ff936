import { describe, expect, it } from 'vitest';
import { decide, type Decision } from '../../../lambda/core/decision/decide';
import type { Forecast } from '../../../lambda/core/types';
import { H, NOW, constantOps, draining, gp2, gp3, inputOf, openPolicy, policyOf, rescueRecord } from '../../fixtures/policies/decide-fixtures';

function one(decisions: Decision[]): Decision {
  expect(decisions).toHaveLength(1);
  return decisions[0]!;
}

describe('decide: burstable volumes', () => {
  it.each<[string, Forecast, Decision['kind']]>([
    ['full bucket', { kind: 'full', balancePercent: 100 }, 'ok'],
    ['refilling', { kind: 'refilling', balancePercent: 60, secondsToFull: 900 }, 'ok'],
    ['draining far beyond the alert horizon', draining(10 * H, 90), 'watch'],
    ['draining within the alert horizon but beyond the rescue horizon', draining(2 * H, 50), 'alert'],
    ['draining within the rescue horizon', draining(30 * 60, 20), 'rescue'],
    ['empty now', { kind: 'empty', balancePercent: 0, demandPerSecond: 2800 }, 'rescue'],
    ['balance below the rescue floor while steady', { kind: 'steady', balancePercent: 5 }, 'rescue'],
    ['a low-confidence drain within the rescue horizon (alert only)', draining(30 * 60, 20, 2500, 0.4), 'alert'],
    ['insufficient data', { kind: 'insufficient-data', reason: 'gaps' }, 'skip'],
  ])('decides %s', (_what, forecast, kind) => {
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', forecast]]) })));
    expect(d.kind).toBe(kind);
    expect(d.reasons.length).toBeGreaterThan(0);
  });

  it('rescues a draining gp2 volume to gp3 sized from demand, with its cost delta', () => {
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(20 * 60, 15, 4000)]]) })));
    expect(d).toMatchObject({ kind: 'rescue', target: { type: 'gp3', iops: 5200, throughputMiBps: 128 }, from: { type: 'gp2' }, dryRun: false, urgencySeconds: 1200 });
    if (d.kind === 'rescue') {
      // 100 GiB gp2 $10 → gp3 $8 + 2,200 IOPS × $0.005 + 3 MiB/s × $0.04 = $19.12
      expect(d.cost.monthlyUSD).toBeCloseTo(9.12, 6);
      expect(d.cost.hourlyUSD).toBeCloseTo(9.12 / 730, 9);
    }
  });

  it('sizes a throttled volume from the ops it served while it could still burst, not its throttled rate', () => {
    const metrics = new Map([['vol-a', constantOps('vol-a', 2800, NOW - H)]]);
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], metrics, forecasts: new Map([['vol-a', { kind: 'empty', balancePercent: 0, demandPerSecond: 300 }]]) })));
    expect(d).toMatchObject({ kind: 'rescue', target: { type: 'gp3', iops: 3640 } });
  });

  it('only alerts on an empty bucket when throttledNow is off', () => {
    const d = one(decide(inputOf({ policy: openPolicy('rescue:\n  trigger:\n    throttledNow: false\n'), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }]]) })));
    expect(d).toMatchObject({ kind: 'alert', severity: 'critical' });
  });

  it('marks rescues as dry-run under the default policy', () => {
    const d = one(decide(inputOf({ policy: policyOf(), volumes: [gp2('vol-a', 100, { 'burst-guardian': 'managed' })], forecasts: new Map([['vol-a', draining(60)]]) })));
    expect(d).toMatchObject({ kind: 'rescue', dryRun: true });
  });

  it('skips a volume without the opt-in tag under the default policy, even when it is about to hit the wall', () => {
    const d = one(decide(inputOf({ policy: policyOf(), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }]]) })));
    expect(d).toMatchObject({ kind: 'skip', skip: 'not-selected' });
  });

  it.each([
    ['an excluded id', 'selection:\n  optInTag: null\n  excludeVolumeIds: [vol-a]\n', {}],
    ['an excluded tag', 'selection:\n  optInTag: null\n  excludeTags: { env: [prod] }\n', { env: 'prod' }],
    ['a tag filter it does not match', 'selection:\n  optInTag: null\n  tags: { team: [ci] }\n', { team: 'web' }],
    ['an id list it is not in', 'selection:\n  optInTag: null\n  volumeIds: [vol-b]\n', {}],
  ])('skips a volume with %s', (_what, yaml, tags) => {
    const d = one(decide(inputOf({ policy: policyOf(yaml), volumes: [gp2('vol-a', 100, tags)], forecasts: new Map([['vol-a', draining(60)]]) })));
    expect(d).toMatchObject({ kind: 'skip', skip: 'not-selected' });
  });

  it('skips a gp3 volume the guardian did not flip: its type is not selected', () => {
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp3('vol-a')], forecasts: new Map([['vol-a', draining(60)]]) })));
    expect(d).toMatchObject({ kind: 'skip', skip: 'not-selected' });
  });

  it('skips a gp2 volume of 1,000 GiB as not burstable (it never spends credits)', () => {
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a', 1000)], forecasts: new Map([['vol-a', draining(60)]]) })));
    expect(d).toMatchObject({ kind: 'skip', skip: 'not-burstable' });
  });

  it('alerts instead of rescuing an st1 volume unless HDD rescue is allowed', () => {
    const st1 = { ...gp2('vol-a', 2048), type: 'st1' as const };
    const held = { heldRuns: 12, drainSeconds: 3600, pastDrains: 0, longestPastDrainSeconds: 0, survival: 0.98 };
    const forecasts = new Map([['vol-a', { ...draining(60, 5, 200), persistence: held }]]);
    const alertOnly = one(decide(inputOf({ policy: openPolicy('  volumeTypes: [st1]\n'), volumes: [st1], forecasts })));
    // A page (critical): the drain held for an hour and the bucket is a minute from empty.
    expect(alertOnly).toMatchObject({ kind: 'alert', severity: 'critical' });
    const rescued = one(decide(inputOf({ policy: openPolicy('  volumeTypes: [st1]\nrescue:\n  allowHddVolumes: true\n'), volumes: [st1], forecasts })));
    expect(rescued).toMatchObject({ kind: 'rescue', target: { type: 'gp3', throughputMiBps: 500 } });
  });

  it('rescues an etcd volume to io1 at once through its override', () => {
    const policy = openPolicy('overrides:\n  - name: etcd\n    match: { tags: { role: [etcd] } }\n    rescueImmediately: true\n    target: { type: io1 }\n    revertEnabled: false\n');
    const d = one(decide(inputOf({ policy, volumes: [gp2('vol-a', 200, { role: 'etcd' })], forecasts: new Map([['vol-a', { kind: 'full', balancePercent: 100 }]]) })));
    expect(d).toMatchObject({ kind: 'rescue', override: 'etcd', target: { type: 'io1', iops: 3000 } });
  });

  it('uses the fallback when io1 cannot beat gp2 on 20 GiB', () => {
    const d = one(decide(inputOf({ policy: openPolicy('rescue:\n  target: { type: io1, fallback: { type: gp3 } }\n'), volumes: [gp2('vol-a', 20)], forecasts: new Map([['vol-a', draining(60)]]) })));
    expect(d).toMatchObject({ kind: 'rescue', target: { type: 'gp3' }, sizing: { fallbackFrom: { type: 'io1', maxIops: 1000 } } });
  });

  it('blocks a rescue while the ledger has no room for its revert', () => {
    const records = [rescueRecord('vol-a', 20 * H), rescueRecord('vol-a', 15 * H), rescueRecord('vol-a', 10 * H)];
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(60)]]), ledger: new Map([['vol-a', records.map((r) => ({ ...r, kind: 'revert' as const }))]]) })));
    expect(d).toMatchObject({ kind: 'blocked', wanted: 'rescue', block: 'no-room-for-revert', nextAllowedEpochSeconds: NOW + 4 * H });
  });

  it('blocks a rescue while a modification is optimizing', () => {
    const aws = { volumeId: 'vol-a', state: 'optimizing' as const, startEpochSeconds: NOW - 600, originalType: 'gp2' as const, targetType: 'gp2' as const, originalSizeGiB: 50, targetSizeGiB: 100 };
    const d = one(decide(inputOf({ policy: openPolicy(), volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(60)]]), awsModifications: new Map([['vol-a', aws]]) })));
    expect(d).toMatchObject({ kind: 'blocked', block: 'in-progress' });
  });

  it('rescues on slow container starts from the probe while the balance is low', () => {
    const policy = openPolicy('rescue:\n  trigger:\n    containerStart: { p90AboveMs: 10000, balanceBelowPercent: 50 }\n');
    const metrics = { ...constantOps('vol-a', 10, NOW - 600), containerStartP90Ms: [{ tEpochSeconds: NOW - 120, value: 82_000 }] };
    const d = one(decide(inputOf({ policy, volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(10 * H, 40)]]), metrics: new Map([['vol-a', metrics]]) })));
    expect(d).toMatchObject({ kind: 'rescue' });
    expect(d.reasons[0]).toContain('container starts p90 82000 ms');
  });
});

describe('decide: flipped volumes', () => {
  const flipped = gp3('vol-a', 100, 3000, 128);
  const since = NOW - 8 * H;

  it('holds a fresh rescue for the minimum hold', () => {
    const d = one(decide(inputOf({ policy: openPolicy('revert:\n  keepIfCheaper: false\n'), volumes: [flipped], ledger: new Map([['vol-a', [rescueRecord('vol-a', H)]]]) })));
    expect(d.kind).toBe('ok');
    expect(d.reasons.join(' ')).toContain('minimum hold');
  });

  it('reverts when the shadow gp2 bucket stayed above the floor, with the cost delta', () => {
    const d = one(decide(inputOf({
      policy: openPolicy('revert:\n  keepIfCheaper: false\n'),
      volumes: [flipped],
      ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]),
      metrics: new Map([['vol-a', constantOps('vol-a', 50, since)]]),
    })));
    expect(d).toMatchObject({ kind: 'revert', target: { type: 'gp2' }, from: { type: 'gp3', iops: 3000, throughputMiBps: 128 } });
    if (d.kind === 'revert') {
      expect(d.cost.monthlyUSD).toBeCloseTo(10 - 8 - 3 * 0.04, 6);
      expect(d.shadowMinBalancePercent).toBeGreaterThan(50);
    }
  });

  it('keeps the volume flipped while the replayed demand would drain the gp2 bucket', () => {
    const d = one(decide(inputOf({
      policy: openPolicy('revert:\n  keepIfCheaper: false\n'),
      volumes: [flipped],
      ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]),
      metrics: new Map([['vol-a', constantOps('vol-a', 2000, since)]]),
    })));
    expect(d.kind).toBe('ok');
    expect(d.reasons.join(' ')).toContain('shadow gp2 bucket fell');
  });

  it('recommends staying on gp3 with the monthly saving when keep-if-cheaper applies', () => {
    const d = one(decide(inputOf({
      policy: openPolicy(),
      volumes: [flipped],
      ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]),
      metrics: new Map([['vol-a', constantOps('vol-a', 50, since)]]),
    })));
    // gp2 100 GiB $10 vs gp3 at 3,000 IOPS / 125 MiB/s $8 (the rescue's 128 MiB/s is lowered to the baseline).
    expect(d).toMatchObject({ kind: 'stay-recommendation', recommended: { type: 'gp3', iops: 3000, throughputMiBps: 125 } });
    if (d.kind === 'stay-recommendation') expect(d.savingMonthlyUSD).toBeCloseTo(2, 6);
    expect(d.reasons.join(' ')).toContain('lower it to 3000 IOPS / 125 MiB/s');
  });

  it('reverts an io1 rescue even with keep-if-cheaper, since io1 costs more than gp2', () => {
    const io1 = { volumeId: 'vol-a', type: 'io1' as const, sizeGiB: 100, iops: 3000, state: 'in-use', tags: {} };
    const d = one(decide(inputOf({
      policy: openPolicy(),
      volumes: [io1],
      ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]),
      metrics: new Map([['vol-a', constantOps('vol-a', 50, since)]]),
    })));
    expect(d).toMatchObject({ kind: 'revert', target: { type: 'gp2' } });
    if (d.kind === 'revert') expect(d.cost.monthlyUSD).toBeCloseTo(10 - 12.5 - 3000 * 0.065, 6);
  });

  it('never reverts a volume whose override disables it', () => {
    const policy = openPolicy('revert:\n  keepIfCheaper: false\noverrides:\n  - name: etcd\n    match: { tags: { role: [etcd] } }\n    revertEnabled: false\n');
    const d = one(decide(inputOf({ policy, volumes: [gp3('vol-a', 100, 3000, 128, { role: 'etcd' })], ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]), metrics: new Map([['vol-a', constantOps('vol-a', 0, since)]]) })));
    expect(d).toMatchObject({ kind: 'ok', override: 'etcd' });
  });

  it('blocks a revert outside the revert window until the window opens', () => {
    const policy = openPolicy('revert:\n  keepIfCheaper: false\n  window: { startHourUtc: 1, endHourUtc: 5 }\n');
    const d = one(decide(inputOf({ policy, volumes: [flipped], ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]), metrics: new Map([['vol-a', constantOps('vol-a', 50, since)]]) })));
    // NOW is 08:00 UTC: the next window opens at 01:00 the next day.
    expect(d).toMatchObject({ kind: 'blocked', wanted: 'revert', block: 'revert-window', nextAllowedEpochSeconds: NOW + 17 * H });
  });

  it('judges nothing without enough datapoints in the trailing window', () => {
    const d = one(decide(inputOf({ policy: openPolicy('revert:\n  keepIfCheaper: false\n'), volumes: [flipped], ledger: new Map([['vol-a', [rescueRecord('vol-a', 8 * H)]]]), metrics: new Map([['vol-a', constantOps('vol-a', 0, NOW - 30 * 60)]]) })));
    expect(d.kind).toBe('ok');
    expect(d.reasons.join(' ')).toContain('cannot judge a revert');
  });
});

describe('decide: budgets', () => {
  const volumes = ['vol-a', 'vol-b', 'vol-c'].map((id) => gp2(id));
  const forecasts = new Map<string, Forecast>([['vol-a', draining(50 * 60)], ['vol-b', draining(5 * 60)], ['vol-c', draining(20 * 60)]]);

  it('rescues the most urgent volumes first when the per-run budget is short', () => {
    const decisions = decide(inputOf({ policy: openPolicy('budgets:\n  maxModificationsPerRun: 2\n'), volumes, forecasts }));
    expect(decisions.map((d) => d.kind)).toEqual(['blocked', 'rescue', 'rescue']);
    expect(decisions[0]).toMatchObject({ block: 'budget-per-run', wanted: 'rescue' });
  });

  it('counts volumes already flipped against the concurrent maximum', () => {
    const decisions = decide(inputOf({ policy: openPolicy('budgets:\n  maxVolumesFlipped: 3\n'), volumes, forecasts, budget: { modificationsThisRun: 0, volumesFlipped: 2, monthToDateSpendUSD: 0 } }));
    expect(decisions.filter((d) => d.kind === 'rescue').map((d) => d.volumeId)).toEqual(['vol-b']);
    expect(decisions.filter((d) => d.kind === 'blocked').every((d) => d.kind === 'blocked' && d.block === 'budget-flipped')).toBe(true);
  });

  it('blocks a costly rescue that would exceed the monthly ceiling', () => {
    const policy = openPolicy('rescue:\n  target: { type: io1 }\nbudgets:\n  monthlyCeilingUSD: 1\n');
    const d = one(decide(inputOf({ policy, volumes: [gp2('vol-a')], forecasts: new Map([['vol-a', draining(60)]]) })));
    expect(d).toMatchObject({ kind: 'blocked', block: 'budget-monthly' });
  });
});
