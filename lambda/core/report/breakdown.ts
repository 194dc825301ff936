/**
 * Finance's organization view: the report's volumes grouped by account, region or one tag
 * (`--by account|region|tag:KEY`), each group with its cost, the net saving against doing nothing
 * (what the volumes would have cost unaided minus what they cost), flips and prevented throttling.
 * Every volume lands in exactly one group (`(unknown)` when the history does not say), so the
 * groups always add up to the organization total. When the report has the guardian's running cost,
 * each account or region group carries its own (a group that only ran scans appears with no volumes);
 * a tag cannot own a scan, so by tag the running cost is one group of its own. RDS storage changes
 * the guardian made count in their DB instance's group (a group with only DB instances appears).
 */
import { UsageError } from '../errors';
import type { HistoryEvent, ModificationRecord } from '../ports';
import { rdsResourceKey } from '../rds-ports';
import type { RdsStorageChangeLine } from './rds';
import type { RunningCostLine } from './running-cost';
import type { FinanceReport, VolumeReport } from './types';

/** What the report is broken down by. */
export type BreakdownKey = { readonly kind: 'account' } | { readonly kind: 'region' } | { readonly kind: 'tag'; readonly tagKey: string };

/** Where a volume is and how it is tagged, as its history records say. */
export interface VolumeLabels {
  readonly accountId?: string;
  readonly region?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** One group's figures (USD, seconds, counts). */
export interface BreakdownGroup {
  readonly key: string;
  readonly volumes: number;
  readonly rescues: number;
  readonly reverts: number;
  readonly actualUSD: number;
  readonly unaidedUSD: number;
  /** `unaidedUSD - actualUSD`: positive when the guardian saved money against doing nothing. */
  readonly netSavingUSD: number;
  readonly volumesWithoutCost: number;
  readonly preventedThrottlingSeconds: number;
  readonly alertsSent: number;
  /**
   * RDS storage changes RDS accepted in the group (account and region from the change, tags from its
   * DB instance's events) and what they add to the monthly bill at RDS storage prices; absent when
   * the report has no RDS section. Not in the volumes' costs.
   */
  readonly rdsStorageChanges?: number;
  readonly rdsMonthlyCostDeltaUSD?: number;
  /** The guardian's own running cost of the group (absent when the history holds no usage). */
  readonly runningCostUSD?: number;
  /** `netSavingUSD - runningCostUSD`: the saving once the guardian has paid for itself. */
  readonly netOfRunningCostUSD?: number;
}

/** The groups, largest cost first, and their total. */
export interface Breakdown {
  readonly by: string;
  readonly groups: readonly BreakdownGroup[];
  readonly total: BreakdownGroup;
}

/** The label of volumes the history says nothing about (records written before accounts were stamped). */
export const UNKNOWN_GROUP = '(unknown)';

/** By tag: the group holding the guardian's running cost (scans are per account and region, not per tag). */
export const RUNNING_COST_GROUP = '(guardian running cost)';

/** Parses `account`, `region` or `tag:KEY`; throws `UsageError` naming the bad value. */
export function parseBreakdownKey(text: string): BreakdownKey {
  if (text === 'account' || text === 'region') return { kind: text };
  if (text.startsWith('tag:') && text.length > 4) return { kind: 'tag', tagKey: text.slice(4) };
  // `team` alone reads as the tag, as finance says it (`--by team`).
  if (/^[\w.:/=+@-]+$/.test(text) && !text.includes(':')) return { kind: 'tag', tagKey: text };
  throw new UsageError(`--by must be account, region or tag:KEY, got '${text}'`);
}

/** The latest account, region and tags each volume's records carry (events hold tags in `details.tags`). */
export function labelsFromHistory(events: readonly HistoryEvent[], modifications: readonly ModificationRecord[]): Map<string, VolumeLabels> {
  const dated = [
    ...modifications.map((r) => ({ volumeId: r.volumeId, t: r.requestedEpochSeconds, accountId: r.accountId, region: r.region, tags: undefined })),
    ...events.map((e) => ({ volumeId: e.volumeId, t: e.tEpochSeconds, accountId: e.accountId, region: e.region, tags: tagsOf(e.details.tags) })),
  ].sort((a, b) => a.t - b.t);
  const labels = new Map<string, VolumeLabels>();
  for (const d of dated) {
    const previous = labels.get(d.volumeId) ?? {};
    labels.set(d.volumeId, {
      ...previous,
      ...(d.accountId === undefined ? {} : { accountId: d.accountId }),
      ...(d.region === undefined ? {} : { region: d.region }),
      ...(d.tags === undefined ? {} : { tags: d.tags }),
    });
  }
  return labels;
}

/** Groups the report's volumes by `by`; the total is over every volume of the report and all the running cost. */
export function breakDown(report: FinanceReport, labels: ReadonlyMap<string, VolumeLabels>, by: BreakdownKey): Breakdown {
  const groups = new Map<string, VolumeReport[]>();
  for (const volume of report.volumes) {
    const key = groupKey(labels.get(volume.volumeId), by) ?? UNKNOWN_GROUP;
    groups.set(key, [...(groups.get(key) ?? []), volume]);
  }
  const running = runningByGroup(report, by);
  for (const key of running?.keys() ?? []) if (!groups.has(key)) groups.set(key, []);
  const cost = (key: string): number | undefined => (running === undefined ? undefined : (running.get(key) ?? 0));
  // RDS storage changes in their own groups; a group with only DB instances appears with 0 volumes.
  const applied = (report.rds?.changes ?? []).filter((c) => !c.dryRun && APPLIED.has(c.status));
  const rdsKey = (c: RdsStorageChangeLine): string => groupKey({ ...labels.get(rdsResourceKey(c.identifier)), ...(c.accountId === undefined ? {} : { accountId: c.accountId }), ...(c.region === undefined ? {} : { region: c.region }) }, by) ?? UNKNOWN_GROUP;
  for (const c of applied) if (!groups.has(rdsKey(c))) groups.set(rdsKey(c), []);
  const rds = (key: string | undefined): readonly RdsStorageChangeLine[] | undefined => (report.rds === undefined ? undefined : applied.filter((c) => key === undefined || rdsKey(c) === key));
  const rows = [...groups.entries()]
    .map(([key, volumes]) => sumGroup(key, volumes, cost(key), rds(key)))
    .sort((a, b) => b.actualUSD - a.actualUSD || (b.runningCostUSD ?? 0) - (a.runningCostUSD ?? 0) || a.key.localeCompare(b.key));
  return { by: by.kind === 'tag' ? `tag:${by.tagKey}` : by.kind, groups: rows, total: sumGroup('total', report.volumes, running === undefined ? undefined : report.runningCost?.total.totalUSD, rds(undefined)) };
}

/** Statuses at which RDS accepted a storage change (as for volumes). */
const APPLIED = new Set(['modifying', 'optimizing', 'completed']);

/** The running cost per group key, or undefined when the report has none. */
function runningByGroup(report: FinanceReport, by: BreakdownKey): Map<string, number> | undefined {
  const rc = report.runningCost;
  // No usage recorded (older guardians): no running-cost columns rather than a column of zeros.
  if (rc === undefined || rc.total.scans === 0) return undefined;
  const lines: readonly RunningCostLine[] = by.kind === 'account' ? rc.byAccount : by.kind === 'region' ? rc.byRegion : [{ ...rc.total, key: RUNNING_COST_GROUP }];
  return new Map(lines.map((line) => [line.key, line.totalUSD]));
}

function groupKey(labels: VolumeLabels | undefined, by: BreakdownKey): string | undefined {
  if (by.kind === 'account') return labels?.accountId;
  if (by.kind === 'region') return labels?.region;
  return labels?.tags?.[by.tagKey];
}

function sumGroup(key: string, volumes: readonly VolumeReport[], runningCostUSD: number | undefined, rds: readonly RdsStorageChangeLine[] | undefined): BreakdownGroup {
  const actualUSD = volumes.reduce((s, v) => s + (v.cost?.actualUSD ?? 0), 0);
  const unaidedUSD = volumes.reduce((s, v) => s + (v.cost?.unaidedUSD ?? 0), 0);
  return {
    key,
    volumes: volumes.length,
    rescues: volumes.reduce((n, v) => n + v.modifications.rescue, 0),
    reverts: volumes.reduce((n, v) => n + v.modifications.revert, 0),
    actualUSD,
    unaidedUSD,
    netSavingUSD: unaidedUSD - actualUSD,
    volumesWithoutCost: volumes.filter((v) => v.cost === undefined).length,
    preventedThrottlingSeconds: volumes.reduce((s, v) => s + v.preventedThrottling.seconds, 0),
    alertsSent: volumes.reduce((n, v) => n + v.alertsSent, 0),
    ...(rds === undefined ? {} : { rdsStorageChanges: rds.length, rdsMonthlyCostDeltaUSD: rds.reduce((sum, c) => sum + c.monthlyCostDeltaUSD, 0) }),
    ...(runningCostUSD === undefined ? {} : { runningCostUSD, netOfRunningCostUSD: unaidedUSD - actualUSD - runningCostUSD }),
  };
}

function tagsOf(value: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  return Object.fromEntries(entries);
}
