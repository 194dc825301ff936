import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronMatches, cronOccurrences, parseCron, type Cron } from '../../../lambda/core/policy/cron';

const MON_2026_01_05 = 1_767_571_200; // Monday 2026-01-05T00:00:00Z

function cron(text: string): Cron {
  const parsed = parseCron(text);
  if (!('cron' in parsed)) throw new Error(parsed.error);
  return parsed.cron;
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

describe('parseCron', () => {
  it.each([
    ['every night at 02:00', '0 2 * * *', ['2026-01-05T02:00:00Z', '2026-01-06T02:00:00Z']],
    ['twice a day', '30 2,14 * * *', ['2026-01-05T02:30:00Z', '2026-01-05T14:30:00Z']],
    ['weekdays at 22:00', '0 22 * * 1-5', ['2026-01-05T22:00:00Z', '2026-01-06T22:00:00Z']],
    ['Sundays as 7', '0 3 * * 7', ['2026-01-11T03:00:00Z']],
    ['every 6 hours', '0 */6 * * *', ['2026-01-05T00:00:00Z', '2026-01-05T06:00:00Z']],
    ['the 1st of the month or a Friday (either day field)', '0 0 1 * 5', ['2026-01-09T00:00:00Z', '2026-01-16T00:00:00Z']],
  ])('reads %s', (_what, text, first) => {
    expect(cronOccurrences(cron(text), MON_2026_01_05, MON_2026_01_05 + 14 * 86_400).slice(0, first.length).map(iso)).toEqual(first);
  });

  it.each([
    ['four fields', '0 2 * *', /needs 5 fields/],
    ['an hour of 24', '0 24 * * *', /hour '24': 24 is outside 0–23/],
    ['a word', '0 2 * * MON', /day of week 'MON'/],
    ['a backwards range', '0 5-2 * * *', /5-2 is outside/],
    ['a zero step', '*/0 * * * *', /step must be at least 1/],
  ])('rejects %s', (_what, text, message) => {
    const parsed = parseCron(text);
    expect('error' in parsed ? parsed.error : '').toMatch(message);
  });

  it('finds exactly the minutes that match, in order', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 400 * 86_400 }), (minute, hour, offset) => {
      const c = cron(`${minute} ${hour} * * *`);
      const from = MON_2026_01_05 + offset;
      const found = cronOccurrences(c, from, from + 2 * 86_400);
      expect(found).toHaveLength(2);
      expect(found[1]! - found[0]!).toBe(86_400);
      for (const t of found) expect(cronMatches(c, t) && new Date(t * 1000).getUTCHours() === hour).toBe(true);
    }));
  });
});
