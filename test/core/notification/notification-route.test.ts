import { describe, expect, it } from 'vitest';
import { routeOf, routingNotifier } from '../../../lambda/core/notification/route';
import type { GuardianNotification, NotificationEvent } from '../../../lambda/core/ports';
import type { DrainPersistence, Forecast } from '../../../lambda/core/types';
import { draining, policyOf } from '../../fixtures/policies/decide-fixtures';

const held = { heldRuns: 12, drainSeconds: 3600, pastDrains: 0, longestPastDrainSeconds: 0, survival: 0.9 };
const blip = { heldRuns: 1, drainSeconds: 300, pastDrains: 6, longestPastDrainSeconds: 600, survival: 0.1 };

/** A draining forecast with the given persistence. */
function persistent(secondsToEmpty: number, balancePercent: number, persistence: DrainPersistence): Forecast {
  const f = draining(secondsToEmpty, balancePercent);
  return f.kind === 'draining' ? { ...f, persistence } : f;
}

describe('routeOf', () => {
  const dry = policyOf();
  const live = policyOf('dryRun: false\n');
  it.each<[string, NotificationEvent, Forecast | undefined, typeof dry, string]>([
    ['throttled now pages', 'throttled', { kind: 'empty', balancePercent: 0, demandPerSecond: 3000 }, dry, 'page'],
    ['a blocked rescue pages', 'blocked', undefined, dry, 'page'],
    ['a drain that held and empties within the page horizon pages', 'forecast-alert', persistent(40 * 60, 30, held), dry, 'page'],
    ['a 5-minute blip forecast to empty in 25 min is a notice', 'forecast-alert', persistent(25 * 60, 30, blip), dry, 'notice'],
    ['an early warning (empty in 2 h) is a notice', 'forecast-alert', persistent(2 * 3600, 50, held), dry, 'notice'],
    ['a dry-run rescue of a holding drain pages: a person must flip it', 'rescue', persistent(40 * 60, 30, held), dry, 'page'],
    ['a rescue really made is a notice', 'rescue', persistent(40 * 60, 30, held), live, 'notice'],
    ['a recovery is a notice', 'recovered', undefined, dry, 'notice'],
  ])('%s', (_name, event, forecast, policy, route) => {
    expect(routeOf(event, forecast, policy).route).toBe(route);
  });
});

describe('routingNotifier', () => {
  it('sends notices to the notice notifier and everything else (unrouted too) to the paging one', async () => {
    const pages: string[] = [];
    const notices: string[] = [];
    const notifier = routingNotifier({ page: { notify: async (n) => void pages.push(n.volumeId) }, notice: { notify: async (n) => void notices.push(n.volumeId) } });
    const base = { event: 'forecast-alert', severity: 'warning', tEpochSeconds: 0, volumeType: 'gp2', sizeGiB: 100, action: 'watch', reason: 'r', dryRun: true } as const;
    await notifier.notify({ ...base, volumeId: 'vol-notice', route: 'notice' } satisfies GuardianNotification);
    await notifier.notify({ ...base, volumeId: 'vol-page', route: 'page' });
    await notifier.notify({ ...base, volumeId: 'vol-unrouted' });
    expect(notices).toEqual(['vol-notice']);
    expect(pages).toEqual(['vol-page', 'vol-unrouted']);
  });
});
