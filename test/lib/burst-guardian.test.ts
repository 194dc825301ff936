/**
 * The stack `cdk deploy` creates from the default policy, synthesized once with real esbuild
 * bundling and both cdk-nag packs: fine-grained checks of every resource issue 5 asks for.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../bin/app';
import { GUARDIAN_METRICS, GUARDIAN_STAGE_ERROR_METRICS, GUARDIAN_STAGES } from '../../lambda/shared/guardian-metric-names';
import { HISTORY_TABLE_SCHEMA } from '../../lambda/shared/history-table-schema';
import { HISTORY_TABLE_OUTPUT_KEY } from '../../lambda/cli/history-source';
import { reportedViolations, synthTemplate, tempOutdir } from './synth-helpers';

let built: BuiltApp;
let template: Template;
const out = tempOutdir();

beforeAll(() => {
  built = buildApp({ policyPath: 'policy.yaml', outdir: out.dir });
  template = synthTemplate(built.app, built.stack.stackName);
});
afterAll(() => out.dispose());

/** The logical id of the only resource of a type whose properties match. */
function logicalIdOf(type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
}

describe('GuardianStack from the default policy', () => {
  it("is readable by the project's cdk CLI without credentials (CLI and library agree on the assembly schema)", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    delete env.AWS_PROFILE;
    const cli = spawnSync(join('node_modules', '.bin', 'cdk'), ['synth', '-q', '--app', out.dir, '--no-notices', '--no-version-reporting'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(cli.stderr).not.toContain('not compatible');
    expect(cli.status).toBe(0);
  });

  it('passes AwsSolutionsChecks and ServerlessChecks with no unacknowledged finding', () => {
    expect(reportedViolations(out.dir).filter((v) => v.severity !== 'warning')).toEqual([]);
  });

  it('runs the scan on nodejs24.x arm64 with 1024 MB, 5 min, reserved concurrency 1 and X-Ray', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'ebs-burst-guardian scheduled scan',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 300,
      ReservedConcurrentExecutions: 1,
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: Match.anyValue(),
          TOPIC_ARN: Match.anyValue(),
          METRICS_NAMESPACE: 'EbsBurstGuardian',
          PROBE_NAMESPACE: 'EbsBurstGuardian/Probe',
          PRICE_SOURCE: 'price-list-api',
          POWERTOOLS_SERVICE_NAME: 'ebs-burst-guardian',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('bundles each handler locally as one minified ESM file with a source map', () => {
    // The code's S3 key is `<asset hash>.zip`; the staged bundle sits in `asset.<hash>` of the assembly.
    const assetDirs = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((r) => (r as { Properties: { Code: { S3Key?: string } } }).Properties.Code.S3Key)
      .filter((key): key is string => typeof key === 'string')
      .map((key) => `asset.${key.replace(/\.zip$/, '')}`);
    expect(assetDirs).toHaveLength(2);
    for (const dir of assetDirs) {
      const bundle = readFileSync(join(out.dir, dir, 'index.mjs'), 'utf8');
      expect(existsSync(join(out.dir, dir, 'index.mjs.map'))).toBe(true);
      expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      // Issue 5's budget for one function bundle; `npm run measure:bundle` prints the exact figures.
      expect(Buffer.byteLength(bundle)).toBeLessThan(1.5 * 1024 * 1024);
      // The default policy does not watch RDS: no RDS client in either bundle (lambda/handlers/scan.ts).
      expect(bundle).not.toContain('com.amazonaws.rds');
      // Minified: a few very long lines (template literals keep their own newlines, so no stricter test).
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(200);
    }
  });

  it('keeps logs for 90 days in a log group per function', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 2);
  });

  it('sends failed async invokes to the encrypted failure queue after 2 retries', () => {
    const queue = logicalIdOf('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventInvokeConfig',
      { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } } },
      2,
    );
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it("schedules the scan with the policy's expression, retries and a dead-letter queue", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: built.policy.schedule,
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 }, DeadLetterConfig: Match.anyValue() })],
    });
  });

  it('routes EBS modifyVolume notifications to the event handler', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ec2'], 'detail-type': ['EBS Volume Notification'], detail: { event: ['modifyVolume'] } },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })],
    });
  });

  /** The topic created by the `GuardianTopic` with this construct id (`Alerts` pages, `Notices` informs). */
  function topicIdOf(construct: 'Alerts' | 'Notices'): string {
    const ids = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => id.includes(construct));
    expect(ids).toHaveLength(1);
    return ids[0] ?? '';
  }

  /** The KMS key that encrypts the topic. */
  function keyIdOf(topicId: string): string {
    const topic = template.findResources('AWS::SNS::Topic')[topicId] as { Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [string, string] } } };
    return topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
  }

  it.each(['Alerts', 'Notices'] as const)('encrypts the %s topic with its own rotated key CloudWatch alarms of this account may use, and denies non-TLS publishing', (construct) => {
    const topic = topicIdOf(construct);
    const keyId = keyIdOf(topic);
    const key = template.findResources('AWS::KMS::Key')[keyId] as { DeletionPolicy: string; Properties: Record<string, unknown> };
    expect(key.DeletionPolicy).toBe('Delete');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 7 });
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
    };
    // The stack's topic policy replaces SNS's default one: without this Allow no alarm could publish.
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          { Sid: 'AllowCloudWatchAlarmsToPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topic }, Condition: fromOurAlarms },
        ]),
      },
    });
    expect((key.Properties['KeyPolicy'] as { Statement: unknown[] }).Statement).toContainEqual(
      { Sid: 'AllowCloudWatchAlarmsToUseKey', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: fromOurAlarms },
    );
  });

  it('creates two topics: pages and the non-paging notices, each passed to the functions and output', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'ebs-burst-guardian scheduled scan',
      Environment: { Variables: Match.objectLike({ TOPIC_ARN: { Ref: topicIdOf('Alerts') }, NOTICE_TOPIC_ARN: { Ref: topicIdOf('Notices') } }) },
    });
    template.hasOutput('NoticeTopicArn', { Value: { Ref: topicIdOf('Notices') } });
    template.hasOutput('AlertTopicArn', { Value: { Ref: topicIdOf('Alerts') } });
  });

  it('lets no other service principal publish or use the keys (no EventBridge rule targets either topic)', () => {
    const principals = (statements: Record<string, unknown>[]) => statements.map((s) => JSON.stringify(s.Principal)).filter((p) => p.includes('Service'));
    const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
    const keyPolicies = Object.values(template.findResources('AWS::KMS::Key')) as { Properties: { KeyPolicy: { Statement: Record<string, unknown>[] } } }[];
    expect(topicPolicies).toHaveLength(2);
    expect(keyPolicies).toHaveLength(2);
    for (const p of topicPolicies) expect(principals(p.Properties.PolicyDocument.Statement)).toEqual(['{"Service":"cloudwatch.amazonaws.com"}']);
    for (const k of keyPolicies) expect(principals(k.Properties.KeyPolicy.Statement)).toEqual(['{"Service":"cloudwatch.amazonaws.com"}']);
    const ruleTargets = JSON.stringify(Object.values(template.findResources('AWS::Events::Rule')).map((r) => (r as { Properties: { Targets: unknown } }).Properties.Targets));
    for (const topic of Object.keys(template.findResources('AWS::SNS::Topic'))) expect(ruleTargets).not.toContain(topic);
  });

  it('creates the history table from the shared schema: on demand, PITR, deletion protection, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: HISTORY_TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: HISTORY_TABLE_SCHEMA.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: HISTORY_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    });
  });

  it('outputs the table name under the key the report CLI looks for, and the probe artifacts', () => {
    template.hasOutput(HISTORY_TABLE_OUTPUT_KEY, { Value: Match.anyValue() });
    for (const key of ['AlertTopicArn', 'FailureQueueUrl', 'ProbeLayerVersionArnX8664', 'ProbeLayerVersionArnArm64', 'ProbeInstallDocumentName', 'ProbeInstancePolicyArn']) {
      template.hasOutput(key, { Value: Match.anyValue() });
    }
  });
});

