import { describe, expect, it } from 'vitest';
import { decide, type Decision } from '../../../lambda/core/decision/decide';
import { nextNotification, type NotificationInput } from '../../../lambda/core/notification/state';
import type { NotificationState } from '../../../lambda/core/ports';
import type { Forecast } from '../../../lambda/core/types';
import { H, NOW, draining, gp2, inputOf, openPolicy, policyOf } from '../../fixtures/policies/decide-fixtures';

const volume = { ...gp2('vol-a'), instanceId: 'i-1', tags: { Name: 'ci-runner-1' } };
const policy = openPolicy();

function decisionFor(forecast: Forecast, p = policy): Decision {
  return decide(inputOf({ policy: p, volumes: [volume], forecasts: new Map([['vol-a', forecast]]) }))[0]!;
}

function run(decision: Decision, previous: NotificationState | undefined, now = NOW, p = policy) {
  const input: NotificationInput = { decision, volume, previous, policy: p, now, region: 'us-east-1', containerStartP90Ms: 82_000 };
  return nextNotification(input);
}

function state(partial: Partial<NotificationState>): NotificationState {
  return { volumeId: 'vol-a', open: true, lastEvent: 'forecast-alert', lastSeverity: 'warning', lastSentEpochSeconds: NOW - 600, lastSecondsToEmpty: 2 * H, version: 3, ...partial };
}

