import { describe, expect, it } from 'vitest';
import { PolicyValidationError } from '../../../lambda/core/errors';
import { parsePolicy } from '../../../lambda/core/policy/policy';

const schedule = (cron: string, durationMinutes: number, extra = '') => `  - name: etcd-window
    cron: "${cron}"
    durationMinutes: ${durationMinutes}
    match: { tags: { role: [etcd] } }
    target: { type: io1, iops: 3000 }
${extra}`;

function problems(yaml: string): string[] {
  try {
    parsePolicy(yaml, 'p.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    return error.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
  }
}

describe('policy schedules', () => {
  it.each([
    ['a nightly 2 h window', 'four-per-24h', '0 2 * * *', 120],
    ['a weekday 8 h window', 'four-per-24h', '0 9 * * 1-5', 480],
    ['a nightly 6 h window under the six-hour rule', 'six-hour-cooldown', '0 2 * * *', 330],
  ])('accepts %s (%s)', (_what, rule, cron, minutes) => {
    expect(problems(`version: 1\nmodificationRule: ${rule}\nschedules:\n${schedule(cron, minutes)}`)).toEqual([]);
  });

  it.each([
    ['two windows a day: the next flip finds 3 modifications in 24 h', 'four-per-24h', '0 2,14 * * *', 120,
      "5:5 schedules[0].cron: schedule 'etcd-window': the flip at Tue 01:30 UTC would find 3 modifications in the previous 24 h, and a flip needs at most 2 so its revert still fits (AWS allows 4 per volume per rolling 24 h; each window costs a flip and a revert)"],
    ['a 2 h window under the six-hour rule', 'six-hour-cooldown', '0 2 * * *', 120,
      "5:5 schedules[0].cron: schedule 'etcd-window': the revert at Mon 04:00 UTC comes 150 min after the flip at Mon 01:30 UTC; the six-hour-cooldown rule needs 360 min between modifications"],
    ['windows that overlap', 'four-per-24h', '0 * * * *', 90,
      "6:5 schedules[0].durationMinutes: schedule 'etcd-window': a window (with its 30 min lead) starts before the previous one has ended"],
  ])('refuses %s, naming the line', (_what, rule, cron, minutes, message) => {
    expect(problems(`version: 1\nmodificationRule: ${rule}\nschedules:\n${schedule(cron, minutes)}`)).toEqual([message]);
  });

  it('counts two schedules together when one volume could match both, and apart when their tags cannot', () => {
    const second = (role: string) => `  - name: backup-window\n    cron: "0 14 * * *"\n    durationMinutes: 120\n    match: { tags: { role: [${role}] } }\n    target: { type: gp3 }\n`;
    expect(problems(`version: 1\nschedules:\n${schedule('0 2 * * *', 120)}${second('etcd')}`)).toHaveLength(2);
    expect(problems(`version: 1\nschedules:\n${schedule('0 2 * * *', 120)}${second('db')}`)).toEqual([]);
  });

  it('rejects a bad cron with its line', () => {
    expect(problems(`version: 1\nschedules:\n${schedule('0 25 * * *', 60)}`)).toEqual(["4:5 schedules[0].cron: cron hour '25': 25 is outside 0–23"]);
  });
});
