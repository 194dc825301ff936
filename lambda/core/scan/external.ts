/**
 * Modifications someone else made (issue 11): people, other tools, AWS automation. When
 * DescribeVolumesModifications shows a modification no ledger record stands for, it enters the
 * ledger with source `external`, so it counts against the per-volume limit whoever made it
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html). On a volume the
 * guardian had flipped, it ends the guardian's claim (the newest record is no longer its rescue, so
 * it never reverts a change it did not make) and on-call is told once.
 */
import { isoUtc } from '../iso-time';
import { RATE_WINDOW_SECONDS } from '../decision/ledger';
import type { PriceBook } from '../decision/price-book';
import { modificationCostDelta } from '../decision/pricing';
import { HistoryConflictError } from '../errors';
import { leftControlNotification } from '../notification/failure';
import type { Policy } from '../policy/schema';
import { isOpenStatus, startOf, type ModificationRecord, type NotificationState } from '../ports';
import type { VolumeDescription, VolumeModification } from '../types';
import { claimOf, REACHED_AWS } from './modification-match';
import { messageOf } from './support';
import type { ScanDeps, ScanError } from './types';

/** What the step reads and updates in place (the scan's maps). */
export interface ExternalModificationsInput {
  readonly volumes: readonly VolumeDescription[];
  /** Each volume's ledger; new external records are appended to it. */
  readonly ledger: Map<string, ModificationRecord[]>;
  readonly latest: ReadonlyMap<string, VolumeModification>;
  /** Each volume's notification state; updated when a notification is sent. */
  readonly notificationStates: Map<string, NotificationState | undefined>;
  readonly policy: Policy;
  readonly region: string | undefined;
  readonly now: number;
}

/** Records every external modification the ledger lacks; returns how many. Never throws. */
export async function recordExternalModifications(deps: ScanDeps, input: ExternalModificationsInput, errors: ScanError[]): Promise<number> {
  let recorded = 0;
  for (const volume of input.volumes) {
    const m = input.latest.get(volume.volumeId);
    const records = input.ledger.get(volume.volumeId);
    if (m === undefined || records === undefined || !isUnrecorded(m, records, input.now)) continue;
    const record = externalRecordFor(m, { runId: deps.runId, region: input.region ?? input.policy.region ?? 'us-east-1', ...(deps.prices === undefined ? {} : { prices: deps.prices }) });
    try {
      await deps.history.putIntent(record);
    } catch (error) {
      // A concurrent scan recorded it first.
      if (!(error instanceof HistoryConflictError)) errors.push({ stage: 'record', volumeId: volume.volumeId, message: `external modification not recorded: ${messageOf(error)}` });
      continue;
    }
    recorded++;
    const rescue = claimedRescue(records, m);
    input.ledger.set(volume.volumeId, [...records, record]);
    try {
      await deps.history.appendEvent({
        volumeId: volume.volumeId,
        tEpochSeconds: input.now,
        kind: 'external-modification',
        runId: deps.runId,
        summary: `modified outside the guardian at ${isoUtc(m.startEpochSeconds)}: ${m.originalType} -> ${m.targetType} (${m.state})${rescue === undefined ? '' : '; the guardian no longer manages its rescue'}`,
        details: { modificationId: record.modificationId, awsStartEpochSeconds: m.startEpochSeconds, from: record.from, to: record.to, state: m.state, volumeType: volume.type, sizeGiB: volume.sizeGiB, endsGuardianClaim: rescue !== undefined },
      });
      if (rescue !== undefined) await tellOnCall(deps, input, volume, m, startOf(rescue));
    } catch (error) {
      errors.push({ stage: 'notify', volumeId: volume.volumeId, message: `external modification: ${messageOf(error)}` });
    }
  }
  return recorded;
}

/**
 * True when no record stands for AWS's latest modification and it matters: the guardian has no
 * open record there (reconciliation owns those), and it is recent enough to count against the
 * limit or newer than what the guardian did to the volume (a year-old migration is not news).
 */
function isUnrecorded(m: VolumeModification, records: readonly ModificationRecord[], now: number): boolean {
  if (claimOf(records, m) !== undefined) return false;
  if (records.some((r) => !r.dryRun && isOpenStatus(r.status))) return false;
  const starts = records.filter((r) => !r.dryRun && REACHED_AWS.has(r.status)).map(startOf);
  return m.startEpochSeconds > now - RATE_WINDOW_SECONDS || (starts.length > 0 && m.startEpochSeconds > Math.max(...starts));
}

/** The guardian's rescue the volume was living on before `m`, if any. */
function claimedRescue(records: readonly ModificationRecord[], m: VolumeModification): ModificationRecord | undefined {
  const before = records.filter((r) => !r.dryRun && REACHED_AWS.has(r.status) && startOf(r) < m.startEpochSeconds).sort((a, b) => startOf(b) - startOf(a))[0];
  return before?.kind === 'rescue' ? before : undefined;
}

/** The ledger record of someone else's modification, keyed by AWS's StartTime. */
export function externalRecordFor(m: VolumeModification, options: { readonly runId: string; readonly region: string; readonly prices?: PriceBook }): ModificationRecord {
  const from = { type: m.originalType, ...(m.originalIops === undefined ? {} : { iops: m.originalIops }), ...(m.originalThroughputMiBps === undefined ? {} : { throughputMiBps: m.originalThroughputMiBps }) };
  const to = { type: m.targetType, ...(m.targetIops === undefined ? {} : { iops: m.targetIops }), ...(m.targetThroughputMiBps === undefined ? {} : { throughputMiBps: m.targetThroughputMiBps }) };
  const cost = modificationCostDelta({ ...from, sizeGiB: m.originalSizeGiB }, { ...to, sizeGiB: m.targetSizeGiB }, options.region, options.prices);
  return {
    volumeId: m.volumeId,
    modificationId: `${String(m.startEpochSeconds).padStart(12, '0')}#external`,
    kind: 'external',
    source: 'external',
    requestedEpochSeconds: m.startEpochSeconds,
    awsStartEpochSeconds: m.startEpochSeconds,
    status: m.state,
    from,
    to,
    sizeGiB: m.targetSizeGiB,
    reason: 'external: modified outside the guardian (seen in DescribeVolumesModifications)',
    dryRun: false,
    hourlyCostDeltaUSD: cost.hourlyUSD,
    monthlyCostDeltaUSD: cost.monthlyUSD,
    ...(m.state === 'completed' || m.state === 'failed' ? { completedEpochSeconds: m.endEpochSeconds ?? m.startEpochSeconds } : {}),
    ...(m.statusMessage === undefined ? {} : { statusMessage: m.statusMessage }),
    runId: options.runId,
  };
}

async function tellOnCall(deps: ScanDeps, input: ExternalModificationsInput, volume: VolumeDescription, m: VolumeModification, rescueStart: number): Promise<void> {
  const previous = input.notificationStates.get(volume.volumeId);
  const region = input.region ?? input.policy.region;
  const outcome = leftControlNotification({ volume, modification: m, rescueStartEpochSeconds: rescueStart, previous, policy: input.policy, now: input.now, ...(region === undefined ? {} : { region }) });
  await deps.notifier.notify(outcome.notification);
  await deps.history.putNotificationState(outcome.state);
  input.notificationStates.set(volume.volumeId, outcome.state);
}
