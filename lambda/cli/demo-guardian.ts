/**
 * The guardian's half of `npm start` (issue 3 item 5, issue 7 item 4): the same CI host with the
 * default `policy.yaml` made live (dryRun false; the volume carries the opt-in tag). The CI loop
 * runs for the forecast story's 6 h, then the queue empties for the night, so the guardian's
 * shadow gp2 bucket can show whether going back is safe and what staying on gp3 saves.
 */
import type { Decision } from '../core/decision/types';
import type { Policy } from '../core/policy/policy';
import { priceOf } from '../core/decision/pricing';
import { scenarioWorkload, type DemandSegment, type WorkloadFactory } from '../sim/index';
import { runGuardianSimulation, type GuardianRun } from '../sim/guardian-run';
import { SIMULATED_VOLUME_TAGS, throttlingRemovedPercent } from './simulate-policy';

/** I/Os one `docker run --rm fedora date` start issues in the simulated CI scenario (see the forecast story). */
export const IOS_PER_CONTAINER_START = 2600;
/** Hours the guardian story runs: the 6 h CI shift, then a quiet night. */
export const GUARDIAN_STORY_SECONDS = 14 * 3600;
const QUIET_OPS_PER_SECOND = 30;

/** `factory`'s demand for `activeSeconds`, then a constant quiet background for ever. */
export function thenQuiet(factory: WorkloadFactory, activeSeconds: number, quietOpsPerSecond: number): WorkloadFactory {
  return (context) => {
    const inner = factory(context);
    let elapsed = 0;
    return {
      name: `${inner.name} for ${activeSeconds / 3600} h, then ${quietOpsPerSecond} IOPS`,
      nextSegment: (): DemandSegment => {
        if (elapsed >= activeSeconds) return { durationSeconds: Number.POSITIVE_INFINITY, readOpsPerSecond: quietOpsPerSecond / 2, writeOpsPerSecond: quietOpsPerSecond / 2 };
        const next = inner.nextSegment();
        const durationSeconds = Math.min(next.durationSeconds, activeSeconds - elapsed);
        elapsed += durationSeconds;
        return { ...next, durationSeconds };
      },
    };
  };
}

/** Runs the guardian story: `policy` made live, the CI host for `shiftSeconds`, then quiet. */
export async function runGuardianStory(policy: Policy, settings: { readonly sizeGiB: number; readonly shiftSeconds: number; readonly startEpochSeconds: number; readonly seed: number }): Promise<GuardianRun> {
  return runGuardianSimulation({
    volume: { type: 'gp2', sizeGiB: settings.sizeGiB, volumeId: 'vol-0c1host0000000001', tags: SIMULATED_VOLUME_TAGS },
    workload: thenQuiet(scenarioWorkload('ci-host'), settings.shiftSeconds, QUIET_OPS_PER_SECOND),
    startEpochSeconds: settings.startEpochSeconds, durationSeconds: GUARDIAN_STORY_SECONDS, seed: settings.seed,
    intervalSeconds: 300, metricDelaySeconds: 120, policy: { ...policy, dryRun: false },
  });
}

/** Lines narrating what the guardian did: notifications, the flip and its lead over the wall. */
export function guardianTimelineLines(run: GuardianRun): string[] {
  const { report, unaided } = run;
  const wall = unaided.exhaustionsSeconds[0];
  const flip = report.modifications[0];
  const lead = wall !== undefined && flip !== undefined ? ` (${Math.round((wall - flip.tSeconds) / 60)} min before the unaided volume hit the wall at ${clock(wall)})` : '';
  return [
    'The guardian, same host, default policy.yaml made live (dryRun: false; the volume has the opt-in tag):',
    ...[
      ...report.notifications.map((n) => ({ tSeconds: n.tSeconds, text: `notifies: ${n.subject}` })),
      ...report.modifications.map((m) => ({ tSeconds: m.tSeconds, text: `ModifyVolume ${m.from} -> ${m.to}${m.iops === null ? '' : ` ${m.iops} IOPS`}${m.throughputMiBps === null ? '' : ` ${m.throughputMiBps} MiB/s`}, ${m.state}` })),
    ].sort((a, b) => a.tSeconds - b.tSeconds).map((e) => `  ${clock(e.tSeconds)}  ${e.text}`),
    ...(flip === undefined ? ['  no modification was made'] : [`  the flip came at ${clock(flip.tSeconds)}${lead}`]),
  ];
}

