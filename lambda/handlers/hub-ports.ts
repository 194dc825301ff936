/**
 * A spoke's ports also feed the hub: every event and modification the guardian records in its own
 * table is copied to the central table, and every notification is also published to the central
 * topic. The spoke's own write always comes first and decides the outcome; a failed copy never
 * fails the scan (the guardian must not stop because the hub is unreachable): it is logged and
 * counted as `HubWriteErrors` (alarmed in the spoke, lib/guardian-spoke-stack.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HubHistoryWriter } from '../aws/hub-history-writer';
import { SnsNotifier } from '../aws/sns-notifier';
import type { HistoryStore, Notifier } from '../core/ports';
import { boundHistoryStore } from '../core/scan/origin';
import { HUB_ENV, HUB_WRITE_ERRORS_METRIC } from '../shared/hub-history';
import { SDK_REQUEST_HANDLER, SDK_RETRY, type AwsPorts } from './wiring';

/** Where the copies go, and who hears about a failed one. */
export interface HubSinks {
  readonly writer: Pick<HubHistoryWriter, 'putEvent' | 'putModification' | 'updateModification'> & Partial<Pick<HubHistoryWriter, 'addUsage'>>;
  readonly notifier: Notifier;
  readonly logger: Pick<Logger, 'warn'>;
  readonly metrics: Pick<Metrics, 'addMetric'>;
  /** The client writing the hub table, so the guardian's running cost counts the copies' units too. */
  readonly dynamoClient?: DynamoDBDocumentClient;
}

/** The ports with the hub copies added. */
export function withHub(ports: AwsPorts, hub: HubSinks): AwsPorts {
  const copy = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      hub.logger.warn('hub copy failed (the guardian goes on)', { what, error: error instanceof Error ? error.message : String(error) });
      hub.metrics.addMetric(HUB_WRITE_ERRORS_METRIC, MetricUnit.Count, 1);
    }
  };
  const local = ports.history;
  const history: HistoryStore = {
    ...boundHistoryStore(local),
    appendEvent: async (event) => {
      await local.appendEvent(event);
      await copy('event', () => hub.writer.putEvent(event));
    },
    putIntent: async (record) => {
      await local.putIntent(record);
      await copy('intent', () => hub.writer.putModification(record));
    },
    updateModification: async (volumeId, modificationId, expectedStatus, patch) => {
      await local.updateModification(volumeId, modificationId, expectedStatus, patch);
      await copy('modification update', () => hub.writer.updateModification(volumeId, modificationId, patch));
    },
    ...usageWithHub(local, hub, copy),
  };
  const notifier: Notifier = {
    notify: async (notification) => {
      await ports.notifier.notify(notification);
      await copy('notification', () => hub.notifier.notify(notification));
    },
  };
  return { ...ports, history, notifier };
}

/** The hub sinks from the spoke's environment, or undefined outside an organization deployment. */
export function hubSinksFromEnv(env: Readonly<Record<string, string | undefined>>, report: Pick<HubSinks, 'logger' | 'metrics'>): HubSinks | undefined {
  const table = env[HUB_ENV.tableName];
  const topicArn = env[HUB_ENV.topicArn];
  const hubRegion = env[HUB_ENV.tableRegion];
  const accountId = env[HUB_ENV.spokeAccount];
  const region = env.AWS_REGION;
  if (!table || !topicArn || !hubRegion || !accountId || !region) return undefined;
  // The same timeouts and retries as the guardian's own clients: a hung hub must not hold the scan.
  const base = { region: hubRegion, requestHandler: SDK_REQUEST_HANDLER, ...SDK_RETRY };
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(base), { marshallOptions: { removeUndefinedValues: true } });
  return {
    writer: new HubHistoryWriter({ client: dynamo, tableName: table, accountId, region }),
    dynamoClient: dynamo,
    notifier: new SnsNotifier({ client: new SNSClient(base), topicArn }),
    ...report,
  };
}

/** The spoke's usage counter, copied to the hub's counter of the same account, region and day. */
function usageWithHub(local: HistoryStore, hub: HubSinks, copy: (what: string, action: () => Promise<void>) => Promise<void>): Pick<HistoryStore, 'recordUsage'> {
  const record = local.recordUsage?.bind(local);
  const addUsage = hub.writer.addUsage?.bind(hub.writer);
  if (record === undefined) return {};
  return {
    recordUsage: async (usage) => {
      await record(usage);
      if (addUsage !== undefined) await copy('usage', () => addUsage(usage));
    },
  };
}
