/**
 * After the walk: one alert decision per instance whose own EBS bucket was forecast this scan
 * (notification/instance.ts), deduplicated under the instance id, sent and recorded like a volume's
 * (send first, then store the state, then append the history event under the instance id: `alert`
 * for an `instance-bucket` notification, `alert-cleared` for its recovery). Only a sent notification
 * writes an event, so a scan with nothing new to say writes nothing. One instance's failure never
 * stops the others.
 */
import { tierRuleOf } from '../decision/triggers';
import { alertTier } from '../forecast/alert-tier';
import type { InstanceBucketForecast } from '../forecast/instance';
import { nextInstanceNotification } from '../notification/instance';
import type { Policy } from '../policy/schema';
import type { GuardianNotification, HistoryEventKind, NotificationState } from '../ports';
import type { VolumeDescription } from '../types';
import type { InstanceView } from './instance-balances';
import { messageOf } from './support';
import type { InstanceScanResult, ScanDeps, ScanError } from './types';

/** What the instance alerts need from the walk. */
export interface InstanceAlertInput {
  readonly policy: Policy;
  readonly region: string | undefined;
  readonly now: number;
  /** The volumes this scan visited. */
  readonly volumes: readonly VolumeDescription[];
  readonly view: InstanceView;
  /**
   * The open notification states the ledger read brought (sparse index, ledger-view.ts); undefined
   * when it could not. With them, an instance whose forecast calls for no alert needs no read of
   * its own (a closed or absent state has nothing to close), as for volumes (fleet-loop.ts).
   */
  readonly openNotifications: ReadonlyMap<string, NotificationState> | undefined;
}

/** Notifies about each forecast instance as its state calls for; returns what was seen and sent. */
export async function notifyInstances(deps: ScanDeps, input: InstanceAlertInput, errors: ScanError[]): Promise<InstanceScanResult[]> {
  const results: InstanceScanResult[] = [];
  const byInstance = new Map<string, VolumeDescription[]>();
  for (const v of input.volumes) if (v.instanceId !== undefined) byInstance.set(v.instanceId, [...(byInstance.get(v.instanceId) ?? []), v]);
  for (const [instanceId, forecast] of input.view.forecasts) {
    const volumes = byInstance.get(instanceId) ?? [];
    const base = { instanceId, forecast, volumeIds: volumes.map((v) => v.volumeId) };
    let previous;
    try {
      previous = await previousState(deps, input, instanceId, forecast);
    } catch (error) {
      errors.push({ stage: 'record', volumeId: instanceId, message: `instance notification state unreadable, not alerting on it this scan: ${messageOf(error)}` });
      results.push(base);
      continue;
    }
    const outcome = nextInstanceNotification({ forecast, volumes, previous, policy: input.policy, now: input.now, ...(input.region === undefined ? {} : { region: input.region }) });
    if (outcome.notification === undefined) {
      if (outcome.state !== undefined) await putState(deps, outcome.state, errors);
      results.push(base);
      continue;
    }
    try {
      await deps.notifier.notify(outcome.notification);
    } catch (error) {
      errors.push({ stage: 'notify', volumeId: instanceId, message: messageOf(error) });
      results.push(base);
      continue;
    }
    if (outcome.state !== undefined) await putState(deps, outcome.state, errors);
    await appendInstanceEvent(deps, input.now, outcome.notification, errors);
    results.push({ ...base, notification: outcome.notification });
  }
  return results;
}

/**
 * The instance's notification state: from the open states the scan already holds when its forecast
 * calls for no alert tier even if it was paging (then only an open state matters, to close it), read
 * from the store otherwise (a tier may mean a first alert, a repeat or an escalation: exact state).
 */
async function previousState(deps: ScanDeps, input: InstanceAlertInput, instanceId: string, forecast: InstanceBucketForecast): Promise<NotificationState | undefined> {
  const open = input.openNotifications;
  const rule = tierRuleOf(input.policy);
  const silent = alertTier(forecast.worst, rule, true).tier === undefined && alertTier(forecast.worst, rule, false).tier === undefined;
  if (open !== undefined && silent) return open.get(instanceId);
  return deps.history.getNotificationState(instanceId);
}

async function putState(deps: ScanDeps, state: Parameters<ScanDeps['history']['putNotificationState']>[0], errors: ScanError[]): Promise<void> {
  try {
    await deps.history.putNotificationState(state);
  } catch (error) {
    errors.push({ stage: 'record', volumeId: state.volumeId, message: `instance notification sent, its dedupe state not recorded: ${messageOf(error)}` });
  }
}

/**
 * The sent alert in the instance's history: what the notification said (buckets, volumes, fix),
 * so finance's report can list the instance without reading anything else.
 */
async function appendInstanceEvent(deps: ScanDeps, now: number, n: GuardianNotification, errors: ScanError[]): Promise<void> {
  const kind: HistoryEventKind = n.event === 'recovered' ? 'alert-cleared' : 'alert';
  const details: Record<string, unknown> = {
    event: n.event, severity: n.severity, ...(n.route === undefined ? {} : { route: n.route }),
    ...(n.balancePercent === undefined ? {} : { balancePercent: n.balancePercent }),
    ...(n.secondsToEmpty === undefined ? {} : { secondsToEmpty: n.secondsToEmpty }),
    ...(n.instance === undefined ? {} : { instance: n.instance }),
  };
  try {
    await deps.history.appendEvent({ volumeId: n.volumeId, tEpochSeconds: now, kind, runId: deps.runId, summary: n.reason, details });
  } catch (error) {
    errors.push({ stage: 'record', volumeId: n.volumeId, message: `instance notification sent, its history event not recorded: ${messageOf(error)}` });
  }
}
