import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, type Policy } from '../../lambda/core/policy/policy';
import type { GuardianNotification } from '../../lambda/core/ports';
import { runGuardianSimulation, type GuardianRunOptions } from '../../lambda/sim/guardian-run';
import { scenarioWorkload } from '../../lambda/sim/index';
import { RecordingNotifier } from '../../lambda/sim/recording-notifier';

const root = join(import.meta.dirname, '..', '..');
const defaultPolicy = parsePolicy(readFileSync(join(root, 'policy.yaml'), 'utf8'), 'policy.yaml');
const rescuePolicy = parsePolicy(readFileSync(join(root, 'test/fixtures/policies/rescue-live.yaml'), 'utf8'), 'rescue-live.yaml');
const START = 1_767_571_200;

function options(policy: Policy, overrides: Partial<GuardianRunOptions> = {}): GuardianRunOptions {
  return {
    volume: { type: 'gp2', sizeGiB: 100, volumeId: 'vol-0test', tags: { Name: 'ci', 'burst-guardian': 'managed' } },
    workload: scenarioWorkload('ci-host'), startEpochSeconds: START, durationSeconds: 6 * 3600, seed: 1, policy, ...overrides,
  };
}

describe('runGuardianSimulation', () => {
  it('rescues the draining CI host to gp3 before the wall and removes its throttling', async () => {
    const { report } = await runGuardianSimulation(options(rescuePolicy));
    expect(report.dryRun).toBe(false);
    expect(report.unaidedThrottledSeconds).toBeGreaterThan(1000);
    expect(report.throttledSeconds).toBeLessThanOrEqual(0.01 * report.unaidedThrottledSeconds);
    expect(report.modifications[0]).toMatchObject({ from: 'gp2', to: 'gp3', state: 'completed' });
    expect(report.modifications[0]?.reason).toMatch(/^rescue: /);
    expect(report.notifications.map((n) => n.kind)).toContain('rescue');
    expect(report.ledgerViolations).toEqual([]);
    expect(report.scanErrors).toBe(0);
  });

  it('only records what it would do under the dry-run default policy', async () => {
    const { report, result } = await runGuardianSimulation(options(defaultPolicy));
    expect(report.dryRun).toBe(true);
    expect(report.modifications).toEqual([]);
    expect(result.fleet.volume('vol-0test').history).toEqual([]);
    expect(report.throttledSeconds).toBeCloseTo(report.unaidedThrottledSeconds, 6);
    expect(report.costUSD).toBeCloseTo(report.unaidedCostUSD, 12);
    expect(report.notifications.some((n) => n.subject.includes('would rescue') && n.subject.endsWith('(dry run)'))).toBe(true);
    expect(report.notifications.some((n) => /rescued|rescuing now/.test(n.subject))).toBe(false);
  });

  it('acts under the dry-run default policy when act is set', async () => {
    const { report } = await runGuardianSimulation(options(defaultPolicy, { act: true }));
    expect(report.dryRun).toBe(false);
    expect(report.modifications.map((m) => m.to)).toEqual(['gp3']);
    expect(report.throttledSeconds).toBeLessThan(report.unaidedThrottledSeconds);
  });

  it('leaves a volume the default policy does not select alone, even with act', async () => {
    const { report } = await runGuardianSimulation(options(defaultPolicy, { act: true, volume: { type: 'gp2', sizeGiB: 100, volumeId: 'vol-0untagged' } }));
    expect(report.modifications).toEqual([]);
    expect(report.notifications).toEqual([]);
  });

  it('does nothing to a volume whose demand stays under the baseline', async () => {
    const { report } = await runGuardianSimulation(options(rescuePolicy, { workload: scenarioWorkload('constant:200') }));
    expect(report.modifications).toEqual([]);
    expect(report.throttledSeconds).toBe(0);
    expect(report.unaidedThrottledSeconds).toBe(0);
    expect(report.costUSD).toBeCloseTo(report.unaidedCostUSD, 12);
  });
});

describe('runGuardianSimulation under AWS modification limits', () => {
  const sixHour = parsePolicy(readFileSync(join(root, 'test/fixtures/policies/rescue-live.yaml'), 'utf8').replace('four-per-24h', 'six-hour-cooldown'), 'six.yaml');

  it.each([
    ['four-per-24h with failing modifications', rescuePolicy, 0.5],
    ['six-hour-cooldown', sixHour, 0],
    ['six-hour-cooldown with failing modifications', sixHour, 0.5],
  ] as const)('never breaks the ledger rule: %s', async (_name, policy, failureProbability) => {
    const { report, result } = await runGuardianSimulation(options(policy, {
      workload: scenarioWorkload('diurnal:2800'), durationSeconds: 2 * 86_400, volume: { type: 'gp2', sizeGiB: 50, volumeId: 'vol-0test' },
      fleet: { failureProbability },
    }));
    const log = result.fleet.volume('vol-0test').history;
    expect(log.some((m) => m.state === 'failed')).toBe(failureProbability > 0);
    expect(log.at(-1)?.state).toBe('completed');
    expect(report.ledgerViolations).toEqual([]);
  });
});

describe('RecordingNotifier', () => {
  it('keeps each notification with the SNS subject the real notifier would send', async () => {
    const notifier = new RecordingNotifier();
    const n: GuardianNotification = {
      event: 'rescue', severity: 'warning', tEpochSeconds: 100, volumeId: 'vol-1', volumeType: 'gp2', sizeGiB: 100, nameTag: 'ci',
      action: 'flip to gp3', reason: 'draining', dryRun: false,
    };
    await notifier.notify(n);
    expect(notifier.notifications).toEqual([{ tEpochSeconds: 100, kind: 'rescue', subject: '[WARNING] vol-1 (ci): rescuing now', notification: n }]);
  });
});
