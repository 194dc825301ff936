/**
 * `BurstGuardian`: the whole guardian as one reusable construct — scan and modification-event
 * functions, schedule, event rule, alert topic, history table, failure queue, alarms and dashboard.
 */
import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { PROBE_NAMESPACE } from '../lambda/shared/probe-metric-names';
import { GuardianAlarms, HEARTBEAT_MISSED_INTERVALS } from './guardian-alarms';
import { GuardianChatbot } from './guardian-chatbot';
import { GuardianDashboard } from './guardian-dashboard';
import { GuardianFunction } from './guardian-function';
import { GuardianPolicyParameter } from './guardian-policy-parameter';
import { GUARDIAN_METRICS_NAMESPACE, GUARDIAN_SERVICE_NAME } from '../lambda/shared/guardian-metric-names';
import { grantEventPermissions, grantScanPermissions } from './guardian-permissions';
import { heartbeatPeriodSeconds, parseScanSchedule } from './guardian-schedule';
import { GuardianTopic } from './guardian-topic';
import { createHistoryTable } from './history-table';
import { validateGuardianProps, type BurstGuardianProps } from './guardian-props';

export type { BurstGuardianProps } from './guardian-props';

/** Retries of a failed asynchronous invoke before it goes to the failure queue (0–2). */
const ASYNC_RETRY_ATTEMPTS = 2;

/** The guardian: everything `cdk deploy` puts in an account. */
export class BurstGuardian extends Construct {
  /** The DynamoDB history table (events, modifications, ledger locks). */
  readonly table: dynamodb.Table;
  /** Where alerts and alarm notifications go. */
  readonly topic: sns.ITopic;
  /** The non-paging topic: early warnings, actions taken, recoveries (issue 16). */
  readonly noticeTopic: sns.ITopic;
  /** Failure destination of both functions' async invokes and DLQ of the rules and the e-mail subscription. */
  readonly failureQueue: sqs.Queue;
  /** The scheduled scan. */
  readonly scanFunction: GuardianFunction;
  /** The modifyVolume event handler. */
  readonly eventFunction: GuardianFunction;
  /** The alarms. */
  readonly alarms: GuardianAlarms;
  /** The dashboard. */
  readonly dashboard: GuardianDashboard;
  /** The Slack/Teams channels, when `chatbot` is set. */
  readonly chatbot?: GuardianChatbot;
  /** The policy's runtime home in Parameter Store, when `policyText` was given. */
  readonly policyParameter?: GuardianPolicyParameter;

