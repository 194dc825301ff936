/**
 * Shared wiring of the two Lambda handlers (and the `scan` CLI): the embedded policy validated once,
 * SDK clients built once, the ports built from them, and the scan report turned into Powertools
 * metrics. No network happens here: SDK clients connect on their first `send` (STYLE.md §4).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import type { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GUARDIAN_METRICS } from '../shared/guardian-metric-names';
import { addScanMetrics, addStageErrorMetrics, countScanMetricSeries, summarizeReport } from './scan-metrics';
import { PortObserver } from './port-observer';
import { CloudWatchBurstMetricsReader } from '../aws/cloudwatch-burst-metrics-reader';
import { CloudWatchInstanceEbsReader } from '../aws/cloudwatch-instance-ebs-reader';
import { Ec2InstanceTypeReader } from '../aws/ec2-instance-type-reader';
import { DynamoDbHistoryStore } from '../aws/dynamodb-history-store';
import { Ec2VolumeInventory } from '../aws/ec2-volume-inventory';
import { Ec2VolumeModifier } from '../aws/ec2-volume-modifier';
import { SnsNotifier } from '../aws/sns-notifier';
import type { RdsScanPorts } from '../core/scan/rds-scan';
import { PriceListPriceReader, type PriceBookSource } from '../aws/pricing-price-list-reader';
import { routingNotifier } from '../core/notification/route';
import { PolicyValidationError, ScanFailedError } from '../core/errors';
import { PolicySchema, type Policy } from '../core/policy/schema';
import { runScan } from '../core/scan/scan';
import { reconcileOpenModifications } from '../core/scan/reconcile';
import { assessScanWatch } from '../core/scan/watch';
import type { ScanDeps, ScanError, ScanReport } from '../core/scan/types';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmPolicySource, type PolicyTextSource } from '../aws/ssm-policy-source';
import { POLICY_PARAMETER_ENV } from '../shared/policy-parameter';
import { policyForRun, RuntimePolicy } from './runtime-policy';
import { scanOrigin } from './scan-origin';
import { withOrigin } from '../core/scan/origin';
import { hubSinksFromEnv, withHub, type HubSinks } from './hub-ports';
import { DynamoDbCapacityMeter } from '../aws/dynamodb-capacity-meter';
import { recordScanUsage, scanUsageOf } from './scan-usage';

/** The four SDK clients a scan talks through. */
export interface GuardianClients {
  readonly ec2: EC2Client;
  readonly cloudwatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly dynamo: DynamoDBDocumentClient;
  /** Price List Query API client (pinned to us-east-1, one of its endpoints); absent = bundled prices. */
  readonly pricing?: PricingClient;
  /** RDS client for the policy's `rds` section (tests inject a fake); absent = `rds-wiring.ts` builds one when the policy watches RDS. */
  readonly rds?: RDSClient;
}

/** The handlers' environment, as `lib/burst-guardian.ts` sets it. */
export interface GuardianEnvironment {
  readonly tableName: string;
  readonly topicArn: string;
  /** The non-paging topic (issue 16); without it, notices go to `topicArn` too. */
  readonly noticeTopicArn?: string;
  readonly probeNamespace?: string;
  readonly region?: string;
  /** The guardian's CloudWatch dashboard, linked from notifications. */
  readonly dashboardName?: string;
  /** `price-list-api` (PRICE_SOURCE) to price with the AWS Price List Query API; otherwise the bundled table. */
  readonly priceSource?: 'price-list-api' | 'bundled';
  /** The Parameter Store parameter holding the policy text; unset: the embedded policy only. */
  readonly policyParameterName?: string;
}

/**
 * Validates the policy the CDK app embedded as JSON (esbuild `define`), with the same schema as the
 * policy file. JSON has no lines, so each problem reports line 1 and its dotted field path.
 */
