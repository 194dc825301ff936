/**
 * The ports of the hexagon: what the core needs from the world. `lambda/aws/` implements them
 * against AWS SDK v3, `lambda/sim/` against the simulated fleet (DESIGN.md §3, STYLE.md §1).
 */
import type {
  MetricPoint,
  ModificationRequest,
  VolumeDescription,
  VolumeMetricSeries,
  VolumeModification,
  VolumeType,
} from './types';
import type { ScanUsage, UsageDay } from './report/running-cost';

/** Which volumes to list: applied server-side where the API allows (DescribeVolumes filters). */
export interface InventoryFilter {
  readonly volumeTypes?: readonly VolumeType[];
  /** Tag key → allowed values; an empty list means "the key is present with any value". */
  readonly tags?: Readonly<Record<string, readonly string[]>>;
  readonly volumeIds?: readonly string[];
}

/** Lists volumes (DescribeVolumes, all pages). */
export interface VolumeInventory {
  listVolumes(filter: InventoryFilter): Promise<VolumeDescription[]>;
  /**
   * Which of these volumes still exist, whatever their type or tags (reconciliation's question, not
   * the scan's listing: a run observer counts only `listVolumes` as the inventory). Optional: when
   * absent, `listVolumes({ volumeIds })` answers it.
   */
  existingVolumeIds?(volumeIds: readonly string[]): Promise<Set<string>>;
}

/** Reads the burst metrics of many volumes over one time window (GetMetricData, batched). */
export interface BurstMetricsReader {
  readMetrics(request: MetricsRequest): Promise<MetricsResult>;
  /**
   * Optional: hands over each volume's series as soon as it is complete, so a large fleet is never
   * held in memory at once (the scan keeps only the series a decision needs).
   */
  streamMetrics?(request: MetricsRequest, onVolume: (outcome: VolumeMetricsOutcome) => void): Promise<{ metricsRequested: number }>;
}

/** An instance's own EBS burst balances (AWS/EC2 `EBSIOBalance%`, `EBSByteBalance%`, 5-minute points, oldest first). */
export interface InstanceEbsBalance {
  readonly instanceId: string;
  readonly ioBalancePercent: readonly MetricPoint[];
  readonly byteBalancePercent: readonly MetricPoint[];
}

/** Reads the EBS burst balances of the instances the scanned volumes are attached to (one batched read per scan). */
export interface InstanceEbsBalanceReader {
  readInstanceBalances(request: { readonly instanceIds: readonly string[]; readonly startEpochSeconds: number; readonly endEpochSeconds: number }): Promise<Map<string, InstanceEbsBalance>>;
}

/**
 * The types of the instances the scanned volumes are attached to (DescribeInstances): which of them
 * have an EBS burst bucket worth reading (core/credit/instance-ebs.ts). Instances it does not know
 * (terminated, or not visible) are absent.
 */
export interface InstanceTypeReader {
  readInstanceTypes(instanceIds: readonly string[]): Promise<Map<string, string>>;
}

/** What an alert about an instance's own EBS burst bucket says (event `instance-bucket`). */
export interface InstanceAlertFacts {
  readonly instanceId: string;
  readonly instanceType: string;
  /** The bucket that empties first. */
  readonly bucket: 'EBSIOBalance%' | 'EBSByteBalance%';
  readonly ioBalancePercent?: number;
  readonly byteBalancePercent?: number;
  /** The instance's EBS baseline and maximum (EC2 User Guide table). */
  readonly baselineIops: number;
  readonly maximumIops: number;
  readonly baselineMBps: number;
  readonly maximumMBps: number;
  /** The selected volumes attached to it (the guardian reads no others). */
  readonly attachedVolumeIds: readonly string[];
  /** The size to move to, when the table has one, with its monthly price difference. */
  readonly fix?: { readonly instanceType: string; readonly burstable: boolean; readonly monthlyDeltaUSD?: number; readonly priceNote: string; readonly text: string };
}

/** One volume's metrics, or why they could not be read. */
export type VolumeMetricsOutcome =
  | { readonly kind: 'series'; readonly series: VolumeMetricSeries }
  | { readonly kind: 'error'; readonly volumeId: string; readonly error: Error };

/** A series of `VolumeMetricSeries` a reader can fill: one CloudWatch metric per volume. */
export type MetricField = keyof Omit<VolumeMetricSeries, 'volumeId' | 'periodSeconds'>;

/** One volume of a metrics request; `fields` names exactly what to read (the scan's read plan), else the reader's default set. */
export type MetricsRequestVolume = Pick<VolumeDescription, 'volumeId' | 'type' | 'instanceId'> & { readonly fields?: readonly MetricField[] };

