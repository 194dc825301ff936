/** Schedule expressions as EventBridge accepts them, and the heartbeat period CloudWatch allows. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GuardianPropsError } from '../../lambda/core/errors';
import { heartbeatPeriodSeconds, parseScanSchedule } from '../../lib/guardian-schedule';

describe('parseScanSchedule', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(12 hours)', 43_200],
    ['rate(1 day)', 86_400],
  ])('reads %s as every %i s', (expression, intervalSeconds) => {
    expect(parseScanSchedule(expression)).toEqual({ expression, intervalSeconds });
  });

  it('takes the interval of a cron schedule from the caller', () => {
    expect(parseScanSchedule('cron(0/10 * * * ? *)', 600)).toEqual({ expression: 'cron(0/10 * * * ? *)', intervalSeconds: 600 });
  });

  it.each([
    ['rate(1 minutes)', "'minute' for 1"],
    ['rate(5 minute)', "'minutes' for 5"],
    ['rate(0 minutes)', 'must be positive'],
    ['every 5 minutes', 'neither rate'],
    ['cron(0 * * *)', 'neither rate'],
  ])('rejects %s with a message showing the value', (expression, fragment) => {
    expect(() => parseScanSchedule(expression)).toThrow(GuardianPropsError);
    expect(() => parseScanSchedule(expression)).toThrow(fragment);
  });

  it.each([[undefined], [30], [90.5]])('rejects a cron schedule with interval %s', (interval) => {
    expect(() => parseScanSchedule('cron(0 * * * ? *)', interval)).toThrow(GuardianPropsError);
  });

  it('reads any rate(N minutes) up to 56 hours as N × 60 s', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 3_360 }), (n) => parseScanSchedule(`rate(${n} minutes)`).intervalSeconds === n * 60));
  });

  it('rejects any rate longer than 56 hours, whose heartbeat alarm would exceed 7 days', () => {
    fc.assert(fc.property(fc.integer({ min: 3_361, max: 100_000 }), (n) => {
      expect(() => parseScanSchedule(`rate(${n} minutes)`)).toThrow(GuardianPropsError);
    }));
  });
});

describe('heartbeatPeriodSeconds', () => {
  it.each([
    [300, 300],
    [90, 120],
    [3600, 3600],
    [43_200, 43_200],
  ])('uses an interval of %i s as a %i s period', (intervalSeconds, periodSeconds) => {
    expect(heartbeatPeriodSeconds({ expression: 'x', intervalSeconds }, 3)).toBe(periodSeconds);
  });

  it('rejects an interval whose 3 periods exceed the 7-day alarm window', () => {
    expect(() => heartbeatPeriodSeconds({ expression: 'rate(3 days)', intervalSeconds: 259_200 }, 3)).toThrow(GuardianPropsError);
  });

  it('always returns a whole-minute period within the window CloudWatch allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 201_600 }), (intervalSeconds) => {
        const period = heartbeatPeriodSeconds({ expression: 'x', intervalSeconds }, 3);
        return period % 60 === 0 && period >= intervalSeconds && period * 3 <= (period < 3600 ? 86_400 : 604_800);
      }),
    );
  });
});