  constructor(scope: Construct, id: string, props: BurstGuardianProps) {
    super(scope, id);
    validateGuardianProps(props);
    const schedule = parseScanSchedule(props.schedule ?? props.policy.schedule, props.scanIntervalSeconds);
    const metricsNamespace = props.metricsNamespace ?? GUARDIAN_METRICS_NAMESPACE;
    const probeNamespace = props.probeNamespace ?? PROBE_NAMESPACE;
    const scanTimeout = props.scanTimeout ?? Duration.minutes(5);
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    this.table = createHistoryTable(this, 'HistoryTable', { removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN });
    this.failureQueue = this.createFailureQueue();
    this.topic = props.alertTopic ?? new GuardianTopic(this, 'Alerts').topic;
    if (props.alertEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail, { deadLetterQueue: this.failureQueue }));
    }
    // Issue 16: pages go to `topic` (wire PagerDuty/Opsgenie), early warnings and notices here (email, Slack).
    this.noticeTopic = props.noticeTopic ?? new GuardianTopic(this, 'Notices').topic;
    if (props.noticeEmail !== undefined) {
      this.noticeTopic.addSubscription(new subscriptions.EmailSubscription(props.noticeEmail, { deadLetterQueue: this.failureQueue }));
    }
    // Named from the stack so the functions can link to it: a generated name would make the
    // dashboard (which graphs the functions) and the functions depend on each other.
    const dashboardName = Fn.join('-', [Aws.STACK_NAME, Aws.REGION, 'burst-guardian', this.node.addr.slice(0, 8)]);
    if (props.chatbot !== undefined) this.chatbot = new GuardianChatbot(this, 'Chatbot', { ...props.chatbot, topic: this.topic, noticeTopic: this.noticeTopic });
    this.policyParameter = props.policyText === undefined ? undefined : new GuardianPolicyParameter(this, 'Policy', { text: props.policyText });
    const functions = this.createFunctions(props, { metricsNamespace, probeNamespace, scanTimeout, logRetention, dashboardName });
    this.scanFunction = functions.scan;
    this.eventFunction = functions.event;
    this.wireInvocations(schedule.expression, Duration.seconds(Math.max(60, schedule.intervalSeconds)));
    this.alarms = new GuardianAlarms(this, 'Alarms', {
      scanFunction: this.scanFunction.function,
      eventFunction: this.eventFunction.function,
      failureQueue: this.failureQueue,
      topic: this.topic,
      metricsNamespace,
      heartbeatPeriodSeconds: heartbeatPeriodSeconds(schedule, HEARTBEAT_MISSED_INTERVALS),
      watchPolicyLoads: this.policyParameter !== undefined,
    });
    this.dashboard = new GuardianDashboard(this, 'Dashboard', {
      scanFunction: this.scanFunction.function,
      eventFunction: this.eventFunction.function,
      failureQueue: this.failureQueue,
      metricsNamespace,
      probeNamespace,
      alarms: this.alarms.all(),
      dashboardName,
    });
  }

  /** Both functions with their environment and least-privilege grants. */
  private createFunctions(
    props: BurstGuardianProps,
    settings: { metricsNamespace: string; probeNamespace: string; scanTimeout: Duration; logRetention: logs.RetentionDays; dashboardName: string },
  ): { scan: GuardianFunction; event: GuardianFunction } {
    const { metricsNamespace, probeNamespace, scanTimeout, logRetention } = settings;
    const environment = {
      TABLE_NAME: this.table.tableName,
      TOPIC_ARN: this.topic.topicArn,
      NOTICE_TOPIC_ARN: this.noticeTopic.topicArn,
      METRICS_NAMESPACE: metricsNamespace,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      PROBE_NAMESPACE: probeNamespace,
      // Figures from the AWS Price List Query API, cached per container; the bundled table when unreachable.
      PRICE_SOURCE: 'price-list-api',
      POWERTOOLS_SERVICE_NAME: GUARDIAN_SERVICE_NAME,
      DASHBOARD_NAME: settings.dashboardName,
      ...this.policyParameter?.environment(),
      ...(props.accountName === undefined ? {} : { ACCOUNT_NAME: props.accountName }),
    };
    const permissionTargets = { policy: props.policy, table: this.table, topic: this.topic, noticeTopic: this.noticeTopic };
    const scan = new GuardianFunction(this, 'Scan', {
      entry: 'lambda/handlers/scan.ts',
      description: 'ebs-burst-guardian scheduled scan',
      policy: props.policy,
      environment,
      // docs/scan-benchmark.md (bench:scan, V8 heap capped at this size): 50,000 volumes peak at
      // 424–472 MB RSS (≈ 220 MB of it dev tooling the bundle does not carry), slowest scan 85–96 s;
      // 1,024 MB keeps > 2× headroom for about $4 a month. Past the timeout the scan stops in time
      // and resumes where it stopped.
      memorySizeMiB: props.scanMemorySizeMiB ?? 1024,
      timeout: scanTimeout,
      logRetention,
      // One scan at a time: an overlapping scan would race the modification ledger.
      reservedConcurrentExecutions: 1,
    });
    grantScanPermissions(scan, permissionTargets);
    this.policyParameter?.grantRead(scan.role);
    const event = new GuardianFunction(this, 'ModificationEvent', {
      entry: 'lambda/handlers/modification-event.ts',
      description: 'ebs-burst-guardian modifyVolume event handler',
      policy: props.policy,
      environment,
      memorySizeMiB: 512,
      timeout: Duration.minutes(1),
      logRetention,
    });
    grantEventPermissions(event, permissionTargets);
    this.policyParameter?.grantRead(event.role);
    return { scan, event };
  }

  private createFailureQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = 'This queue is itself the dead-letter destination (Lambda on-failure, EventBridge target DLQ, SNS subscription DLQ); a DLQ of a DLQ adds nothing. The DeadLetters alarm watches it.';
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
    return queue;
  }

  /** Schedule → scan and modifyVolume events → handler, both async with retries, failures to the queue. */
  private wireInvocations(scheduleExpression: string, maxEventAge: Duration): void {
    // A scan older than one interval is superseded by the next scheduled one.
    const scanAge = Duration.seconds(Math.min(maxEventAge.toSeconds(), 6 * 3600));
    for (const [fn, age] of [[this.scanFunction, scanAge], [this.eventFunction, Duration.hours(6)]] as const) {
      fn.function.configureAsyncInvoke({ onFailure: new SqsDestination(this.failureQueue), retryAttempts: ASYNC_RETRY_ATTEMPTS, maxEventAge: age });
    }
    const targetOptions = { deadLetterQueue: this.failureQueue, retryAttempts: ASYNC_RETRY_ATTEMPTS };
    new events.Rule(this, 'ScanSchedule', {
      description: 'ebs-burst-guardian: run the scan',
      schedule: events.Schedule.expression(scheduleExpression),
      targets: [new targets.LambdaFunction(this.scanFunction.function, { ...targetOptions, maxEventAge: scanAge })],
    });
    // Best effort, a hint to look (DESIGN.md §2): https://docs.aws.amazon.com/ebs/latest/userguide/ebs-cloud-watch-events.html
    new events.Rule(this, 'ModifyVolumeEvents', {
      description: 'ebs-burst-guardian: EBS modifyVolume notifications',
      eventPattern: { source: ['aws.ec2'], detailType: ['EBS Volume Notification'], detail: { event: ['modifyVolume'] } },
      targets: [new targets.LambdaFunction(this.eventFunction.function, { ...targetOptions, maxEventAge: Duration.hours(6) })],
    });
  }
}