/** One window for all volumes. */
export interface MetricsRequest {
  readonly volumes: readonly MetricsRequestVolume[];
  readonly startEpochSeconds: number;
  readonly endEpochSeconds: number;
  readonly periodSeconds: number;
  /** Also read the probe's metrics (`ContainerStartLatency` p90) from this namespace. */
  readonly probeNamespace?: string;
}

/** Series per volume; a volume whose metrics could not be read is listed in `errors`, not zero-filled. */
export interface MetricsResult {
  readonly series: ReadonlyMap<string, VolumeMetricSeries>;
  readonly errors: ReadonlyMap<string, Error>;
  /** How many metrics were requested (for cost accounting). */
  readonly metricsRequested: number;
}

/** Modifies volumes and reads their modification state (ModifyVolume, DescribeVolumesModifications). */
export interface VolumeModifier {
  /**
   * Requests a modification. With `dryRun` the request only proves permissions (EC2 DryRun) and
   * resolves without acting. Throws the domain errors of `errors.ts`.
   */
  modifyVolume(request: ModificationRequest, options: { readonly dryRun: boolean }): Promise<VolumeModification | undefined>;
  /** Latest modification per volume (AWS returns only the latest); volumes never modified are absent. */
  describeModifications(volumeIds: readonly string[]): Promise<Map<string, VolumeModification>>;
}

/** Why a notification is sent. */
export type NotificationEvent =
  | 'forecast-alert'
  | 'escalation'
  | 'throttled'
  | 'rescue'
  | 'revert'
  | 'stay-recommendation'
  | 'recovered'
  | 'blocked'
  | 'failure'
  /** ModifyVolume for a rescue was refused or never reached AWS. */
  | 'rescue-failed'
  /** Someone else modified a volume the guardian had flipped: the guardian no longer manages it. */
  | 'left-control'
  /** An instance's own EBS burst bucket is empty or will be soon: every attached volume slows (issue 15). */
  | 'instance-bucket';

/** Severity, also a message attribute for SNS subscription filter policies. */
export type NotificationSeverity = 'info' | 'warning' | 'critical';

/**
 * Where a notification goes (issue 16): `page` wakes on-call (the paging topic: throttled now, a drain
 * likely to empty the bucket within the page horizon, a blocked rescue); `notice` is informational
 * (the non-paging topic: early warnings, actions taken, recoveries).
 */
export type NotificationRoute = 'page' | 'notice';

/** Everything a person needs to act on one volume's situation; the adapter formats it. */
export interface GuardianNotification {
  readonly event: NotificationEvent;
  readonly severity: NotificationSeverity;
  readonly tEpochSeconds: number;
  /**
   * The volume the notification is about. For `instance-bucket` (about an instance, see `instance`):
   * the instance id, the key its dedupe state is stored under; `volumeType` and `sizeGiB` are then
   * those of its first attached selected volume and are not shown.
   */
  readonly volumeId: string;
  readonly volumeType: VolumeType;
  readonly sizeGiB: number;
  readonly nameTag?: string;
  readonly instanceId?: string;
  readonly region?: string;
  /** The account the volume is in (organization deployments: every spoke says whose volume it is). */
  readonly account?: AccountIdentity;
  readonly balancePercent?: number;
  readonly secondsToEmpty?: number;
  readonly containerStartP90Ms?: number;
  /** What the guardian did or will do: a verb phrase that reads after "The guardian" (`would rescue it to gp3…`). */
  readonly action: string;
  /** Why, one sentence. */
  readonly reason: string;
  readonly dryRun: boolean;
  /** Monthly cost change of the action, USD (positive = costs more). */
  readonly monthlyCostDeltaUSD?: number;
  /** I/O demand the forecast saw, operations per second (MiB/s for st1/sc1). */
  readonly demandPerSecond?: number;
  /** The modification this notification is about (rescue, revert, recommendation). */
  readonly change?: { readonly from: ConfigurationOf; readonly to: ConfigurationOf };
  /** What a person could modify the volume to by hand (the rescue target, or gp3 at its baseline). */
  readonly manualTarget?: ConfigurationOf;
  /** When a blocked action may next be tried. */
  readonly nextAllowedEpochSeconds?: number;
  /** Why a wanted action was blocked (`rate-limit`, `budget-flipped`, …). */
  readonly blockReason?: string;
  /** The policy's opt-in tag: removing it pauses the guardian for this volume. */
  readonly optInTag?: { readonly key: string; readonly value?: string };
  /** Filled by the notifier from its deployment: account, dashboard and history table for links and commands. */
  readonly deployment?: NotificationDeployment;
  /** The destination; absent means `page` (an unclassified notification must still reach a person). */
  readonly route?: NotificationRoute;
  /** Calibrated chance (0–1) that the drain empties the bucket: the share of such forecasts that came true. */
  readonly pageConfidence?: number;
  /** Set when the notification is about an RDS DB instance (`volumeId` is then `rds:<identifier>`, `sizeGiB` its allocated storage). */
  readonly rds?: RdsNotificationSubject;
  /** Set on `instance-bucket`: the instance, its buckets, its volumes and the fix. */
  readonly instance?: InstanceAlertFacts;
}