/**
 * `dynamodb:<Operation>` for every `<Operation>Command` the history store's files send: read from the
 * source, so a command added to the store fails the IAM test until the role is granted it.
 */
function dynamoActionsTheStoreSends(): Set<string> {
  const files = readdirSync('lambda/aws').filter((f) => f === 'dynamodb-history-store.ts' || f.startsWith('history-'));
  const source = files.map((f) => readFileSync(join('lambda/aws', f), 'utf8')).join('\n');
  return new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => `dynamodb:${DOCUMENT_COMMAND_ACTIONS[m[1] ?? ''] ?? m[1]}`));
}

/** lib-dynamodb command → IAM action (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html). */
const DOCUMENT_COMMAND_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  Query: 'Query',
  Scan: 'Scan',
};

/** The statements of the DefaultPolicy attached to the role of the function with this description. */
function statementsOf(description: string): Record<string, unknown>[] {
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: Match.objectLike({ Description: description }) }))[0];
  const roleId = (fn as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }).Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: Match.objectLike({ Roles: [{ Ref: roleId }] }) }));
  expect(policies).toHaveLength(1);
  return (policies[0] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
}

describe('least-privilege IAM', () => {
  const volumeArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':volume/*']] };

  it("allows ec2:ModifyVolume only on volumes carrying the policy's opt-in tag", () => {
    expect(statementsOf('ebs-burst-guardian scheduled scan')).toContainEqual({
      Sid: 'ModifyManagedVolumes',
      Effect: 'Allow',
      Action: 'ec2:ModifyVolume',
      Resource: volumeArn,
      Condition: { StringEquals: { 'aws:ResourceTag/burst-guardian': 'managed' } },
    });
  });

  it('allows describe and GetMetricData on * (no resource-level permissions exist) and no PutMetricData (metrics are EMF log lines)', () => {
    const statements = statementsOf('ebs-burst-guardian scheduled scan');
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications', 'ec2:DescribeInstances'], Resource: '*' }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'cloudwatch:GetMetricData', Resource: '*' }));
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'ReadListPrices', Action: 'pricing:GetProducts', Resource: '*' }));
    for (const fn of ['ebs-burst-guardian scheduled scan', 'ebs-burst-guardian modifyVolume event handler']) {
      expect(JSON.stringify(statementsOf(fn))).not.toContain('cloudwatch:PutMetricData');
    }
  });

  it('publishes only to its topic, with only the topic key', () => {
    const statements = statementsOf('ebs-burst-guardian scheduled scan');
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(2);
    const published = statements.filter((s) => s.Action === 'sns:Publish').map((s) => JSON.stringify(s.Resource));
    expect(published.sort()).toEqual(topics.map((t) => JSON.stringify({ Ref: t })).sort());
    for (const topic of topics) {
      const key = (template.findResources('AWS::SNS::Topic')[topic] as { Properties: { KmsMasterKeyId: unknown } }).Properties.KmsMasterKeyId;
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: key }));
    }
  });

  it.each(['ebs-burst-guardian scheduled scan', 'ebs-burst-guardian modifyVolume event handler'])(
    'gives the %s exactly the DynamoDB actions the history store sends: items on the table, Query on it and its named indexes',
    (description) => {
      const statements = statementsOf(description);
      const table = logicalIdOf('AWS::DynamoDB::Table');
      const arn = { 'Fn::GetAtt': [table, 'Arn'] };
      const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
      expect(dynamo).toEqual([
        { Sid: 'HistoryItems', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: arn },
        {
          Sid: 'HistoryQueries',
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: [arn, ...HISTORY_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({ 'Fn::Join': ['', [arn, `/index/${index.indexName}`]] }))],
        },
      ]);
      const granted = new Set(dynamo.flatMap((s) => [s.Action].flat() as string[]));
      expect([...granted].sort()).toEqual([...dynamoActionsTheStoreSends()].sort());
    },
  );

  it('gives the event handler no ModifyVolume, GetMetricData, SNS or KMS: it only reconciles', () => {
    const actions = JSON.stringify(statementsOf('ebs-burst-guardian modifyVolume event handler').map((s) => s.Action));
    for (const absent of ['ec2:ModifyVolume', 'cloudwatch:GetMetricData', 'sns:', 'kms:']) expect(actions).not.toContain(absent);
    expect(actions).toContain('ec2:DescribeVolumesModifications');
  });
});

