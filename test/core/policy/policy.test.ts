import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyValidationError } from '../../../lambda/core/errors';
import { parsePolicy } from '../../../lambda/core/policy/policy';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function rejectionOf(text: string): PolicyValidationError {
  try {
    parsePolicy(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof PolicyValidationError) return error;
    throw error;
  }
  throw new Error('policy was accepted');
}

describe('parsePolicy', () => {
  it('accepts the default policy.yaml: dry-run, opt-in tag, gp3 rescue', () => {
    const policy = parsePolicy(readFileSync(join(ROOT, 'policy.yaml'), 'utf8'), 'policy.yaml');
    expect(policy.dryRun).toBe(true);
    expect(policy.selection.optInTag).toEqual({ key: 'burst-guardian', value: 'managed' });
    expect(policy.rescue.target.type).toBe('gp3');
    expect(policy.overrides[0]?.target?.type).toBe('io1');
    expect(policy.modificationRule).toBe('four-per-24h');
  });

  it('applies every default to a minimal policy (dry-run is on unless said otherwise)', () => {
    const policy = parsePolicy('version: 1\n', 'min.yaml');
    expect(policy.dryRun).toBe(true);
    expect(policy.schedule).toBe('rate(5 minutes)');
    expect(policy.rescue.target).toMatchObject({ type: 'gp3', iops: 'auto', throughputMiBps: 'auto', headroomPercent: 30 });
    expect(policy.rescue.target.fallback).toEqual({ type: 'gp3', iops: 'auto', throughputMiBps: 'auto' });
    expect(policy.revert.shadowBucket.startBalancePercent).toBe(0);
    expect(policy.budgets).toEqual({ maxModificationsPerRun: 5, maxVolumesFlipped: 10, monthlyCeilingUSD: 100 });
  });

  it('accepts the rescuing fixture policy used by the simulator', () => {
    const policy = parsePolicy(readFileSync(join(ROOT, 'test/fixtures/policies/rescue-live.yaml'), 'utf8'), 'rescue-live.yaml');
    expect(policy.dryRun).toBe(false);
    expect(policy.selection.optInTag).toBeNull();
  });

  it('keeps explicit values and a null opt-in tag', () => {
    const policy = parsePolicy(
      'version: 1\ndryRun: false\nselection:\n  optInTag: null\nrescue:\n  target:\n    type: gp3\n    iops: 6000\n    throughputMiBps: 500\n',
      'x.yaml',
    );
    expect(policy.dryRun).toBe(false);
    expect(policy.selection.optInTag).toBeNull();
    expect(policy.rescue.target).toMatchObject({ iops: 6000, throughputMiBps: 500 });
  });

  // [what, yaml, field path, line]
  const BAD: [string, string, string, number][] = [
    ['a missing version', 'dryRun: true\n', 'version', 1],
    ['a wrong version', 'version: 2\n', 'version', 1],
    ['a misspelt top-level key', 'version: 1\nselecton: {}\n', 'selecton', 2],
    ['a misspelt nested key', 'version: 1\nrescue:\n  trigger:\n    horizonMinuts: 30\n', 'rescue.trigger.horizonMinuts', 4],
    ['dryRun as a string', 'version: 1\ndryRun: "no"\n', 'dryRun', 2],
    ['an unknown modification rule', 'version: 1\nmodificationRule: 5-per-day\n', 'modificationRule', 2],
    ['a bad schedule expression', 'version: 1\nschedule: every 5 minutes\n', 'schedule', 2],
    ['a bad region', 'version: 1\nregion: virginia\n', 'region', 2],
    ['gp3 as a selected (burstable) type', 'version: 1\nselection:\n  volumeTypes: [gp2, gp3]\n', 'selection.volumeTypes[1]', 3],
    ['an empty type list', 'version: 1\nselection:\n  volumeTypes: []\n', 'selection.volumeTypes', 3],
    ['a malformed volume id', 'version: 1\nselection:\n  excludeVolumeIds:\n    - vol-ok12\n    - i-0abc\n', 'selection.excludeVolumeIds[1]', 5],
    ['an opt-in tag without key', 'version: 1\nselection:\n  optInTag:\n    value: yes\n', 'selection.optInTag.key', 3],
    ['a tag filter value that is not a list', 'version: 1\nselection:\n  tags:\n    team: ci\n', 'selection.tags.team', 4],
    ['a floor above 100 %', 'version: 1\nalerting:\n  floorPercent: 120\n', 'alerting.floorPercent', 3],
    ['an escalation ratio of 1', 'version: 1\nalerting:\n  escalateWhenTimeToEmptyRatioBelow: 1\n', 'alerting.escalateWhenTimeToEmptyRatioBelow', 3],
    ['a negative repeat interval', 'version: 1\nalerting:\n  repeatIntervalMinutes: -5\n', 'alerting.repeatIntervalMinutes', 3],
    ['a page horizon beyond the early-warning horizon', 'version: 1\nalerting:\n  horizonMinutes: 60\n  pageHorizonMinutes: 90\n', 'alerting.pageHorizonMinutes', 4],
    ['a page confidence above 1', 'version: 1\nalerting:\n  pageMinConfidence: 1.5\n', 'alerting.pageMinConfidence', 3],
    ['an unknown target type', 'version: 1\nrescue:\n  target:\n    type: gp2\n', 'rescue.target.type', 4],
    ['gp3 IOPS above 80,000', 'version: 1\nrescue:\n  target:\n    iops: 90000\n', 'rescue.target.iops', 4],
    ['gp3 IOPS below 3,000', 'version: 1\nrescue:\n  target:\n    iops: 2000\n', 'rescue.target.iops', 4],
    ['io1 IOPS above 64,000', 'version: 1\nrescue:\n  target:\n    type: io1\n    iops: 70000\n', 'rescue.target.iops', 5],
    ['throughput on io2', 'version: 1\nrescue:\n  target:\n    type: io2\n    throughputMiBps: 500\n', 'rescue.target.throughputMiBps', 5],
    ['gp3 throughput above 0.25 MiB/s per IOPS', 'version: 1\nrescue:\n  target:\n    iops: 3000\n    throughputMiBps: 1000\n', 'rescue.target.throughputMiBps', 5],
    ['gp3 throughput above 2,000 MiB/s', 'version: 1\nrescue:\n  target:\n    throughputMiBps: 4000\n', 'rescue.target.throughputMiBps', 4],
    ['iops neither auto nor a number', 'version: 1\nrescue:\n  target:\n    iops: lots\n', 'rescue.target.iops', 4],
    ['a fallback with io1 throughput', 'version: 1\nrescue:\n  target:\n    fallback:\n      type: io1\n      throughputMiBps: 200\n', 'rescue.target.fallback.throughputMiBps', 6],
    ['a fallback with its own fallback', 'version: 1\nrescue:\n  target:\n    fallback:\n      fallback: {}\n', 'rescue.target.fallback.fallback', 5],
    ['a shadow floor below 0', 'version: 1\nrevert:\n  shadowBucket:\n    floorPercent: -1\n', 'revert.shadowBucket.floorPercent', 4],
    ['a revert window hour of 24', 'version: 1\nrevert:\n  window:\n    startHourUtc: 22\n    endHourUtc: 24\n', 'revert.window.endHourUtc', 5],
    ['an empty revert window', 'version: 1\nrevert:\n  window:\n    startHourUtc: 3\n    endHourUtc: 3\n', 'revert.window.endHourUtc', 5],
    ['an override without name', 'version: 1\noverrides:\n  - match:\n      tags: { role: [etcd] }\n', 'overrides[0].name', 3],
    ['an override matching nothing', 'version: 1\noverrides:\n  - name: x\n    match: {}\n', 'overrides[0].match', 4],
    ['an override with a typo', 'version: 1\noverrides:\n  - name: x\n    match: { volumeIds: [vol-0a] }\n    revertEnable: false\n', 'overrides[0].revertEnable', 5],
    ['an immediate rescue that would be reverted', 'version: 1\noverrides:\n  - name: x\n    match: { volumeIds: [vol-0a] }\n    rescueImmediately: true\n', 'overrides[0].rescueImmediately', 5],
    ['an alert-only override that also rescues', 'version: 1\noverrides:\n  - name: x\n    match: { volumeIds: [vol-0a] }\n    rescueImmediately: true\n    revertEnabled: false\n    alertOnly: true\n', 'overrides[0].alertOnly', 7],
    ['a fractional per-run budget', 'version: 1\nbudgets:\n  maxModificationsPerRun: 1.5\n', 'budgets.maxModificationsPerRun', 3],
    ['a negative monthly ceiling', 'version: 1\nbudgets:\n  monthlyCeilingUSD: -10\n', 'budgets.monthlyCeilingUSD', 3],
    ['a container-start trigger without its balance', 'version: 1\nrescue:\n  trigger:\n    containerStart:\n      p90AboveMs: 5000\n', 'rescue.trigger.containerStart.balanceBelowPercent', 4],
    ['a YAML duplicate key', 'version: 1\ndryRun: true\ndryRun: false\n', '(yaml)', 3],
    ['an unclosed flow list (reported at the end, where the parser gives up)', 'version: 1\nselection:\n  volumeTypes: [gp2\n', '(yaml)', 4],
    ['a document that is a list', '- version: 1\n', '(root)', 1],
  ];

  it.each(BAD)('rejects %s with its field path and line', (_what, text, path, line) => {
    const error = rejectionOf(text);
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect(error.issues.map((i) => [i.path, i.line])).toContainEqual([path, line]);
    expect(error.message).toContain(`bad.yaml:${line}:`);
    expect(error.message).toContain(path);
  });

  it('rejects a policy with several problems listing every one, in file order', () => {
    const error = rejectionOf('version: 1\ndryRun: maybe\nbudgets:\n  maxVolumesFlipped: -1\nrescue:\n  target:\n    type: io1\n    iops: 1\n');
    expect(error.issues.map((i) => i.path)).toEqual(['dryRun', 'budgets.maxVolumesFlipped', 'rescue.target.iops']);
    expect(error.issues.map((i) => i.line)).toEqual([2, 4, 8]);
  });

  it('reports columns of nested keys', () => {
    const error = rejectionOf('version: 1\nrescue:\n  trigger:\n    horizonMinuts: 30\n');
    expect(error.issues[0]).toMatchObject({ line: 4, column: 5 });
  });
});
