/**
 * The world of the issue-11 end-to-end cases: the real scan handler → runScan → the real adapters,
 * against the fake EC2 that answers as AWS documents (fake-ec2-modifications.ts) and a real
 * dynalite table; plus the four checks every case makes (`expectSound`).
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createScanHandler } from '../../lambda/handlers/scan';
import type { HandlerOptions } from '../../lambda/handlers/wiring';
import type { DynaliteHandle } from '../helpers/dynalite';
import { FakeAws, NOW_EPOCH_SECONDS, type FakeVolume } from './fake-aws';

export const POLICY_YAML = readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8');
export const POLICY_JSON = JSON.stringify(parsePolicy(POLICY_YAML, 'rescue-live.yaml'));
/** The same policy, reverting instead of recommending to stay on the cheaper gp3. */
export const REVERTING_POLICY_JSON = JSON.stringify(parsePolicy(POLICY_YAML.replace('  minimumHoldMinutes: 360', '  minimumHoldMinutes: 360\n  keepIfCheaper: false'), 'rescue-live.yaml'));
export const H = 3_600;

export interface World {
  readonly aws: FakeAws;
  readonly history: DynamoDbHistoryStore;
  /** AWS's clock (the fake stamps StartTime with it). */
  readonly clock: { now: number };
  /** Runs one scan with the given client and clock offset (a laptop whose clock is off). */
  scan(id: string, options?: { readonly dynamo?: DynamoDBDocumentClient; readonly clockOffsetSeconds?: number }): Promise<unknown>;
}

export async function world(dynalite: DynaliteHandle, volumes: readonly FakeVolume[], policyJson = POLICY_JSON): Promise<World> {
  const clock = { now: NOW_EPOCH_SECONDS };
  const aws = new FakeAws(volumes, () => clock.now);
  const tableName = await dynalite.createHistoryTable();
  const options = (dynamo: DynamoDBDocumentClient, offset: number): HandlerOptions => ({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1' },
    policyJson,
    clients: () => aws.clients(dynamo),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => clock.now + offset,
  });
  return {
    aws,
    clock,
    history: new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }),
    scan: (id, o = {}) => createScanHandler(options(o.dynamo ?? dynalite.documentClient, o.clockOffsetSeconds ?? 0))({}, { awsRequestId: id }),
  };
}

/** The four checks of every case. `modifies`: how many accepted ModifyVolume calls each volume may have had. */
export async function expectSound(w: World, modifies: Readonly<Record<string, number>>): Promise<void> {
  expect(await w.history.listOpenModifications(), 'open intents after AWS answered').toEqual([]);
  for (const [volumeId, n] of Object.entries(modifies)) {
    expect(w.aws.modifyCalls.get(volumeId) ?? 0, `${volumeId} ModifyVolume calls`).toBe(n);
    expect(w.aws.maxModificationsIn24h(volumeId), `${volumeId} modifications in 24 h`).toBeLessThanOrEqual(4);
  }
}

export const statuses = async (w: World, volumeId: string): Promise<string[]> => (await w.history.listModifications(volumeId)).map((r) => `${r.kind}:${r.status}`);
export const eventKinds = async (w: World, volumeId: string): Promise<string[]> => (await w.history.listEvents(volumeId)).map((e) => e.kind);
export const subjects = (w: World, event: string): string[] => w.aws.published.filter((p) => p.MessageAttributes?.['event']?.StringValue === event).map((p) => p.Subject ?? '');
