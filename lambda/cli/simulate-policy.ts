/**
 * `simulate --policy FILE [--act] [--report-html FILE]`: the acting guardian loop on a simulated
 * volume (issue 3 item 5, issue 7 item 4). The volume carries the default policy's opt-in tag so
 * the shipped `policy.yaml` selects it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { PolicyValidationError, UsageError } from '../core/errors';
import { parsePolicy, type Policy } from '../core/policy/policy';
import type { BurstableVolumeType } from '../core/types';
import { bundledPrices, queryFinanceReport } from '../report/report-query';
import { renderHtmlReport } from '../report/html';
import { runGuardianSimulation, type GuardianRun, type GuardianRunReport } from '../sim/guardian-run';
import type { MetricGap, WorkloadFactory } from '../sim/index';
import { formatHours, renderBalanceChart } from './chart';
import type { CliIo } from '../shared/cli-io';

/** Tags of the simulated volume: a name, and the opt-in tag `policy.yaml` requires. */
export const SIMULATED_VOLUME_TAGS: Readonly<Record<string, string>> = { Name: 'ci-host-root', 'burst-guardian': 'managed' };

/** Reads and validates a policy file; a bad policy is a usage error listing every problem. */
export async function readPolicyFile(file: string, cwd: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(isAbsolute(file) ? file : join(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`--policy ${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return parsePolicy(text, file);
  } catch (error) {
    if (error instanceof PolicyValidationError) throw new UsageError(`--policy ${file}:\n${error.message}`, { cause: error });
    throw error;
  }
}

/** What the acting simulation needs from the parsed `simulate` arguments. */
export interface ActingSimulationArgs {
  readonly workload: WorkloadFactory;
  /** Trace gaps: minutes with no published metrics. */
  readonly gaps?: readonly MetricGap[];
  readonly type: BurstableVolumeType;
  readonly sizeGiB: number;
  readonly intervalSeconds: number;
  readonly metricDelaySeconds: number;
  readonly durationSeconds: number;
  readonly seed: number;
  readonly startEpochSeconds: number;
  /** Identical volumes on the fleet. @default 1 */
  readonly volumes?: number;
  /** Tags added to every simulated volume. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The size of the instance every volume is attached to (issue 15: its own EBS bucket). */
  readonly instanceType?: string;
}

/** Id of the simulated instance. */
export const SIMULATED_INSTANCE_ID = 'i-0c1host000000001';

/** Id of the n-th simulated volume (1-based). */
export function simulatedVolumeId(n: number): string {
  return `vol-0c1host${n.toString(16).padStart(10, '0')}`;
}

/** Runs the guardian loop with `policy` on the simulated volume(s). */
export async function runActingSimulation(args: ActingSimulationArgs, policy: Policy, act: boolean): Promise<GuardianRun> {
  const tags = { ...SIMULATED_VOLUME_TAGS, ...args.tags };
  const volume = (n: number) => ({ type: args.type, sizeGiB: args.sizeGiB, volumeId: simulatedVolumeId(n), tags });
  return runGuardianSimulation({
    volume: volume(1), extraVolumes: Array.from({ length: (args.volumes ?? 1) - 1 }, (_, i) => volume(i + 2)),
    workload: args.workload, startEpochSeconds: args.startEpochSeconds, durationSeconds: args.durationSeconds,
    intervalSeconds: args.intervalSeconds, metricDelaySeconds: args.metricDelaySeconds, seed: args.seed, policy, act,
    ...(args.gaps === undefined ? {} : { gaps: args.gaps }),
    ...(args.instanceType === undefined ? {} : { instance: { instanceId: SIMULATED_INSTANCE_ID, instanceType: args.instanceType } }),
  });
}

/** Writes finance's HTML report of the simulated run's history to `file` (directories created). */
export async function writeSimulatedReport(run: GuardianRun, file: string, cwd: string, region: string): Promise<string> {
  const { result } = run;
  const until = result.startEpochSeconds + result.durationSeconds;
  const report = await queryFinanceReport(run.history, {
    period: { sinceEpochSeconds: result.startEpochSeconds, untilEpochSeconds: until }, nowEpochSeconds: until, ...bundledPrices(region),
  });
  const path = isAbsolute(file) ? file : join(cwd, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderHtmlReport(report), 'utf8');
  return path;
}

/** Percent of the unaided throttled seconds the guardian removed (100 when there were none). */
export function throttlingRemovedPercent(report: Pick<GuardianRunReport, 'throttledSeconds' | 'unaidedThrottledSeconds'>): number {
  if (report.unaidedThrottledSeconds <= 0) return 100;
  return (100 * (report.unaidedThrottledSeconds - report.throttledSeconds)) / report.unaidedThrottledSeconds;
}

/** Prints the acting run: chart with flips (F) and notifications (N), modifications, notifications, totals. */
export function writeActingSummary(io: CliIo, sourceLabel: string, run: GuardianRun): void {
  const { report, result } = run;
  const balance = result.intervals.map((i) => ({ tSeconds: i.endSeconds, value: i.balancePercentAtEnd }));
  const lines = [
    `${report.volumeIds.length > 1 ? `${report.volumeIds.length} × ` : ''}${result.volume.type} ${result.volume.sizeGiB} GiB, ${sourceLabel}, ${formatHours(result.durationSeconds / 3600)} simulated, guardian ${report.dryRun ? 'in DRY RUN (nothing modified)' : 'acting'}`,
    '',
    renderBalanceChart({
      title: 'BurstBalance at each guardian run (blank = not on gp2)   N = notification   F = modification',
      points: balance, durationSeconds: result.durationSeconds,
      markers: [...report.modifications.map((m) => ({ tSeconds: m.tSeconds, symbol: 'F' })), ...report.notifications.map((n) => ({ tSeconds: n.tSeconds, symbol: 'N' }))],
    }),
    '',
    report.modifications.length === 0 ? 'no modifications' : `${report.modifications.length} modification(s):`,
    ...report.modifications.map((m) => `  ${clock(m.tSeconds)}${report.volumeIds.length > 1 ? ` ${m.volumeId}` : ''} ${m.from} -> ${m.to}${m.iops === null ? '' : ` ${m.iops} IOPS`}${m.throughputMiBps === null ? '' : ` ${m.throughputMiBps} MiB/s`} (${m.state}): ${m.reason}`),
    ...instanceLines(report, result.durationSeconds),
    report.notifications.length === 0 ? 'no notifications' : `${report.notifications.length} notification(s):`,
    ...report.notifications.slice(0, 20).map((n) => `  ${clock(n.tSeconds)} ${n.subject}`),
    ...(report.notifications.length > 20 ? [`  … ${report.notifications.length - 20} more`] : []),
    `throttled ${Math.round(report.throttledSeconds)} s with the guardian vs ${Math.round(report.unaidedThrottledSeconds)} s without (${throttlingRemovedPercent(report).toFixed(1)} % removed)`,
    `cost $${report.costUSD.toFixed(4)} vs $${report.unaidedCostUSD.toFixed(4)} unaided; ledger violations: ${report.ledgerViolations.length}; scan errors: ${report.scanErrors}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
}

/** The instance's own EBS bucket: its chart, when it emptied, how long it held the volumes back. */
function instanceLines(report: GuardianRunReport, durationSeconds: number): string[] {
  const i = report.instance;
  if (i === undefined) return [];
  return [
    `instance ${i.instanceId} (${i.instanceType}): ${i.exhaustionsSeconds.length === 0 ? 'its EBS bucket never emptied' : `its EBS bucket emptied at ${i.exhaustionsSeconds.map(clock).join(', ')}`}; it held the volumes back ${Math.round(i.cappedSeconds)} s (${Math.round(i.unaidedCappedSeconds)} s without the guardian)`,
    '',
    renderBalanceChart({
      title: `instance EBS balance, the lower of EBSIOBalance% and EBSByteBalance% (true, at each guardian run)   X = empty`,
      points: i.balances.map((b) => ({ tSeconds: b.tSeconds, value: Math.min(b.ioPercent, b.bytePercent) })), durationSeconds,
      markers: i.exhaustionsSeconds.map((t) => ({ tSeconds: t, symbol: 'X' })),
    }),
    '',
  ];
}

function clock(tSeconds: number): string {
  const totalMinutes = Math.round(tSeconds / 60);
  return `+${String(Math.floor(totalMinutes / 60)).padStart(2, '0')}:${String(totalMinutes % 60).padStart(2, '0')}`;
}
