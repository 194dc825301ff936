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
    ...boundHistoryStore(history),
    appendEvent: (event: HistoryEvent) => history.appendEvent({ ...event, ...stamp }),
    putIntent: (record: ModificationRecord) => history.putIntent({ ...record, ...stamp }),
    ...optionalUsage(history, stamp),
  };
}

/**
 * The store's methods bound to it, for wrappers that replace a few (`withOrigin`, the hub copies):
 * the optional ones (ledger read, cursor, busy set, usage) only when it has them, absent staying
 * absent (fleet-loop.ts tells a store without them by their absence).
 */
export function boundHistoryStore(store: HistoryStore): HistoryStore {
  const optional = (['readLedger', 'settleLedger', 'getScanCursor', 'putScanCursor', 'getBusyVolumes', 'putBusyVolumes', 'listUsage', 'recordUsage'] as const).flatMap((key) => {
    const method = store[key];
    return method === undefined ? [] : [[key, method.bind(store)]];
  });
  return {
    ...(Object.fromEntries(optional) as Partial<HistoryStore>),
    appendEvent: (e) => store.appendEvent(e),
    putIntent: (r) => store.putIntent(r),
    updateModification: (...args) => store.updateModification(...args),
    listModifications: (...args) => store.listModifications(...args),
    listOpenModifications: () => store.listOpenModifications(),
    listEvents: (...args) => store.listEvents(...args),
    listMonth: (month) => store.listMonth(month),
    getNotificationState: (volumeId) => store.getNotificationState(volumeId),
    putNotificationState: (state) => store.putNotificationState(state),
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