describe('alarms and dashboard', () => {
  it('sends every alarm and its recovery to the paging (alert) topic', () => {
    const ids = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => id.includes('Alerts'));
    expect(ids).toHaveLength(1);
    const topic = { Ref: ids[0] };
    // 5 (scan, event, dead letters, heartbeat, volumes deferred) + one per stage + PolicyLoadErrors (the app stores the policy in Parameter Store).
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] }, 6 + GUARDIAN_STAGES.length);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6 + GUARDIAN_STAGES.length);
  });

  it('alarms when scans defer volumes 3 runs in a row (the fleet no longer fits one scan), on the metric the handler emits', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EbsBurstGuardian',
      MetricName: GUARDIAN_METRICS.volumesDeferred,
      Dimensions: [{ Name: 'service', Value: 'ebs-burst-guardian' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it.each(GUARDIAN_STAGES.map((stage) => [stage, GUARDIAN_STAGE_ERROR_METRICS[stage]]))(
    'alarms on %s errors (%s) of the handlers, silence counting as no errors',
    (stage, metricName) => {
      const runs = stage === 'notify' ? 1 : 2;
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'EbsBurstGuardian',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: 'ebs-burst-guardian' }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: runs,
        DatapointsToAlarm: runs,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('fires the heartbeat when no scan succeeded for 3 intervals, counting silence as a miss', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EbsBurstGuardian',
      MetricName: 'ScanSucceeded',
      Dimensions: [{ Name: 'service', Value: 'ebs-burst-guardian' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on scan errors and on any message in the failure queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1 });
  });

  it('graphs BurstBalance, seconds-to-empty and probe latency with SEARCH expressions', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(body).toContain(`SEARCH('{AWS/EBS,VolumeId} MetricName=\\\\\\"BurstBalance\\\\\\"'`);
    expect(body).toContain('SecondsToEmpty');
    expect(body).toContain('ContainerStartLatencyP90');
    expect(body).toContain('ModificationsRequested');
  });
});
