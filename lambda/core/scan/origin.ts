/**
 * Where a scan runs: its account and region, given by the handler as data (the Lambda's ARN and
 * `AWS_REGION`). `withOrigin` stamps them on every event and intent the scan writes, so one
 * organization-wide history can say whose volume each record is about.
 */
import type { AccountIdentity, HistoryEvent, HistoryStore, ModificationRecord, Notifier } from '../ports';

/** The account and region one guardian watches. */
export interface ScanOrigin {
  readonly account: AccountIdentity;
  readonly region: string;
}

/** The scan's dependencies with the history store and the notifier stamping the origin. */
export function withOriginDeps<D extends { readonly history: HistoryStore; readonly notifier: Notifier; readonly origin?: ScanOrigin }>(deps: D): D {
  const origin = deps.origin;
  if (origin === undefined) return deps;
  const notifier: Notifier = { notify: (n) => deps.notifier.notify({ ...n, account: origin.account, region: n.region ?? origin.region }) };
  return { ...deps, history: withOrigin(deps.history, origin), notifier };
}

/** The history store with `accountId` and `region` added to every new event and modification. */
export function withOrigin(history: HistoryStore, origin: ScanOrigin | undefined): HistoryStore {
  if (origin === undefined) return history;
  const stamp = { accountId: origin.account.id, region: origin.region };
  return {
    appendEvent: (event: HistoryEvent) => history.appendEvent({ ...event, ...stamp }),
    putIntent: (record: ModificationRecord) => history.putIntent({ ...record, ...stamp }),
    updateModification: (...args) => history.updateModification(...args),
    listModifications: (...args) => history.listModifications(...args),
    listOpenModifications: () => history.listOpenModifications(),
    listEvents: (...args) => history.listEvents(...args),
    listMonth: (month) => history.listMonth(month),
    getNotificationState: (volumeId) => history.getNotificationState(volumeId),
    putNotificationState: (state) => history.putNotificationState(state),
    // The optional scan-state methods pass through as they are (absent stays absent): the ledger
    // read, the resume cursor and the cadence's busy set (fleet-loop.ts).
    ...(history.readLedger === undefined ? {} : { readLedger: history.readLedger.bind(history) }),
    ...(history.settleLedger === undefined ? {} : { settleLedger: history.settleLedger.bind(history) }),
    ...(history.getScanCursor === undefined ? {} : { getScanCursor: history.getScanCursor.bind(history) }),
    ...(history.putScanCursor === undefined ? {} : { putScanCursor: history.putScanCursor.bind(history) }),
    ...(history.getBusyVolumes === undefined ? {} : { getBusyVolumes: history.getBusyVolumes.bind(history) }),
    ...(history.putBusyVolumes === undefined ? {} : { putBusyVolumes: history.putBusyVolumes.bind(history) }),
    ...optionalUsage(history, stamp),
  };
}

/** The account id in a Lambda function ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), if it is one. */
export function accountOfFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The usage methods, when the store has them; recorded usage carries the origin like every record. */
export function optionalUsage(history: HistoryStore, stamp?: { readonly accountId: string; readonly region: string }): Pick<HistoryStore, 'recordUsage' | 'listUsage'> {
  const record = history.recordUsage?.bind(history);
  return {
    ...(record === undefined ? {} : { recordUsage: (usage) => record(stamp === undefined ? usage : { ...usage, ...stamp }) }),
    ...(history.listUsage === undefined ? {} : { listUsage: history.listUsage.bind(history) }),
  };
}
