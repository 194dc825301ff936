/**
 * `npm start`: the seed story on the embedded simulated fleet (DESIGN.md §1). A CI host's 100 GiB
 * gp2 volume drains under a `docker run --rm fedora date` loop; the forecaster sees it coming and
 * alerts before the wall; then IOPS collapse to the baseline. The story is a list of sections so the
 * guardian's flip (issue 3) can be added as one more section fed by the same run.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parsePolicy } from '../core/policy/policy';
import type { Forecast } from '../core/types';
import type { GuardianRun } from '../sim/guardian-run';
import { scenarioWorkload } from '../sim/index';
import { runForecastSimulation, type ForecastRunReport } from '../sim/forecast-run';
import type { SimulationResult } from '../sim/index';
import { renderBalanceChart } from './chart';
import type { CliCommand } from '../shared/cli-io';
import { afterFlipLines, containerStartLines, guardianTimelineLines, runGuardianStory } from './demo-guardian';
import { SIMULATION_START_EPOCH_SECONDS } from './simulate-command';
import { writeSimulatedReport } from './simulate-policy';
import { HELP_OPTION, parseCommandArgs } from './args';
import { ORG_DEMO_REPORT_PATH, orgDemoLines, runOrgDemo } from './demo-org';
import { renderHtmlReport } from '../report/html';

const USAGE = `usage: burst-guardian demo [--org]   (what \`npm start\` runs; no AWS account)
  The seed story on the embedded simulated fleet: a CI host's 100 GiB gp2 volume drains, the guardian
  forecasts, alerts and rescues it under policy.yaml (made live); prints the story and writes
  finance's HTML report of the run to reports/simulated-report.html.
  --org: the organization view instead: three accounts and two regions scanned into one history, then
  finance's report per account, region and team with the guardian's own running cost
  (reports/simulated-org-report.html).
`;

const OPTIONS = { ...HELP_OPTION, org: { type: 'boolean', default: false } } as const;

/** Where `npm start` leaves finance's HTML report of the simulated run (git-ignored). */
export const DEMO_REPORT_PATH = 'reports/simulated-report.html';
/** The shipped default policy, made live for the story. */
const POLICY_PATH = join(import.meta.dirname, '..', '..', 'policy.yaml');

/** The demo's fixed set-up: the seed story's host. */
export const DEMO_SETTINGS = {
  scenario: 'ci-host',
  type: 'gp2',
  sizeGiB: 100,
  durationSeconds: 6 * 3600,
  intervalSeconds: 300,
  horizonSeconds: 30 * 60,
  metricDelaySeconds: 120,
  seed: 1,
} as const;

/** One guardian run as the demo narrates it. */
export interface DemoRun {
  readonly tSeconds: number;
  readonly forecast: Forecast;
}

/** Everything a section may draw on. */
export interface DemoStory {
  readonly report: ForecastRunReport;
  readonly result: SimulationResult;
  readonly runs: readonly DemoRun[];
  /** The same host with the guardian acting under the default policy (live). */
  readonly guardian: GuardianRun;
}

/** A section renders part of the story as text lines. */
export type DemoSection = (story: DemoStory) => string[];

/** Runs the seed-story simulation and collects every forecast. */
export async function buildDemoStory(): Promise<DemoStory> {
  const runs: DemoRun[] = [];
  const { report, result } = await runForecastSimulation({
    volume: { type: DEMO_SETTINGS.type, sizeGiB: DEMO_SETTINGS.sizeGiB },
    workload: scenarioWorkload(DEMO_SETTINGS.scenario),
    startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
    durationSeconds: DEMO_SETTINGS.durationSeconds,
    intervalSeconds: DEMO_SETTINGS.intervalSeconds,
    metricDelaySeconds: DEMO_SETTINGS.metricDelaySeconds,
    horizonSeconds: DEMO_SETTINGS.horizonSeconds,
    seed: DEMO_SETTINGS.seed,
    onForecast: (context, forecast) => {
      runs.push({ tSeconds: context.tSeconds, forecast });
    },
  });
  const policy = parsePolicy(await readFile(POLICY_PATH, 'utf8'), 'policy.yaml');
  const guardian = await runGuardianStory(policy, {
    sizeGiB: DEMO_SETTINGS.sizeGiB, shiftSeconds: DEMO_SETTINGS.durationSeconds, startEpochSeconds: SIMULATION_START_EPOCH_SECONDS, seed: DEMO_SETTINGS.seed,
  });
  return { report, result, runs, guardian };
}

/** The sections of `npm start`, in order. */
export const DEMO_SECTIONS: readonly DemoSection[] = [
  introSection, timelineSection, chartSection, impactSection,
  ({ guardian }) => guardianTimelineLines(guardian), ({ guardian }) => containerStartLines(guardian), ({ guardian }) => afterFlipLines(guardian),
];

/** The `demo` command (`npm start`). */
export const runDemo: CliCommand = async (argv, io) => {
  const { values } = parseCommandArgs(argv, OPTIONS, USAGE);
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.org) return runOrgDemoCommand(io);
  const story = await buildDemoStory();
  io.stdout(`${DEMO_SECTIONS.flatMap((section) => [...section(story), '']).join('\n')}`);
  await mkdir(join(io.cwd, 'reports'), { recursive: true });
  const path = await writeSimulatedReport(story.guardian, DEMO_REPORT_PATH, io.cwd, 'us-east-1');
  io.stdout(`Finance's report of this run (open in a browser, no network needed): ${path}\n`);
  return 0;
};

