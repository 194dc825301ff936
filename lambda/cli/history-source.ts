/**
 * Where `history` and `report` read from: the history table named by `--table`, or found in the
 * CloudFormation stack's outputs by `--stack` (the output whose key contains `HistoryTableName`,
 * DescribeStacks: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
 * Clients come from injected factories so tests point them at dynalite and mocks.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbHistoryStore } from '../aws/dynamodb-history-store';
import { errorCode } from '../aws/ec2-errors';
import { HistoryTableNotFoundError, UsageError } from '../core/errors';
import type { HistoryStore } from '../core/ports';

/** Region and profile of the caller's AWS session. */
export interface AwsSessionOptions {
  readonly region?: string;
  readonly profile?: string;
}

/** Client factories (tests inject dynalite-backed and mocked clients). */
export interface HistorySourceDeps {
  readonly documentClient: (session: AwsSessionOptions) => DynamoDBDocumentClient;
  readonly cloudFormation: (session: AwsSessionOptions) => CloudFormationClient;
}

/**
 * Client config for a session: the SDK's `profile` option takes both credentials and region from
 * that profile, as the AWS CLI does (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html).
 */
export function sessionClientConfig(session: AwsSessionOptions): { region?: string; profile?: string } {
  return { ...(session.region === undefined ? {} : { region: session.region }), ...(session.profile === undefined ? {} : { profile: session.profile }) };
}

/** Factories over the real AWS SDK with the caller's credentials (a named profile when given). */
export const AWS_HISTORY_SOURCE: HistorySourceDeps = {
  documentClient: (session) => DynamoDBDocumentClient.from(new DynamoDBClient(sessionClientConfig(session))),
  cloudFormation: (session) => new CloudFormationClient(sessionClientConfig(session)),
};

/** `--table NAME` or `--stack NAME`, exactly one. */
export type TableLocator = { readonly kind: 'table'; readonly tableName: string } | { readonly kind: 'stack'; readonly stackName: string };

/** Reads the locator from parsed options; throws `UsageError` unless exactly one is given. */
export function tableLocatorOf(values: { readonly table?: string; readonly stack?: string }): TableLocator {
  if (values.table !== undefined && values.stack !== undefined) throw new UsageError('give either --table or --stack, not both');
  if (values.table !== undefined && values.table !== '') return { kind: 'table', tableName: values.table };
  if (values.stack !== undefined && values.stack !== '') return { kind: 'stack', stackName: values.stack };
  throw new UsageError('missing --table NAME or --stack NAME (the history table, or the stack that outputs it)');
}

/** The key fragment of the CDK stack output naming the history table. */
export const HISTORY_TABLE_OUTPUT_KEY = 'HistoryTableName';

/** Resolves the table name, asking CloudFormation for `--stack`. */
export async function resolveHistoryTable(locator: TableLocator, cloudFormation: () => CloudFormationClient): Promise<string> {
  if (locator.kind === 'table') return locator.tableName;
  let outputs;
  try {
    const answer = await cloudFormation().send(new DescribeStacksCommand({ StackName: locator.stackName }));
    outputs = answer.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers ValidationError when the stack does not exist.
    if (errorCode(error) === 'ValidationError') {
      throw new HistoryTableNotFoundError(`stack ${locator.stackName} not found: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    throw error;
  }
  const match = outputs.filter((o) => o.OutputKey?.includes(HISTORY_TABLE_OUTPUT_KEY) && o.OutputValue !== undefined);
  if (match.length !== 1 || match[0]?.OutputValue === undefined) {
    const keys = outputs.map((o) => o.OutputKey).join(', ') || 'none';
    throw new HistoryTableNotFoundError(
      `stack ${locator.stackName} has ${match.length === 0 ? 'no' : 'more than one'} output whose key contains ${HISTORY_TABLE_OUTPUT_KEY} (outputs: ${keys})`,
    );
  }
  return match[0].OutputValue;
}

/** Opens the history store the options point at. */
export async function openHistoryStore(
  locator: TableLocator,
  session: AwsSessionOptions,
  deps: HistorySourceDeps,
): Promise<{ store: HistoryStore; tableName: string }> {
  const tableName = await resolveHistoryTable(locator, () => deps.cloudFormation(session));
  return { store: new DynamoDbHistoryStore({ client: deps.documentClient(session), tableName }), tableName };
}

/** The region: `--region`, else the environment's `AWS_REGION` / `AWS_DEFAULT_REGION`. */
export function regionOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return flag ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
}
