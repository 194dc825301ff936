/**
 * Test harness for the history/report commands: captured CLI streams, dynalite seeded through the
 * real `DynamoDbHistoryStore`, and client factories pointing at it (CloudFormation stays a mock).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import type { HistoryEvent, ModificationRecord } from '../../lambda/core/ports';
import type { HistorySourceDeps } from '../../lambda/cli/history-source';
import { seedStore } from '../fixtures/history/seed';
import type { DynaliteHandle } from '../helpers/dynalite';
import { captureCliIo, type CapturedIo } from '../helpers/capture';

export type { CapturedIo } from '../helpers/capture';

/** Captures stdout/stderr; `stderrIsTty` as given. */
export function captureIo(cwd: string, stderrIsTty = false): CapturedIo {
  return captureCliIo({ cwd, env: { AWS_REGION: 'us-east-1' }, stderrIsTty });
}

/** Creates a table on dynalite and writes the history through the real store, as the scan would. */
export async function seededTable(dynalite: DynaliteHandle, history: { events: HistoryEvent[]; modifications: ModificationRecord[] }): Promise<string> {
  const tableName = await dynalite.createHistoryTable();
  await seedStore(new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }), history);
  return tableName;
}

/** Client factories: DynamoDB goes to dynalite; CloudFormation is a plain client for aws-sdk-client-mock to intercept. */
export function dynaliteSource(dynalite: DynaliteHandle): HistorySourceDeps & { sessions: { region?: string; profile?: string }[] } {
  const sessions: { region?: string; profile?: string }[] = [];
  return {
    sessions,
    documentClient: (session) => {
      sessions.push(session);
      return dynalite.documentClient;
    },
    cloudFormation: () => new CloudFormationClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into header-keyed rows. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += c;
  }
  const [header, ...rows] = records;
  if (header === undefined) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