/** `demo --org`: the organization view, printed, and finance's HTML report by account. */
async function runOrgDemoCommand(io: Parameters<CliCommand>[1]): Promise<number> {
  const policy = parsePolicy(await readFile(POLICY_PATH, 'utf8'), 'policy.yaml');
  const demo = await runOrgDemo(policy, SIMULATION_START_EPOCH_SECONDS);
  io.stdout(`${orgDemoLines(demo).join('\n')}\n`);
  const path = join(io.cwd, ORG_DEMO_REPORT_PATH);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderHtmlReport(demo.report, { breakdown: demo.breakdowns.account }), 'utf8');
  io.stdout(`Finance's organization report, by account (open in a browser, no network needed): ${path}\n`);
  return 0;
}

function introSection({ report }: DemoStory): string[] {
  const v = report.volume;
  return [
    'ebs-burst-guardian: the seed story on the simulated fleet',
    '',
    `A CI host runs \`docker run --rm fedora date\` in a loop (~16 starts a minute, each a burst of ~2,600 I/Os)`,
    `on a ${v.sizeGiB} GiB ${v.type} root volume: baseline ${v.baselineIops} IOPS, burst ${(v.burstIops ?? 0).toLocaleString('en-US')} IOPS, ${(v.bucketCredits ?? 0).toLocaleString('en-US')} I/O credits.`,
    `The guardian looks every ${report.intervalSeconds / 60} min at CloudWatch (published ${report.metricDelaySeconds / 60} min late) and alerts`,
    `when the forecast says the bucket empties within ${report.horizonSeconds / 60} min.`,
  ];
}

function timelineSection({ report, runs }: DemoStory): string[] {
  const firstAlert = report.alerts[0];
  const exhaustion = report.exhaustions[0];
  const keyRuns = runs.filter((r) => r.tSeconds % 3600 === 0 || r.tSeconds === firstAlert?.tSeconds);
  const entries = keyRuns.map((run) => ({
    tSeconds: run.tSeconds,
    text: `${describe(run.forecast)}${run.tSeconds === firstAlert?.tSeconds ? '  <-- ALERT' : ''}`,
  }));
  if (exhaustion !== undefined) {
    entries.push({
      tSeconds: exhaustion.tSeconds,
      text: `the bucket is empty: IOPS fall to the ${report.volume.baselineIops} IOPS baseline` +
        (exhaustion.leadSeconds === null ? ' (no alert came first)' : ` (alerted ${Math.round(exhaustion.leadSeconds / 60)} min before)`),
    });
  }
  entries.sort((a, b) => a.tSeconds - b.tSeconds);
  return ['Guardian runs (forecast from the delayed 1-minute series):', ...entries.map((e) => `  ${clock(e.tSeconds)}  ${e.text}`)];
}

function chartSection({ report }: DemoStory): string[] {
  return [renderBalanceChart({
    title: 'BurstBalance of the CI host (A = alert, X = empty)',
    points: report.balance.map((b) => ({ tSeconds: b.tSeconds, value: b.balancePercent ?? undefined })),
    durationSeconds: report.durationSeconds,
    markers: [...report.alerts.map((a) => ({ tSeconds: a.tSeconds, symbol: 'A' })), ...report.exhaustions.map((e) => ({ tSeconds: e.tSeconds, symbol: 'X' }))],
    height: 8,
  })];
}

function impactSection({ report, result }: DemoStory): string[] {
  const exhaustion = report.exhaustions[0];
  if (exhaustion === undefined) return ['The bucket never emptied in this run.'];
  const before = result.intervals.filter((i) => i.endSeconds <= exhaustion.tSeconds && i.endSeconds > exhaustion.tSeconds - 3600);
  const after = result.intervals.filter((i) => i.startSeconds >= exhaustion.tSeconds);
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const servedBefore = mean(before.map((i) => i.meanServedPerSecond));
  const servedAfter = mean(after.map((i) => i.meanServedPerSecond));
  const demandAfter = mean(after.map((i) => i.meanDemandPerSecond));
  const baseline = report.volume.baselineIops ?? 0;
  return [
    'What the CI host felt:',
    `  hour before the wall: ${Math.round(servedBefore)} IOPS served on average; a container start's ~2,600 I/Os run at up to 3,000 IOPS (~1 s)`,
    `  after the wall:       ${Math.round(servedAfter)} IOPS served while ${Math.round(demandAfter)} IOPS were asked for: the same start`,
    `                        now needs at least 2,600 / ${baseline} = ~${Math.round(2600 / Math.max(baseline, 1))} s of I/O, and the backlog grows`,
    `  the alert gave on-call ${exhaustion.leadSeconds === null ? 'no' : `${Math.round(exhaustion.leadSeconds / 60)} min of`} warning.`,
    'Try: npm run --silent guardian -- simulate --scenario ci-host --size-gib 100 [--json]',
  ];
}

function describe(forecast: Forecast): string {
  switch (forecast.kind) {
    case 'draining':
      return `balance ${forecast.balancePercent.toFixed(1).padStart(5)}%  draining, empty in ~${Math.round(forecast.secondsToEmpty / 60)} min (${forecast.basis}, demand ${Math.round(forecast.demandPerSecond)} IOPS)`;
    case 'empty':
      return `balance ${forecast.balancePercent.toFixed(1).padStart(5)}%  EMPTY: throttled to baseline`;
    case 'refilling':
    case 'full':
    case 'steady':
      return `balance ${forecast.balancePercent.toFixed(1).padStart(5)}%  ${forecast.kind}`;
    default:
      return `${forecast.kind}: ${forecast.reason}`;
  }
}

function clock(tSeconds: number): string {
  const totalMinutes = Math.round(tSeconds / 60);
  return `+${String(Math.floor(totalMinutes / 60)).padStart(2, '0')}:${String(totalMinutes % 60).padStart(2, '0')}`;
}