export function loadEmbeddedPolicy(json: string | undefined, source = 'embedded policy (GUARDIAN_POLICY_JSON)'): Policy {
  if (json === undefined || json.trim() === '') {
    throw new PolicyValidationError(source, [{ line: 1, column: 1, path: '(root)', message: 'no policy embedded in the bundle' }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new PolicyValidationError(source, [{ line: 1, column: 1, path: '(json)', message: error instanceof Error ? error.message : String(error) }]);
  }
  const result = PolicySchema.safeParse(raw);
  if (result.success) return result.data;
  throw new PolicyValidationError(
    source,
    result.error.issues.map((issue) => ({ line: 1, column: 1, path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
  );
}

/** Reads the handler environment; a missing variable is a deploy bug, so it throws at once. */
export function readGuardianEnvironment(env: Readonly<Record<string, string | undefined>>): GuardianEnvironment {
  const missing = ['TABLE_NAME', 'TOPIC_ARN'].filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) throw new Error(`missing environment variable(s): ${missing.join(', ')}`);
  return {
    tableName: env.TABLE_NAME ?? '',
    topicArn: env.TOPIC_ARN ?? '',
    ...(env.NOTICE_TOPIC_ARN ? { noticeTopicArn: env.NOTICE_TOPIC_ARN } : {}),
    ...(env.PROBE_NAMESPACE ? { probeNamespace: env.PROBE_NAMESPACE } : {}),
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(env.DASHBOARD_NAME ? { dashboardName: env.DASHBOARD_NAME } : {}),
    ...(env.PRICE_SOURCE === 'price-list-api' ? { priceSource: 'price-list-api' as const } : {}),
    ...(env[POLICY_PARAMETER_ENV] ? { policyParameterName: env[POLICY_PARAMETER_ENV] } : {}),
  };
}

/**
 * Per-attempt HTTP timeouts: without them a hung socket holds the scan until the Lambda timeout. Since
 * @smithy/node-http-handler 4.4 `requestTimeout` only warns unless `throwOnRequestTimeout` is set
 * (https://github.com/aws/aws-sdk-js-v3/blob/main/UPGRADING.md); the SDK then retries the attempt.
 */
export const SDK_REQUEST_HANDLER = { connectionTimeout: 3_000, requestTimeout: 20_000, throwOnRequestTimeout: true } as const;

/**
 * The SDK's own retries, and the only ones: `adaptive` mode is standard mode (exponential backoff
 * with jitter, a retry quota that stops retry storms) plus client-side rate limiting that slows this
 * client down when AWS throttles it, for a single-tenant, throttling-heavy, latency-tolerant caller
 * like a scheduled scan (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * 5 attempts per call (the first and 4 retries); a second retry loop on top of the SDK's used to
 * make that up to 12.
 */
export const SDK_RETRY = { retryMode: 'adaptive', maxAttempts: 5 } as const;

/** Builds the SDK clients (no network until the first call). */
export function createGuardianClients(config: { readonly region?: string; readonly profile?: string } = {}): GuardianClients {
  const base = {
    requestHandler: SDK_REQUEST_HANDLER,
    ...SDK_RETRY,
    ...(config.region ? { region: config.region } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
  };
  return {
    ec2: new EC2Client(base),
    cloudwatch: new CloudWatchClient(base),
    sns: new SNSClient(base),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(base), { marshallOptions: { removeUndefinedValues: true } }),
    // The Price List Query API answers only from its own endpoints (us-east-1, ap-south-1), whatever Region is scanned.
    pricing: new PricingClient({ ...base, region: 'us-east-1' }),
  };
}

/** The AWS ports of one scan (everything in `ScanDeps` except the per-run fields). */
export type AwsPorts = Pick<ScanDeps, 'inventory' | 'metrics' | 'modifier' | 'notifier' | 'history' | 'instanceEbs' | 'instanceTypes' | 'rds'>;

/** Builds the RDS ports over the clients (`rds-wiring.ts`, given by the scan handler and CLI only: the event handler's bundle carries no RDS client). */
export type RdsPortsFactory = (clients: GuardianClients, region: string | undefined) => RdsScanPorts;

/** Builds the adapters over the clients (their retries are the clients'); pages and notices go to their own topics. */
export function createAwsPorts(clients: GuardianClients, env: Pick<GuardianEnvironment, 'tableName' | 'topicArn' | 'noticeTopicArn' | 'dashboardName'>): AwsPorts {
  const snsTo = (topicArn: string) => new SnsNotifier({
    client: clients.sns,
    topicArn,
    ...(env.tableName === '' ? {} : { historyTableName: env.tableName }),
    ...(env.dashboardName === undefined ? {} : { dashboardName: env.dashboardName }),
  });
  const pages = snsTo(env.topicArn);
  const notices = env.noticeTopicArn === undefined ? pages : snsTo(env.noticeTopicArn);
  return {
    inventory: new Ec2VolumeInventory({ client: clients.ec2 }),
    metrics: new CloudWatchBurstMetricsReader({ client: clients.cloudwatch }),
    instanceEbs: new CloudWatchInstanceEbsReader({ client: clients.cloudwatch }),
    instanceTypes: new Ec2InstanceTypeReader({ client: clients.ec2 }),
    modifier: new Ec2VolumeModifier({ client: clients.ec2 }),
    notifier: routingNotifier({ page: pages, notice: notices }),
    history: new DynamoDbHistoryStore({ client: clients.dynamo, tableName: env.tableName }),
  };
}

/** Adapts Powertools Logger to the core's structured log sink. */
export function toScanLog(logger: Logger): NonNullable<ScanDeps['log']> {
  return (level, message, fields) => logger[level](message, fields ?? {});
}

/** What the handler factories accept; every field defaults to the real Lambda environment. */
export interface HandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The policy JSON; defaults to `process.env.GUARDIAN_POLICY_JSON`, which esbuild replaces at bundle time. */
  readonly policyJson?: string;
  readonly clients?: () => GuardianClients;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly nowEpochSeconds?: () => number;
  readonly nowMs?: () => number;
  /** Where the runtime policy text comes from; defaults to Parameter Store when `POLICY_PARAMETER_NAME` is set. */
  readonly policySource?: () => PolicyTextSource;
  /** The hub copies of an organization spoke; defaults to the `HUB_*` environment (none when unset). */
  readonly hubSinks?: () => HubSinks;
  /** The RDS ports (policy `rds`); absent = no RDS pass (the event handler). */
  readonly rdsPorts?: RdsPortsFactory;
}

/** One scan run by a handler. */
export interface WiredScanRequest {
  readonly runId: string;
  /** Emit `ScanSucceeded` (the scheduled scan): the heartbeat alarm reads it. */
  readonly heartbeat: boolean;
  /** The invoked function's ARN (Lambda context): its account is the scan's account. */
  readonly functionArn?: string;
  /** The Lambda's `getRemainingTimeInMillis`: the scan stops in time and resumes there next run. */
  readonly remainingTimeMs?: () => number;
}

/** What a reconciliation-only run did. */
export interface ReconcileOutcome {
  readonly reconciled: number;
  readonly errors: readonly ScanError[];
}

interface Wired {
  readonly ports: AwsPorts;
  readonly policy: Policy;
  readonly env: GuardianEnvironment;
  readonly prices?: PriceBookSource;
  readonly runtimePolicy?: RuntimePolicy;
  /** DynamoDB units the guardian's table reported, per scan (the running cost). */
  readonly meter: DynamoDbCapacityMeter;
}

/**
 * Builds a scan runner whose clients and policy are created once, on first use (once per Lambda
 * container), never at import. The run logs a summary and publishes metrics; `ScanSucceeded` only
 * when `assessScanWatch` finds it watched (inventory, metrics, history and notifications worked).
 * It throws `ScanFailedError` when the inventory could not be read (nothing was listed); a run
 * blind in another stage returns normally (what it did, it did) and its silence trips the heartbeat.
 */
export function createWiredScan(options: HandlerOptions = {}): {
  run: (request: WiredScanRequest) => Promise<ScanReport>;
  reconcile: (runId: string, functionArn?: string) => Promise<ReconcileOutcome>;
  logger: Logger;
} {
  const logger = options.logger ?? new Logger();
  const metrics = options.metrics ?? new Metrics();
  const nowMs = options.nowMs ?? (() => Date.now());
  const nowEpochSeconds = options.nowEpochSeconds ?? (() => Math.floor(nowMs() / 1000));
  let wired: Wired | undefined;
  const deps = (): Wired => {
    if (wired !== undefined) return wired;
    const policy = loadEmbeddedPolicy(options.policyJson ?? process.env.GUARDIAN_POLICY_JSON);
    const env = readGuardianEnvironment(options.env ?? process.env);
    const clients = options.clients?.() ?? createGuardianClients(env.region === undefined ? {} : { region: env.region });
    const prices = env.priceSource === 'price-list-api' && clients.pricing !== undefined ? new PriceListPriceReader({ client: clients.pricing }) : undefined;
    const source = options.policySource?.() ?? defaultPolicySource(env);
    const runtimePolicy = source === undefined ? undefined : new RuntimePolicy(policy, source);
    const rds = options.rdsPorts?.(clients, env.region);
    const ports = { ...createAwsPorts(clients, env), ...(rds === undefined ? {} : { rds }) };
    const hub = options.hubSinks?.() ?? hubSinksFromEnv(options.env ?? process.env, { logger, metrics });
    const meter = new DynamoDbCapacityMeter(clients.dynamo);
    if (hub?.dynamoClient !== undefined) meter.attach(hub.dynamoClient);
    wired = {
      ports: hub === undefined ? ports : withHub(ports, hub),
      policy,
      env,
      meter,
      ...(prices === undefined ? {} : { prices }),
      ...(runtimePolicy === undefined ? {} : { runtimePolicy }),
    };
    return wired;
  };
  const run = async (request: WiredScanRequest): Promise<ScanReport> => {
    const { ports, env, prices, meter, ...held } = deps();
    const policy = await policyForRun(held.runtimePolicy, held.policy, { logger, metrics });
    const startedMs = nowMs();
    const observer = new PortObserver();
    const origin = scanOrigin(options.env ?? process.env, request.functionArn);
    const priceRegion = env.region ?? policy.region ?? 'us-east-1';
    // Never fails: an unreachable Price List API gives the bundled book with the reason, logged here.
    const book = prices === undefined ? undefined : await prices.priceBook(priceRegion, nowEpochSeconds());
    if (book?.fallbackReason !== undefined) logger.warn('prices: bundled table used', { region: priceRegion, reason: book.fallbackReason });
    const report = await runScan(
      {
        ...observer.observe(ports),
        policy,
        runId: request.runId,
        log: toScanLog(logger),
        ...(request.remainingTimeMs === undefined ? {} : { remainingTimeMs: request.remainingTimeMs }),
        ...(env.region === undefined ? {} : { region: env.region }),
        ...(book === undefined ? {} : { prices: book }),
        ...(env.probeNamespace === undefined ? {} : { probeNamespace: env.probeNamespace }),
        ...origin,
      },
      nowEpochSeconds(),
    );
    const durationMs = nowMs() - startedMs;
    // The volumes' inventory: an RDS listing that fails is an error of the RDS pass, not a blind scan.
    const inventoryFailed = report.errors.some((e) => e.stage === 'inventory' && e.volumeId === undefined && e.resource === undefined);
    const tallies = observer.tallies();
    const watch = assessScanWatch(tallies);
    const notificationsPublished = tallies.notifications.attempted - tallies.notifications.failed;
    const metricOptions = { durationMs, heartbeat: request.heartbeat && watch.watched, notificationsPublished };
    // Units since the previous take: this scan's, and the previous scan's own usage write.
    const usage = scanUsageOf({ report, ...origin, env: options.env ?? process.env, nowEpochSeconds: nowEpochSeconds(), durationMs, units: meter.take(), metricSeries: countScanMetricSeries(report, metricOptions) });
    const usageError = await recordScanUsage(ports.history, usage, logger);
    addScanMetrics(metrics, usageError === undefined ? report : { ...report, errors: [...report.errors, usageError] }, metricOptions);
    metrics.publishStoredMetrics();
    logger[report.errors.length > 0 ? 'warn' : 'info']('scan finished', { ...summarizeReport(report, durationMs), watch: tallies });
    if (!watch.watched) logger.error('scan could not watch: no ScanSucceeded', { runId: request.runId, reasons: watch.reasons });
    if (inventoryFailed) {
      throw new ScanFailedError(`scan ${request.runId} could not list volumes: ${report.errors.find((e) => e.stage === 'inventory')?.message ?? 'unknown'}`);
    }
    return report;
  };
  // Reconciliation only: DescribeVolumesModifications and the table, the event function's permissions.
  const reconcile = async (runId: string, functionArn?: string): Promise<ReconcileOutcome> => {
    const { ports: unstamped, ...held } = deps();
    // Events reconciliation writes carry the account and region too (core/scan/origin.ts).
    const ports = { ...unstamped, history: withOrigin(unstamped.history, scanOrigin(options.env ?? process.env, functionArn).origin) };
    const policy = await policyForRun(held.runtimePolicy, held.policy, { logger, metrics });
    const errors: ScanError[] = [];
    const reconciled = await reconcileOpenModifications({ ...ports, policy, runId, log: toScanLog(logger) }, nowEpochSeconds(), errors);
    metrics.addMetric(GUARDIAN_METRICS.volumeErrors, MetricUnit.Count, errors.length);
    addStageErrorMetrics(metrics, errors);
    metrics.publishStoredMetrics();
    logger[errors.length > 0 ? 'warn' : 'info']('reconciled', { runId, reconciled, errors });
    return { reconciled, errors };
  };
  return { run, reconcile, logger };
}

function defaultPolicySource(env: GuardianEnvironment): PolicyTextSource | undefined {
  if (env.policyParameterName === undefined) return undefined;
  const client = new SSMClient({ requestHandler: SDK_REQUEST_HANDLER, ...SDK_RETRY, ...(env.region === undefined ? {} : { region: env.region }) });
  return new SsmPolicySource({ client, parameterName: env.policyParameterName });
}
