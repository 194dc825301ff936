/**
 * `demo --org`: four spokes (three accounts, two regions) scanned into one organization history,
 * then finance's report read from it per account, region and team, with the guardian's running cost.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../lambda/cli/demo-command';
import { ORG_DEMO_REPORT_PATH, ORG_SPOKES, runOrgDemo, type OrgDemo } from '../../lambda/cli/demo-org';
import { SIMULATION_START_EPOCH_SECONDS } from '../../lambda/cli/simulate-command';
import { parsePolicy } from '../../lambda/core/policy/policy';
import type { Breakdown } from '../../lambda/core/report/breakdown';
import { captureCliIo } from '../helpers/capture';

const dir = mkdtempSync(join(tmpdir(), 'demo-org-'));
let demo: OrgDemo;

beforeAll(async () => {
  demo = await runOrgDemo(parsePolicy(readFileSync('policy.yaml', 'utf8'), 'policy.yaml'), SIMULATION_START_EPOCH_SECONDS);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectAddsUp(b: Breakdown): void {
  const sum = (pick: (g: Breakdown['total']) => number) => b.groups.reduce((s, g) => s + pick(g), 0);
  expect(sum((g) => g.volumes)).toBe(b.total.volumes);
  expect(sum((g) => g.actualUSD)).toBeCloseTo(b.total.actualUSD, 9);
  expect(sum((g) => g.unaidedUSD)).toBeCloseTo(b.total.unaidedUSD, 9);
  expect(sum((g) => g.runningCostUSD ?? 0)).toBeCloseTo(b.total.runningCostUSD ?? Number.NaN, 9);
  expect(sum((g) => g.netOfRunningCostUSD ?? 0)).toBeCloseTo(b.total.netOfRunningCostUSD ?? Number.NaN, 9);
}

describe('demo --org', () => {
  it('writes every record of every spoke into one history, stamped with its account and region', async () => {
    const spokeOf = new Map(demo.runs.flatMap(({ spoke, run }) => run.report.volumeIds.map((id) => [id, spoke])));
    expect(spokeOf.size).toBe(ORG_SPOKES.reduce((n, s) => n + s.volumes.length, 0));
    const month = await demo.history.listMonth('2026-01');
    expect(month.events.length).toBeGreaterThan(0);
    expect(month.modifications.length).toBeGreaterThan(0);
    for (const record of [...month.events, ...month.modifications]) {
      const spoke = spokeOf.get(record.volumeId);
      expect({ accountId: record.accountId, region: record.region }, record.volumeId).toEqual({ accountId: spoke?.accountId, region: spoke?.region });
    }
  });

  it("records each spoke's usage per account and region, the counts the scans measured", async () => {
    const days = await demo.history.listUsage('2026-01');
    expect(days.map((d) => [d.accountId, d.region, d.day, d.scans]).sort()).toEqual(
      ORG_SPOKES.map((s) => [s.accountId, s.region, '2026-01-05', 144]).sort(),
    );
    const rc = demo.report.runningCost;
    expect(rc?.total.metricsRequested).toBe(demo.runs.reduce((n, r) => n + r.run.report.metricsRequested, 0));
    expect(rc?.total.lambdaInvocations).toBe(0);
    expect(rc?.total.getMetricDataUSD).toBeCloseTo((rc?.total.metricsRequested ?? 0) * 0.00001, 12);
    expect(rc?.byAccount.map((l) => l.key).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
  });

  it('breaks the report down by account, region and team, each adding up to the organization total', () => {
    expect(demo.report.volumes).toHaveLength(7);
    expect(demo.breakdowns.account.groups.map((g) => g.key).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(demo.breakdowns.region.groups.map((g) => g.key).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(demo.breakdowns.team.groups.map((g) => g.key).sort()).toEqual(['(guardian running cost)', 'payments', 'platform', 'search']);
    for (const b of Object.values(demo.breakdowns)) expectAddsUp(b);
    expect(demo.breakdowns.account.total.netOfRunningCostUSD).toBeCloseTo(demo.report.totals.cost.unaidedUSD - demo.report.totals.cost.actualUSD - (demo.report.runningCost?.total.totalUSD ?? 0), 9);
  });

  it('prints the organization view and writes the HTML report by account', async () => {
    const io = captureCliIo({ cwd: dir });
    expect(await runDemo(['--org'], io.io)).toBe(0);
    const out = io.out();
    expect(out).toContain('4 spokes (3 accounts, 2 regions), 7 gp2 volumes');
    for (const heading of ['By account:', 'By region:', 'By tag:team:']) expect(out).toContain(heading);
    expect(out).toMatch(/^Guardian's own running cost: \$\d+\.\d{4} over 576 scans/m);
    expect(out).toMatch(/^organization total +7 +6 /m);
    const html = join(dir, ORG_DEMO_REPORT_PATH);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('<table id="breakdown">');
  }, 120_000);
});
