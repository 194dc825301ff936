import { describe, expect, it } from 'vitest';
import { leftControlNotification, rescueFailedNotification, type RescueFailureInput } from '../../../lambda/core/notification/failure';
import { nextNotification } from '../../../lambda/core/notification/state';
import type { NotificationState } from '../../../lambda/core/ports';
import { H, NOW, gp2, openPolicy } from '../../fixtures/policies/decide-fixtures';

const volume = { ...gp2('vol-a'), tags: { Name: 'ci-runner-1' } };
const policy = openPolicy();
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/;

function failed(previous: NotificationState | undefined, now = NOW, retryAfter: number | null = NOW + H): ReturnType<typeof rescueFailedNotification> {
  const input: RescueFailureInput = { volume, targetType: 'gp3', reason: 'EC2 refused ModifyVolume: rate limit', retryAfterEpochSeconds: retryAfter ?? undefined, previous, policy, now, region: 'us-east-1' };
  return rescueFailedNotification(input);
}

describe('rescueFailedNotification', () => {
  it('tells on-call why and when the guardian tries again, in ISO-8601 UTC', () => {
    const out = failed(undefined);
    expect(out.notification).toMatchObject({ event: 'rescue-failed', severity: 'critical', volumeId: 'vol-a', reason: 'EC2 refused ModifyVolume: rate limit' });
    expect(out.notification?.action).toContain(`not before ${new Date((NOW + H) * 1000).toISOString().replace('.000Z', 'Z')}`);
    expect(out.notification?.action).not.toMatch(/\b\d{10}\b/);
    expect(out.state).toMatchObject({ open: true, lastEvent: 'rescue-failed', version: 1 });
  });

  it.each([
    ['stays quiet within the repeat interval of the last failure notice', { lastEvent: 'rescue-failed' as const, lastSentEpochSeconds: NOW - 600 }, false],
    ['repeats after the repeat interval', { lastEvent: 'rescue-failed' as const, lastSentEpochSeconds: NOW - 2 * H }, true],
    ['sends when the last notice was about something else', { lastEvent: 'rescue' as const, lastSentEpochSeconds: NOW - 60 }, true],
  ])('%s', (_what, prev, sends) => {
    const previous: NotificationState = { volumeId: 'vol-a', open: true, lastSeverity: 'critical', version: 4, ...prev };
    const out = failed(previous);
    expect(out.notification !== undefined).toBe(sends);
    if (sends) expect(out.state?.version).toBe(5);
  });

  it('says the next scan when there is no back-off (not sent)', () => {
    expect(failed(undefined, NOW, null).notification?.action).toContain('at the next scan');
  });
});

describe('leftControlNotification', () => {
  it('says the guardian lets go, when and what someone else changed, and closes the danger', () => {
    const out = leftControlNotification({
      volume: { ...volume, type: 'io2' },
      modification: { volumeId: 'vol-a', state: 'optimizing', startEpochSeconds: NOW - 300, originalType: 'gp3', targetType: 'io2', originalSizeGiB: 100, targetSizeGiB: 100 },
      rescueStartEpochSeconds: NOW - 3 * H, previous: undefined, policy, now: NOW,
    });
    expect(out.notification).toMatchObject({ event: 'left-control', severity: 'warning' });
    expect(out.notification.reason).toMatch(ISO);
    expect(out.notification.reason).toContain('gp3 -> io2');
    expect(out.state).toMatchObject({ open: false, lastEvent: 'left-control' });
  });
});

describe('blocked rescue notification', () => {
  it('gives the next attempt in ISO-8601 UTC, never epoch seconds', () => {
    const out = nextNotification({
      decision: { volumeId: 'vol-a', reasons: ['3 modifications in the last 24 h'], kind: 'blocked', wanted: 'rescue', block: 'no-room-for-revert', nextAllowedEpochSeconds: NOW + 5 * H, severity: 'critical' },
      volume, previous: undefined, policy, now: NOW,
    });
    expect(out.notification?.action).toMatch(new RegExp(`next attempt not before ${ISO.source}`));
    expect(out.notification?.action).not.toMatch(/\b\d{10}\b/);
  });
});