describe('nextNotification', () => {
  it('sends the first alert with the numbers on-call needs, and opens the state', () => {
    const out = run(decisionFor(draining(2 * H, 45)), undefined);
    expect(out.notification).toMatchObject({ event: 'forecast-alert', severity: 'warning', volumeId: 'vol-a', nameTag: 'ci-runner-1', instanceId: 'i-1', balancePercent: 45, secondsToEmpty: 7200, containerStartP90Ms: 82_000, dryRun: false });
    expect(out.state).toMatchObject({ open: true, lastEvent: 'forecast-alert', lastSecondsToEmpty: 7200, version: 1 });
  });

  it.each<[string, Forecast, Partial<NotificationState>, number, string | undefined]>([
    ['stays quiet when nothing changed within the repeat interval', draining(2 * H - 300, 44), {}, NOW, undefined],
    ['does not repeat an early warning after an hour', draining(2 * H - 300, 44), { lastSentEpochSeconds: NOW - H }, NOW, undefined],
    ['repeats an early warning after a day', draining(2 * H - 300, 44), { lastSentEpochSeconds: NOW - 24 * H }, NOW, 'forecast-alert'],
    ['repeats an open page after the repeat interval', { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, { lastEvent: 'throttled', lastSeverity: 'critical', lastSentEpochSeconds: NOW - H, lastSecondsToEmpty: 0 }, NOW, 'throttled'],
    ['escalates when the forecast reaches the rescue horizon', draining(55 * 60, 30), { lastSecondsToEmpty: 2.5 * H }, NOW, 'escalation'],
    ['escalates when the severity rises', { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, {}, NOW, 'escalation'],
  ])('%s', (_what, forecast, prev, now, event) => {
    const p = policyOf('selection:\n  optInTag: null\nrescue:\n  enabled: false\n');
    const out = run(decisionFor(forecast, p), state(prev), now, p);
    if (event === undefined) {
      expect(out).toEqual({ notification: undefined, state: undefined });
    } else {
      expect(out.notification?.event).toBe(event);
      expect(out.state?.version).toBe(4);
    }
  });

  it('escalates (not repeats) an early warning whose time to empty halved, still as a notice', () => {
    const p = policyOf('selection:\n  optInTag: null\nrescue:\n  enabled: false\n');
    const out = run(decisionFor(draining(2 * H, 30), p), state({ lastSecondsToEmpty: 5 * H }), NOW, p);
    expect(out.notification).toMatchObject({ event: 'escalation', severity: 'warning', route: 'notice' });
  });

  it('pages, critical, when a drain that held for an hour is forecast to empty within the page horizon', () => {
    const p = policyOf('selection:\n  optInTag: null\nrescue:\n  enabled: false\n');
    const held = { ...draining(40 * 60, 30), persistence: { heldRuns: 12, drainSeconds: H, pastDrains: 0, longestPastDrainSeconds: 0, survival: 0.9 } };
    const out = run(decisionFor(held, p), state({}), NOW, p);
    expect(out.notification).toMatchObject({ event: 'escalation', severity: 'critical', route: 'page' });
    expect(out.notification?.pageConfidence).toBeGreaterThanOrEqual(p.alerting.pageMinConfidence);
  });

  it('always sends a live rescue, with its monthly cost delta', () => {
    const out = run(decisionFor(draining(600, 8, 4000)), state({}));
    expect(out.notification).toMatchObject({ event: 'rescue', dryRun: false });
    expect(out.notification?.monthlyCostDeltaUSD).toBeGreaterThan(0);
    expect(out.notification?.action).toContain('is rescuing it now: ModifyVolume to gp3, 5,200 IOPS');
    expect(out.notification?.change?.to).toMatchObject({ type: 'gp3', iops: 5200 });
  });

  it('sends a dry-run rescue once, then only on repeat or worsening', () => {
    const dry = policyOf('selection:\n  optInTag: null\n');
    const first = run(decisionFor(draining(600, 8), dry), undefined, NOW, dry);
    expect(first.notification).toMatchObject({ event: 'rescue', dryRun: true });
    expect(first.notification?.action).toContain('dry run');
    const again = run(decisionFor(draining(590, 8), dry), first.state, NOW + 300, dry);
    expect(again.notification).toBeUndefined();
  });

  it('never lowers the severity while a dry-run danger keeps growing (the CRITICAL-then-WARNING bug)', () => {
    const dry = policyOf('selection:\n  optInTag: null\n');
    let previous: NotificationState | undefined;
    const severities: string[] = [];
    // The bucket drains from 3 h to empty over 36 scans of 5 minutes, then stays empty for 2 hours:
    // escalations, then repeats after the repeat interval.
    for (let i = 0; i < 60; i++) {
      const secondsToEmpty = 3 * H - i * 300;
      const forecast: Forecast = secondsToEmpty > 0 ? draining(secondsToEmpty, Math.max(1, 60 - i * 1.6)) : { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 };
      const out = run(decisionFor(forecast, dry), previous, NOW + i * 300, dry);
      if (out.notification !== undefined) severities.push(out.notification.severity);
      if (out.state !== undefined) previous = out.state;
    }
    const rank = { info: 0, warning: 1, critical: 2 } as const;
    expect(severities.length).toBeGreaterThan(2);
    severities.forEach((severity, i) => {
      if (i > 0) expect(rank[severity as keyof typeof rank]).toBeGreaterThanOrEqual(rank[severities[i - 1] as keyof typeof rank]);
    });
    expect(severities).toContain('critical');
  });

  it('offers the guardian\'s own sized target for a manual rescue, also when a dry-run rescue arrives as an escalation', () => {
    const dry = policyOf('selection:\n  optInTag: null\n');
    const out = run(decisionFor(draining(600, 8), dry), state({ lastSecondsToEmpty: 5 * H }), NOW, dry);
    expect(out.notification?.event).toBe('escalation');
    expect(out.notification?.manualTarget).toEqual(out.notification?.change?.to);
  });

  it('names the manual rescue target and the opt-in tag that pauses the guardian', () => {
    const out = run(decisionFor(draining(2 * H, 45)), undefined, NOW, policyOf('selection:\n  optInTag: { key: burst-guardian, value: managed }\nrescue:\n  enabled: false\n'));
    expect(out.notification).toMatchObject({ manualTarget: { type: 'gp3', iops: 3000, throughputMiBps: 125 }, optInTag: { key: 'burst-guardian', value: 'managed' } });
  });

  it('says when a paged danger is over and closes the state', () => {
    const out = run(decisionFor({ kind: 'refilling', balancePercent: 60, secondsToFull: 900 }), state({ lastEvent: 'throttled', lastSeverity: 'critical' }));
    expect(out.notification).toMatchObject({ event: 'recovered', severity: 'info', route: 'notice' });
    expect(out.state).toMatchObject({ open: false, lastEvent: 'recovered', version: 4 });
  });

  it('closes an early warning silently, keeping when it was sent for the daily dedup', () => {
    const out = run(decisionFor({ kind: 'refilling', balancePercent: 60, secondsToFull: 900 }), state({}));
    expect(out.notification).toBeUndefined();
    expect(out.state).toMatchObject({ open: false, lastEvent: 'forecast-alert', lastSentEpochSeconds: NOW - 600, version: 4 });
  });

  it('does not repeat an early warning the same day after a page came and went in between', () => {
    const p = policyOf('selection:\n  optInTag: null\nrescue:\n  enabled: false\n');
    const steps: Forecast[] = [draining(2 * H, 50), { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, { kind: 'refilling', balancePercent: 60, secondsToFull: 900 }, draining(2 * H, 50)];
    let previous: NotificationState | undefined;
    const sent: string[] = [];
    for (const [k, forecast] of steps.entries()) {
      const out = run(decisionFor(forecast, p), previous, NOW + k * 3600, p);
      if (out.state !== undefined) previous = out.state;
      if (out.notification !== undefined) sent.push(`${out.notification.event}:${out.notification.route}`);
    }
    expect(sent).toEqual(['forecast-alert:notice', 'escalation:page', 'recovered:notice']);
  });

  it('sends at most one early warning per volume per day to a spiky volume that drains and recovers every half hour, unless it halves', () => {
    const p = policyOf('selection:\n  optInTag: null\nrescue:\n  enabled: false\n');
    let previous: NotificationState | undefined;
    const sent: string[] = [];
    for (let k = 0; k < 48; k += 1) {
      const now = NOW + k * 1800;
      // Drains (empty in ~2 h) on even half hours, refills on odd ones; on the 40th it is forecast to empty in 50 min.
      const forecast: Forecast = k % 2 === 1 ? { kind: 'refilling', balancePercent: 70, secondsToFull: 900 } : draining(k === 40 ? 50 * 60 : 2 * H, 50);
      const out = run(decisionFor(forecast, p), previous, now, p);
      if (out.state !== undefined) previous = out.state;
      if (out.notification !== undefined) sent.push(`${k}:${out.notification.event}:${out.notification.route}`);
    }
    expect(sent).toEqual(['0:forecast-alert:notice', '40:escalation:notice']);
  });

  it('stays quiet for a healthy volume with no open danger', () => {
    expect(run(decisionFor({ kind: 'full', balancePercent: 100 }), undefined)).toEqual({ notification: undefined, state: undefined });
    expect(run(decisionFor({ kind: 'full', balancePercent: 100 }), state({ open: false, lastEvent: 'recovered' }))).toEqual({ notification: undefined, state: undefined });
  });

  it('sends a stay recommendation once with the saving as a negative cost delta', () => {
    const decision: Decision = { volumeId: 'vol-a', reasons: ['cheaper'], kind: 'stay-recommendation', current: { type: 'gp3', iops: 3000, throughputMiBps: 125 }, original: { type: 'gp2' }, recommended: { type: 'gp3', iops: 3000, throughputMiBps: 125 }, savingMonthlyUSD: 2 };
    const first = run(decision, state({ open: true, lastEvent: 'rescue' }));
    expect(first.notification).toMatchObject({ event: 'stay-recommendation', monthlyCostDeltaUSD: -2, action: 'recommends staying on gp3, 3,000 IOPS, 125 MiB/s: it costs $2.00/month less than going back to gp2; no change made' });
    expect(run(decision, first.state).notification).toBeUndefined();
  });

  it('does not notify while its own rescue is still in progress', () => {
    const decision: Decision = { volumeId: 'vol-a', reasons: ['optimizing'], kind: 'blocked', wanted: 'rescue', block: 'in-progress', severity: 'critical' };
    expect(run(decision, state({ lastEvent: 'rescue' }))).toEqual({ notification: undefined, state: undefined });
  });

  it('escalates a rescue blocked by the ledger', () => {
    const decision: Decision = { volumeId: 'vol-a', reasons: ['4 in 24 h'], kind: 'blocked', wanted: 'rescue', block: 'rate-limit', nextAllowedEpochSeconds: NOW + H, severity: 'critical' };
    expect(run(decision, state({})).notification).toMatchObject({ event: 'escalation', severity: 'critical' });
    expect(run(decision, undefined).notification).toMatchObject({ event: 'blocked', severity: 'critical' });
  });
});