/** The DB instance an RDS notification is about. */
export interface RdsNotificationSubject {
  readonly identifier: string;
  readonly engine: string;
  readonly arn?: string;
}

/** A volume configuration as an alert names it. */
export interface ConfigurationOf {
  readonly type: VolumeType;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/** Where the guardian runs, for the links and commands in a notification. */
export interface NotificationDeployment {
  readonly accountId?: string;
  readonly region?: string;
  readonly dashboardName?: string;
  readonly historyTableName?: string;
}

/** Sends notifications (SNS, or the simulator's log). */
export interface Notifier {
  notify(notification: GuardianNotification): Promise<void>;
}

/** Lifecycle of a modification the guardian asked for. */
export type ModificationRecordStatus =
  | 'intent'
  | 'dry-run'
  | 'modifying'
  | 'optimizing'
  | 'completed'
  | 'failed'
  /** EC2 refused ModifyVolume (in progress, rate limit, not authorized, invalid): nothing changed. */
  | 'rejected'
  /** ModifyVolume never reached AWS (throttled, or a network error/5xx and AWS shows no such modification). */
  | 'not-sent'
  /** The volume was deleted before its modification was confirmed. */
  | 'volume-deleted';

/** Every status, for tables and validation. */
export const MODIFICATION_RECORD_STATUSES: readonly ModificationRecordStatus[] = ['intent', 'dry-run', 'modifying', 'optimizing', 'completed', 'failed', 'rejected', 'not-sent', 'volume-deleted'];

/** Statuses that hold the per-volume lock (DescribeVolumesModifications "in progress" + our intent). */
export const OPEN_STATUSES: ReadonlySet<ModificationRecordStatus> = new Set(['intent', 'modifying', 'optimizing']);

/** True while a modification is still open. */
export function isOpenStatus(status: ModificationRecordStatus): boolean {
  return OPEN_STATUSES.has(status);
}

/** What the guardian modifies a volume for. */
export type GuardianModificationKind = 'rescue' | 'revert';

/** Why a volume was modified: by the guardian (rescue, revert), or by someone else (`external`). */
export type ModificationKind = GuardianModificationKind | 'external';

/** Who asked for a modification: the guardian, or a person or tool seen only in DescribeVolumesModifications. */
export type ModificationSource = 'guardian' | 'external';

/** The guardian's own modification ledger entry, written as an intent before ModifyVolume. */
export interface ModificationRecord {
  readonly volumeId: string;
  /** Unique per volume, sortable by time: `<requestedEpochSeconds padded>#<kind>`. */
  readonly modificationId: string;
  readonly kind: ModificationKind;
  /** Absent on records written before external modifications were recorded: the guardian. */
  readonly source?: ModificationSource;
  /** The clock of the machine that wrote the intent (for external records: AWS's StartTime). */
  readonly requestedEpochSeconds: number;
  /** AWS's StartTime of the modification once known: the truth for when it began, whatever the local clock said. */
  readonly awsStartEpochSeconds?: number;
  readonly status: ModificationRecordStatus;
  readonly from: { readonly type: VolumeType; readonly iops?: number; readonly throughputMiBps?: number };
  readonly to: { readonly type: VolumeType; readonly iops?: number; readonly throughputMiBps?: number };
  readonly sizeGiB: number;
  readonly reason: string;
  readonly dryRun: boolean;
  readonly hourlyCostDeltaUSD: number;
  readonly monthlyCostDeltaUSD: number;
  /** BurstBalance just before a rescue (the round-trip question, DESIGN.md §1). */
  readonly burstBalanceBeforePercent?: number;
  /** For a revert: the first BurstBalance seen back on gp2/st1/sc1. */
  readonly firstBurstBalanceAfterPercent?: number;
  readonly completedEpochSeconds?: number;
  readonly statusMessage?: string;
  /** After a `rejected` ModifyVolume: not before this time may the guardian try again (AWS's time when it said one). */
  readonly retryAfterEpochSeconds?: number;
  /** Reconciliations that found no such modification at AWS yet (an intent is `not-sent` only after two). */
  readonly reconcileMisses?: number;
  /** Scan that wrote it. */
  readonly runId: string;
  /** The policy schedule (planned critical window) that asked for it; absent for rescues and shadow reverts. */
  readonly schedule?: string;
  /** Account and region of the volume (stamped by `withOrigin`; absent on records written before). */
  readonly accountId?: string;
  readonly region?: string;
  /**
   * For a rescue: what the shadow-bucket replay of the demand observed since the flip says the
   * unaided volume would have suffered, accumulated scan by scan (issue 14). Absent on rescues
   * recorded before, or while no complete datapoint since the flip was seen.
   */
  readonly shadowThrottling?: ShadowThrottling;
  /** Set when the record is about an RDS DB instance, not a volume (`volumeId` is then `rds:<identifier>`). */
  readonly resource?: RdsResourceRef;
}

/**
 * The unaided volume's throttling, replayed from observed demand through its own bucket
 * (lambda/core/decision/shadow-throttling.ts). Each write holds the whole tally up to
 * `throughEpochSeconds`, so a later scan counts only datapoints starting at or after it and a
 * stale write can never add twice.
 */
export interface ShadowThrottling {
  /** End of the newest datapoint counted (its timestamp + period). */
  readonly throughEpochSeconds: number;
  /** The unaided bucket's credits then: I/O credits for gp2, MiB for st1/sc1. */
  readonly credits: number;
  /** Seconds the unaided bucket was empty while the datapoint's demand exceeded the baseline. */
  readonly throttledSeconds: number;
  /** Demand the unaided volume would have deferred then: above its baseline, up to its burst ceiling (I/Os for gp2, MiB for st1/sc1). */
  readonly deferredUnits: number;
  /** Datapoints counted. */
  readonly datapoints: number;
}

/** The RDS DB instance a record or event is about (issue 15 part 2). */
export interface RdsResourceRef {
  readonly kind: 'rds';
  readonly identifier: string;
  readonly engine?: string;
}

/** Kinds of events in the history. */
export type HistoryEventKind =
  | 'alert'
  | 'alert-cleared'
  | 'rescue'
  | 'revert'
  | 'blocked'
  | 'failure'
  | 'recommendation'
  | 'round-trip'
  /** Someone else modified the volume (DescribeVolumesModifications showed a modification the ledger lacked). */
  | 'external-modification';

/** One immutable line of a volume's history. */
export interface HistoryEvent {
  /**
   * The volume; `rds:<identifier>` for an RDS DB instance; the bare instance id (`i-…`, see
   * core/instance-keys.ts) for an alert about an EC2 instance's own EBS burst bucket.
   */
  readonly volumeId: string;
  readonly tEpochSeconds: number;
  readonly kind: HistoryEventKind;
  readonly runId: string;
  readonly summary: string;
  /** JSON-serializable details (forecast, decision, costs). */
  readonly details: Readonly<Record<string, unknown>>;
  /** Account and region of the volume (stamped by `withOrigin`; absent on events written before). */
  readonly accountId?: string;
  readonly region?: string;
  /** Set when the event is about an RDS DB instance (`volumeId` is then `rds:<identifier>`). */
  readonly resource?: RdsResourceRef;
}

/** An AWS account as people name it: the 12-digit id and, when known, a name (`prod-payments`). */
export interface AccountIdentity {
  readonly id: string;
  readonly name?: string;
}

/** Per-volume notification state, for dedup and escalation; `version` guards concurrent writers. */
export interface NotificationState {
  readonly volumeId: string;
  readonly open: boolean;
  readonly lastEvent: NotificationEvent;
  readonly lastSeverity: NotificationSeverity;
  readonly lastSentEpochSeconds: number;
  readonly lastSecondsToEmpty?: number;
  /** When the last early warning was sent, and its time to empty: the daily dedup (issue 16). */
  readonly lastEarlyWarningEpochSeconds?: number;
  readonly lastEarlyWarningSecondsToEmpty?: number;
  readonly version: number;
}

/** The fields a status move may set. */
export type ModificationPatch = Partial<
  Pick<ModificationRecord, 'status' | 'completedEpochSeconds' | 'statusMessage' | 'firstBurstBalanceAfterPercent' | 'awsStartEpochSeconds' | 'retryAfterEpochSeconds' | 'reconcileMisses' | 'shadowThrottling'>
>;

/** When a modification began: AWS's StartTime when known, else the writer's clock. */
export function startOf(record: Pick<ModificationRecord, 'awsStartEpochSeconds' | 'requestedEpochSeconds'>): number {
  return record.awsStartEpochSeconds ?? record.requestedEpochSeconds;
}

/**
 * The flip history and modification ledger (DynamoDB, or memory in the simulator). Writes are
 * conditional: nothing is ever overwritten, and two scans can never hold an open intent for the
 * same volume at once.
 */
export interface HistoryStore {
  /** Appends an event; throws `HistoryConflictError` if the same (volume, time, kind, run) exists. */
  appendEvent(event: HistoryEvent): Promise<void>;
  /**
   * Records the intent to modify before ModifyVolume is called. Throws `HistoryConflictError` when
   * the volume already has an open (intent/modifying/optimizing) modification.
   */
  putIntent(record: ModificationRecord): Promise<void>;
  /**
   * Moves a modification to a new status; throws `HistoryConflictError` if its status is not
   * `expectedStatus`, or if the patch carries a `shadowThrottling` not newer (by `throughEpochSeconds`)
   * than the stored one: a tally never moves backwards.
   */
  updateModification(
    volumeId: string,
    modificationId: string,
    expectedStatus: ModificationRecordStatus,
    patch: ModificationPatch,
  ): Promise<void>;
  /** A volume's modifications, oldest first, optionally since a time. */
  listModifications(volumeId: string, sinceEpochSeconds?: number): Promise<ModificationRecord[]>;
  /** Every modification still `intent`, `modifying` or `optimizing`, across volumes. */
  listOpenModifications(): Promise<ModificationRecord[]>;
  /** A volume's events, oldest first. */
  listEvents(volumeId: string, range?: { readonly sinceEpochSeconds?: number; readonly untilEpochSeconds?: number }): Promise<HistoryEvent[]>;
  /** Every event and modification in a UTC calendar month `YYYY-MM` (finance's query). */
  listMonth(month: string): Promise<{ events: HistoryEvent[]; modifications: ModificationRecord[] }>;
  getNotificationState(volumeId: string): Promise<NotificationState | undefined>;
  /** Writes the state if the stored version is `state.version - 1` (or absent when `version` is 1). */
  putNotificationState(state: NotificationState): Promise<void>;
  /**
   * Optional: in one read, every modification a decision may need (at least every record of every
   * volume that is not settled: see `isLedgerSettled`) and every open notification state. Without
   * it the scan reads the ledger and notification state volume by volume.
   */
  readLedger?(): Promise<LedgerSnapshot>;
  /** Optional: takes a settled volume's records out of what `readLedger` returns (they stay in the history). */
  settleLedger?(volumeId: string, records: readonly ModificationRecord[]): Promise<void>;
  /** Optional: where the last scan that ran out of time stopped. */
  getScanCursor?(): Promise<ScanCursor | undefined>;
  /** Optional: records where this scan stopped (overwrites the previous cursor: it is a position, not history). */
  putScanCursor?(cursor: ScanCursor): Promise<void>;
  /** Optional: the volumes the last scan found busy (read every scan; the quiet ones less often). */
  getBusyVolumes?(): Promise<BusyVolumes | undefined>;
  /** Optional: replaces the busy set. */
  putBusyVolumes?(busy: BusyVolumes): Promise<void>;
  /** Optional: adds one scan's measured usage to its account's, region's and UTC day's counters (atomic ADD: nothing is overwritten). */
  recordUsage?(usage: ScanUsage): Promise<void>;
  /** Optional: every usage day recorded in a UTC month `YYYY-MM` (finance's running cost). */
  listUsage?(month: string): Promise<UsageDay[]>;
}

/** The adaptive cadence's state: volumes to read every scan, and when the set was written. */
export interface BusyVolumes {
  readonly volumeIds: ReadonlySet<string>;
  /** Slow volumes (not full, far from empty): read every n (> 1) scans. Absent = none. */
  readonly everyScans?: ReadonlyMap<string, number>;
  readonly writtenEpochSeconds: number;
}

/** What `HistoryStore.readLedger` returns. */
export interface LedgerSnapshot {
  readonly modifications: readonly ModificationRecord[];
  readonly openNotifications: readonly NotificationState[];
}

/** A scan that ran out of time stopped after this volume (in volume-id order); the next resumes after it. */
export interface ScanCursor {
  readonly afterVolumeId: string;
  readonly runId: string;
  readonly tEpochSeconds: number;
  /** Volumes left unscanned when it stopped. */
  readonly volumesDeferred: number;
}
