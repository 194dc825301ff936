/**
 * `demo --org` (issue 13 item 6): the organization view end to end on the simulated fleet. Four
 * spokes (three accounts, two regions) each run the guardian — the same `runScan` the Lambda runs,
 * under the default policy made live — on their own simulated volumes, stamping every record with
 * their account and region into ONE organization history (what the hub's central table holds), and
 * recording each scan's usage. Finance's report is then read from that history as from the hub:
 * per account, per region and per team, with the guardian's own running cost.
 *
 * What the simulation cannot measure, it says: the scans run in this process (no Lambda is billed)
 * and the history is in memory (no DynamoDB units are reported). GetMetricData metrics and custom
 * metric series are counted exactly as in Lambda.
 */
import type { Policy } from '../core/policy/policy';
import { parseBreakdownKey, type Breakdown } from '../core/report/breakdown';
import type { FinanceReport } from '../core/report/report';
import { scenarioWorkload } from '../sim/index';
import { runGuardianSimulation, type GuardianRun } from '../sim/guardian-run';
import { MemoryHistoryStore } from '../sim/memory-history-store';
import { countScanMetricSeries } from '../handlers/scan-metrics';
import { bundledPrices, queryFinanceReport } from '../report/report-query';
import { queryBreakdown, renderBreakdownTable } from '../report/breakdown';
import { renderReportTable } from '../report/table';
import { SIMULATED_VOLUME_TAGS } from './simulate-policy';

/** One account and region of the simulated organization, and what its volumes do. */
export interface OrgSpoke {
  readonly accountId: string;
  readonly accountName: string;
  readonly region: string;
  /** A `simulate --scenario` value (`name` or `name:ARG`). */
  readonly scenario: string;
  /** Volumes of this spoke (all under the same workload), each with its team tag. */
  readonly volumes: readonly { readonly sizeGiB: number; readonly team: string }[];
}

/** The simulated organization: three accounts, two regions, three teams (a team spans accounts). */
export const ORG_SPOKES: readonly OrgSpoke[] = [
  { accountId: '111111111111', accountName: 'prod-payments', region: 'us-east-1', scenario: 'ci-host', volumes: [{ sizeGiB: 100, team: 'payments' }, { sizeGiB: 120, team: 'payments' }] },
  { accountId: '111111111111', accountName: 'prod-payments', region: 'eu-west-1', scenario: 'nightly-batch', volumes: [{ sizeGiB: 150, team: 'payments' }] },
  { accountId: '222222222222', accountName: 'prod-search', region: 'us-east-1', scenario: 'step', volumes: [{ sizeGiB: 300, team: 'search' }, { sizeGiB: 400, team: 'search' }] },
  { accountId: '333333333333', accountName: 'ci-shared', region: 'eu-west-1', scenario: 'spikes', volumes: [{ sizeGiB: 200, team: 'platform' }, { sizeGiB: 80, team: 'search' }] },
];

/** Hours each spoke is simulated (from 00:00 UTC: the nightly batch, the step and the CI loop all happen). */
export const ORG_DEMO_SECONDS = 12 * 3600;

/** Everything the organization demo produced. */
export interface OrgDemo {
  readonly history: MemoryHistoryStore;
  readonly runs: readonly { readonly spoke: OrgSpoke; readonly run: GuardianRun }[];
  readonly report: FinanceReport;
  readonly breakdowns: Readonly<Record<'account' | 'region' | 'team', Breakdown>>;
}

