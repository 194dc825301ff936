import { describe, expect, it } from 'vitest';
import { buildInstanceSuite, runInstanceCase } from './forecast-instance';

describe('instance-bucket forecast benchmark', () => {
  it('builds 75 fixed cases over the five sizes, seeded by index', () => {
    const suite = buildInstanceSuite();
    expect(suite).toHaveLength(75);
    expect(new Set(suite.map((c) => c.instanceType))).toEqual(new Set(['m5.large', 'c5.xlarge', 't3.medium', 'm6i.large', 'r6i.2xlarge']));
    expect(suite[0]).toMatchObject({ name: 'm5.large constant:1440 ×2 (0.8× baseline)', seed: 5000 });
  });

  it.each([
    // 2× baseline on an m5.large: (7,200 − 3,600) IOPS drain a 27.27 M bucket in ~2 h 6 min.
    ['m5.large constant:3600 ×2 (2× baseline)', 1],
    ['t3.medium constant:2000 ×2 (2× baseline)', 1],
  ])('pages at least 30 min before the instance bucket of %s empties, with no false episode', async (name, exhaustions) => {
    const c = buildInstanceSuite().find((x) => x.name === name);
    if (c === undefined) throw new Error(`no case ${name}`);
    const page = (await runInstanceCase(c))[30]?.page;
    expect(page?.exhaustions).toHaveLength(exhaustions);
    expect(page?.exhaustions.every((e) => e.caught)).toBe(true);
    expect(page?.episodes.filter((e) => e.isFalse)).toEqual([]);
  });

  it('never alerts below the baseline (0.8×: the bucket never drains)', async () => {
    const c = buildInstanceSuite().find((x) => x.name === 'm5.large constant:1440 ×2 (0.8× baseline)');
    if (c === undefined) throw new Error('no 0.8× case');
    const scores = (await runInstanceCase(c))[180];
    expect(scores?.['early-warning'].episodes).toEqual([]);
    expect(scores?.page.exhaustions).toEqual([]);
  });
});
