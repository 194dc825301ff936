/**
 * The scan use case (DESIGN.md §3): reconcile → inventory → metrics → forecast → decide → act →
 * record. Pure orchestration over the ports: the Lambda, the `scan` CLI and the simulated fleet all
 * run this one function. One volume's failure is recorded and the scan goes on.
 */
import { intentRecordFor, isActing, modificationRequestFor, type ActingDecision, type Decision } from '../decision/decide';
import { nextNotification } from '../notification/state';
import type { Policy } from '../policy/schema';
import type { HistoryEventKind, InventoryFilter } from '../ports';
import { rescueFailedNotification } from '../notification/failure';
import { closeFailedIntent, failureSummary, recordAccepted } from './act-record';
import { scanReport, walkFleet, type VolumeHandling } from './fleet-loop';
import { classifyModifyFailure, type ModifyFailure } from './modify-failure';
import { reconcileOpenModifications } from './reconcile';
import type { ScanDeps, ScanError, ScanReport, VolumeScanResult } from './types';
import { messageOf } from './support';
import { isBurstableType, type Forecast, type VolumeDescription } from '../types';
import { withOriginDeps } from './origin';
import { withRdsPass } from './rds-pass';

export type { ScanDeps, ScanReport, VolumeScanResult, ScanError } from './types';

/** Runs one scan at `nowEpochSeconds` and returns what it saw, decided and did. */
export async function runScan(input: ScanDeps, nowEpochSeconds: number): Promise<ScanReport> {
  const deps = withOriginDeps(input);
  const dryRun = deps.policy.dryRun || deps.dryRun === true;
  const policy: Policy = { ...deps.policy, dryRun };
  const region = deps.region ?? deps.origin?.region ?? policy.region;
  const errors: ScanError[] = [];
  const reconciled = await reconcileOpenModifications(deps, nowEpochSeconds, errors);

  let volumes: VolumeDescription[] | undefined;
  try {
    volumes = await listManagedVolumes(deps, policy);
  } catch (error) {
    errors.push({ stage: 'inventory', message: messageOf(error) });
  }
  const report =
    volumes === undefined
      ? scanReport({ runId: deps.runId, now: nowEpochSeconds, dryRun, results: [], errors, metricsRequested: 0, reconciled, volumesDeferred: 0 })
      : // Chunks with bounded memory, the read plan, a time guard and a resume cursor (fleet-loop.ts).
        await walkFleet({ deps, policy, region, now: nowEpochSeconds, volumes, errors, reconciled, handle: (h) => handleVolume(deps, policy, region, nowEpochSeconds, h, errors) });
  // RDS DB instances on gp2 (policy `rds`, issue 15 part 2): their own pass, after the volumes'.
  return withRdsPass(deps, policy, region, nowEpochSeconds, report);
}

/** Lists the burstable volumes the policy selects, plus the rescue-target types (flipped volumes are gp3/io1/io2 now). */
async function listManagedVolumes(deps: ScanDeps, policy: Policy): Promise<VolumeDescription[]> {
  const selection = policy.selection;
  const tags: Record<string, readonly string[]> = { ...selection.tags };
  if (selection.optInTag !== null) tags[selection.optInTag.key] = selection.optInTag.value === undefined ? [] : [selection.optInTag.value];
  const filter: InventoryFilter = {
    volumeTypes: [...new Set([...selection.volumeTypes, 'gp3', 'io1', 'io2'] as const)],
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    ...(selection.volumeIds.length === 0 ? {} : { volumeIds: selection.volumeIds }),
  };
  return deps.inventory.listVolumes(filter);
}

/** What handling one volume needs (fleet-loop.ts collects it). */
type VolumeContext = VolumeHandling;

/** Acts on one decision, notifies and records; never throws. */
async function handleVolume(deps: ScanDeps, policy: Policy, region: string | undefined, now: number, ctx: VolumeContext, errors: ScanError[]): Promise<VolumeScanResult> {
  const { volume, decision, forecast } = ctx;
  const base = { volume, forecast, decision, ...(ctx.p90 === undefined ? {} : { containerStartP90Ms: ctx.p90 }) };
  const outcome = nextNotification({ decision, volume, previous: ctx.previous, policy, now, ...(region === undefined ? {} : { region }), ...(ctx.p90 === undefined ? {} : { containerStartP90Ms: ctx.p90 }) });
  let action: VolumeScanResult['action'] = 'none';
  if (isActing(decision)) {
    // A dry run proves the permission (EC2 DryRun) once per new notification, not every scan.
    const result = decision.dryRun && outcome.notification === undefined ? OK : await act(deps, now, volume, decision, errors);
    if (!result.ok) {
      if (decision.kind === 'rescue' && !decision.dryRun) await notifyFailedRescue(deps, policy, region, now, ctx, result.failure, errors);
      return { ...base, action: 'failed', error: result.message };
    }
    action = decision.dryRun ? 'dry-run' : 'modified';
  }
  if (outcome.notification === undefined) return { ...base, action };
  try {
    // Send first, then store the state: on-call gets at-least-once delivery.
    await deps.notifier.notify(outcome.notification);
  } catch (error) {
    // Only a failed Publish is a `notify` error (its alarm says on-call was not told).
    errors.push({ stage: 'notify', volumeId: volume.volumeId, message: messageOf(error) });
    return { ...base, action, notification: outcome.notification };
  }
  try {
    if (outcome.state !== undefined) await deps.history.putNotificationState(outcome.state);
    // On a flipped volume "recovered" means the rescue took effect, not that demand eased: finance's
    // throttling-prevented estimate must not end there.
    const kind = outcome.notification.event === 'recovered' && !isBurstableType(volume.type) ? undefined : eventKindOf(decision, outcome.notification.event);
    if (kind !== undefined && !(isActing(decision) && !decision.dryRun)) await appendEvent(deps, now, volume, decision, forecast, kind, errors);
  } catch (error) {
    errors.push({ stage: 'record', volumeId: volume.volumeId, message: `notification sent, its dedupe state not recorded: ${messageOf(error)}` });
  }
  return { ...base, action, notification: outcome.notification };
}

type ActResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly failure?: ModifyFailure };
const OK: ActResult = { ok: true };

/** Intent first, then ModifyVolume, then the result (DESIGN.md §3). */
async function act(deps: ScanDeps, now: number, volume: VolumeDescription, decision: ActingDecision, errors: ScanError[]): Promise<ActResult> {
  const request = modificationRequestFor(decision);
  if (decision.dryRun) {
    try {
      await deps.modifier.modifyVolume(request, { dryRun: true });
      return OK;
    } catch (error) {
      return { ok: false, message: fail(errors, volume.volumeId, `dry-run ModifyVolume refused: ${messageOf(error)}`) };
    }
  }
  const record = intentRecordFor(decision, { now, runId: deps.runId, sizeGiB: volume.sizeGiB });
  try {
    await deps.history.putIntent(record);
  } catch (error) {
    return { ok: false, message: fail(errors, volume.volumeId, `intent not recorded, not modifying: ${messageOf(error)}`) };
  }
  let modification;
  try {
    modification = await deps.modifier.modifyVolume(request, { dryRun: false });
  } catch (error) {
    const failure = classifyModifyFailure(error, now);
    await closeFailedIntent(deps, record, failure, errors);
    await appendEvent(deps, now, volume, decision, undefined, 'failure', errors, failureSummary(failure));
    return { ok: false, failure, message: fail(errors, volume.volumeId, `ModifyVolume failed: ${messageOf(error)}`) };
  }
  // The flip happened: only its record may still fail, and reconciliation recovers that (never a `failure`).
  if ((await recordAccepted(deps, record, modification, errors)) === 'recorded') await appendEvent(deps, now, volume, decision, undefined, decision.kind, errors);
  return OK;
}

/** A failed rescue reaches on-call, deduplicated, with when the guardian tries again (issue 11). */
async function notifyFailedRescue(deps: ScanDeps, policy: Policy, region: string | undefined, now: number, ctx: VolumeContext, failure: ModifyFailure | undefined, errors: ScanError[]): Promise<void> {
  if (failure === undefined || failure.kind === 'volume-deleted' || ctx.decision.kind !== 'rescue') return;
  const outcome = rescueFailedNotification({
    volume: ctx.volume, targetType: ctx.decision.target.type, reason: failureSummary(failure),
    retryAfterEpochSeconds: failure.kind === 'rejected' ? failure.retryAfterEpochSeconds : undefined, answerLost: failure.kind === 'ambiguous',
    previous: ctx.previous, policy, now, ...(region === undefined ? {} : { region }),
  });
  if (outcome.notification === undefined) return;
  try {
    await deps.notifier.notify(outcome.notification);
    if (outcome.state !== undefined) await deps.history.putNotificationState(outcome.state);
  } catch (error) {
    errors.push({ stage: 'notify', volumeId: ctx.volume.volumeId, message: messageOf(error) });
  }
}

async function appendEvent(deps: ScanDeps, now: number, volume: VolumeDescription, decision: Decision, forecast: Forecast | undefined, kind: HistoryEventKind, errors: ScanError[], failure?: string): Promise<void> {
  const f = forecast ?? ('forecast' in decision ? decision.forecast : undefined);
  const details: Record<string, unknown> = {
    volumeType: volume.type,
    sizeGiB: volume.sizeGiB,
    // Finance groups by a tag (`report --by tag:team`): the tags as the volume had them then.
    tags: volume.tags,
    // The instance it was attached to then: the report counts an instance's refused flips from it.
    ...(volume.instanceId === undefined ? {} : { instanceId: volume.instanceId }),
    decision,
    ...(f === undefined ? {} : { forecast: f }),
    ...(f !== undefined && f.kind === 'draining' ? { secondsToEmpty: f.secondsToEmpty, demandPerSecond: f.demandPerSecond } : {}),
    ...(f !== undefined && f.kind === 'empty' ? { secondsToEmpty: 0, demandPerSecond: f.demandPerSecond } : {}),
    ...(failure === undefined ? {} : { error: failure }),
  };
  try {
    await deps.history.appendEvent({ volumeId: volume.volumeId, tEpochSeconds: now, kind, runId: deps.runId, summary: failure ?? decision.reasons.join('; '), details });
  } catch (error) {
    errors.push({ stage: 'record', volumeId: volume.volumeId, message: messageOf(error) });
  }
}

function eventKindOf(decision: Decision, event: string): HistoryEventKind | undefined {
  if (event === 'recovered') return 'alert-cleared';
  switch (decision.kind) {
    case 'alert':
      return 'alert';
    case 'rescue':
    case 'revert':
      return decision.kind;
    case 'blocked':
      return 'blocked';
    case 'stay-recommendation':
      return 'recommendation';
    default:
      return undefined;
  }
}

function fail(errors: ScanError[], volumeId: string, message: string): string {
  errors.push({ stage: 'act', volumeId, message });
  return message;
}