/** Runs every spoke into one history, then reads the organization's report from it. */
export async function runOrgDemo(policy: Policy, startEpochSeconds: number): Promise<OrgDemo> {
  const history = new MemoryHistoryStore();
  const runs: { spoke: OrgSpoke; run: GuardianRun }[] = [];
  for (const [index, spoke] of ORG_SPOKES.entries()) {
    const [first, ...extra] = spoke.volumes.map((v, i) => ({
      type: 'gp2' as const, sizeGiB: v.sizeGiB, volumeId: volumeIdOf(index, i), tags: { ...SIMULATED_VOLUME_TAGS, Name: `${spoke.accountName}-${i + 1}`, team: v.team },
    }));
    if (first === undefined) continue;
    const run = await runGuardianSimulation({
      volume: first, extraVolumes: extra, workload: scenarioWorkload(spoke.scenario),
      startEpochSeconds, durationSeconds: ORG_DEMO_SECONDS, seed: index + 1, intervalSeconds: 300, metricDelaySeconds: 120,
      policy: { ...policy, dryRun: false }, region: spoke.region, history, runIdPrefix: `sim-${spoke.accountName}-${spoke.region}`,
      origin: { account: { id: spoke.accountId, name: spoke.accountName }, region: spoke.region },
      onScan: async (context, report, measured) => {
        await history.recordUsage({
          accountId: spoke.accountId, region: spoke.region, tEpochSeconds: context.nowEpochSeconds, metricsRequested: report.metricsRequested,
          // Ran in this process, not in Lambda: no GB-seconds billed; an in-memory history reports no units.
          memoryMiB: 0, durationMs: Math.round(measured.wallMs), dynamoReadUnits: 0, dynamoWriteUnits: 0,
          metricSeries: countScanMetricSeries(report, { durationMs: measured.wallMs, heartbeat: true }),
        });
      },
    });
    runs.push({ spoke, run });
  }
  const period = { sinceEpochSeconds: startEpochSeconds, untilEpochSeconds: startEpochSeconds + ORG_DEMO_SECONDS };
  const report = await queryFinanceReport(history, { period, nowEpochSeconds: period.untilEpochSeconds, ...bundledPrices('us-east-1'), lookbackMonths: 0 });
  // The same query `report --by` runs against the hub's table.
  const [account, region, team] = await Promise.all((['account', 'region', 'tag:team'] as const).map((key) => queryBreakdown(history, report, parseBreakdownKey(key))));
  if (account === undefined || region === undefined || team === undefined) throw new Error('unreachable: three breakdowns asked for');
  return { history, runs, report, breakdowns: { account, region, team } };
}

function volumeIdOf(spoke: number, volume: number): string {
  return `vol-0${String(spoke + 1).padStart(2, '0')}${String(volume + 1).padStart(2, '0')}0000000000${spoke}${volume}`.slice(0, 21);
}

/** Where `demo --org` leaves finance's HTML report of the organization, by account (git-ignored). */
export const ORG_DEMO_REPORT_PATH = 'reports/simulated-org-report.html';

/** The text `demo --org` prints: the spokes, finance's report, and the three breakdowns. */
export function orgDemoLines(demo: OrgDemo): string[] {
  const accounts = new Set(demo.runs.map((r) => r.spoke.accountId));
  const regions = new Set(demo.runs.map((r) => r.spoke.region));
  const volumes = demo.runs.reduce((n, r) => n + r.run.report.volumeIds.length, 0);
  return [
    'ebs-burst-guardian: one organization, one history, one report (simulated fleet)',
    '',
    `${demo.runs.length} spokes (${accounts.size} accounts, ${regions.size} regions), ${volumes} gp2 volumes, ${ORG_DEMO_SECONDS / 3600} h simulated, default policy.yaml made live.`,
    'Each spoke runs the guardian on its own volumes and writes every record, stamped with its account and region,',
    "into one organization history (the hub's central table); finance's report below is read from it.",
    '',
    ...demo.runs.map(({ spoke, run }) => {
      const r = run.report;
      const rescues = r.modifications.filter((m) => m.reason.startsWith('rescue')).length;
      return `  ${`${spoke.accountName} (${spoke.accountId})`.padEnd(30)} ${spoke.region.padEnd(10)} ${spoke.scenario.padEnd(14)} ${r.volumeIds.length} volumes, ${r.scans} scans, ${rescues} rescue(s), ` +
        `throttled ${Math.round(r.throttledSeconds)} s vs ${Math.round(r.unaidedThrottledSeconds)} s unaided`;
    }),
    '',
    renderReportTable(demo.report),
    renderBreakdownTable(demo.breakdowns.account),
    renderBreakdownTable(demo.breakdowns.region),
    renderBreakdownTable(demo.breakdowns.team),
    'Running cost in this simulation: GetMetricData metrics and custom metric series are counted as in Lambda; the scans',
    'ran in this process (no Lambda GB-seconds) against an in-memory history (no DynamoDB units): deployed, both are measured too.',
  ];
}