/** Lines comparing container starts with and without the guardian over the unaided run's throttled hours. */
export function containerStartLines(run: GuardianRun): string[] {
  const { result, unaided, report } = run;
  const wall = unaided.exhaustionsSeconds[0];
  if (wall === undefined) return ['The bucket never emptied without the guardian either.'];
  const inWindow = (i: { startSeconds: number; endSeconds: number }): boolean => i.startSeconds >= wall && i.endSeconds <= wall + 3 * 3600;
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const side = (r: typeof result) => {
    const window = r.intervals.filter(inWindow);
    return { demand: mean(window.map((i) => i.meanDemandPerSecond)), served: mean(window.map((i) => i.meanServedPerSecond)), ceiling: mean(window.map((i) => i.baselinePerSecond)) };
  };
  const guarded = side(result);
  const alone = side(unaided);
  // A start's I/Os run at the volume's ceiling when served keeps up with demand; otherwise they queue behind the backlog.
  const startSeconds = (s: { ceiling: number }): number => IOS_PER_CONTAINER_START / Math.max(1, Math.min(s.ceiling, 3000));
  return [
    `Containers, in the 3 h after the wall (${clock(wall)} to ${clock(wall + 3 * 3600)}):`,
    `  without the guardian: ${Math.round(alone.served)} of ${Math.round(alone.demand)} IOPS asked were served (ceiling ${Math.round(alone.ceiling)} IOPS): a start needs ≥ ~${startSeconds(alone).toFixed(0)} s of I/O and the backlog grows`,
    `  with the guardian:    ${Math.round(guarded.served)} of ${Math.round(guarded.demand)} IOPS asked were served (ceiling ${Math.round(guarded.ceiling)} IOPS): a start's I/O takes ~${startSeconds(guarded).toFixed(1)} s, as before the wall`,
    `  throttled seconds over ${Math.round(result.durationSeconds / 3600)} h: ${Math.round(report.throttledSeconds)} with the guardian vs ${Math.round(report.unaidedThrottledSeconds)} without (${throttlingRemovedPercent(report).toFixed(1)} % removed)`,
  ];
}

/** Lines on what happened after the flip: a revert, a stay recommendation with its saving, or holding. */
export function afterFlipLines(run: GuardianRun): string[] {
  const decisions = run.scanReports.flatMap((s) => s.results.map((r) => ({ tSeconds: s.nowEpochSeconds - run.result.startEpochSeconds, decision: r.decision })));
  const later = decisions.find((d) => d.decision.kind === 'stay-recommendation' || d.decision.kind === 'revert');
  const cost = `The run cost $${run.report.costUSD.toFixed(4)} with the guardian vs $${run.report.unaidedCostUSD.toFixed(4)} on gp2 unaided (per-second billing, us-east-1 list prices); ledger violations: ${run.report.ledgerViolations.length}.`;
  if (later === undefined) {
    const last = decisions.at(-1)?.decision;
    return [`After the flip: no revert or stay recommendation yet${last === undefined ? '' : `: ${last.reasons.join('; ')}`}.`, ...stayPriceLine(run), cost];
  }
  return [`After the CI queue emptied at +06:00, the guardian replayed a shadow gp2 bucket over the I/O since the flip:`, `  ${clock(later.tSeconds)}  ${describeLater(later.decision)}`, cost];
}

/** The price comparison keep-if-cheaper makes, from the bundled price table (not a guardian decision). */
function stayPriceLine(run: GuardianRun): string[] {
  const flip = run.report.modifications.at(-1);
  if (flip === undefined || flip.to !== 'gp3') return [];
  const sizeGiB = run.result.volume.sizeGiB;
  const onGp3 = priceOf({ type: 'gp3', sizeGiB, iops: flip.iops ?? 3000, throughputMiBps: flip.throughputMiBps ?? 125 }, 'us-east-1').monthlyUSD;
  const onGp2 = priceOf({ type: 'gp2', sizeGiB }, 'us-east-1').monthlyUSD;
  return onGp3 < onGp2
    ? [`  Staying on gp3 is also cheaper: $${onGp3.toFixed(2)}/month vs $${onGp2.toFixed(2)} on gp2, a $${(onGp2 - onGp3).toFixed(2)}/month saving (bundled us-east-1 prices).`]
    : [`  gp3 as provisioned costs $${onGp3.toFixed(2)}/month vs $${onGp2.toFixed(2)} on gp2.`];
}

function describeLater(decision: Decision): string {
  if (decision.kind === 'stay-recommendation') {
    return `recommends STAYING on ${decision.recommended.type} (${decision.recommended.iops ?? '-'} IOPS): saves $${decision.savingMonthlyUSD.toFixed(2)}/month vs going back to ${decision.original.type}. ${decision.reasons.join('; ')}`;
  }
  return `reverts: ${decision.reasons.join('; ')}`;
}

function clock(tSeconds: number): string {
  const totalMinutes = Math.round(tSeconds / 60);
  return `+${String(Math.floor(totalMinutes / 60)).padStart(2, '0')}:${String(totalMinutes % 60).padStart(2, '0')}`;
}
