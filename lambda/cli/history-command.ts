/**
 * `burst-guardian history VOLUME_ID [--table NAME | --stack NAME] [--region R] [--profile P] [--json]`:
 * every event and modification of one volume in time order, with reasons, states and the
 * round-trip balance records (issue 7 item 1).
 */
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors';
import { buildVolumeHistory } from '../core/report/history';
import { AWS_HISTORY_SOURCE, openHistoryStore, regionOf, tableLocatorOf, type HistorySourceDeps } from './history-source';
import { renderHistoryJson } from '../report/json';
import { renderHistoryTable } from '../report/table';
import type { CliCommand } from '../shared/cli-io';
import { AWS_SESSION_HELP, HELP_OPTION, OUTPUT_HELP, OUTPUT_OPTIONS, outputFormatOf, parseCommandArgs, renderTextRows } from './args';
import { isoUtc } from '../report/format';

const OPTIONS = {
  table: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  ...OUTPUT_OPTIONS,
  ...HELP_OPTION,
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: burst-guardian history VOLUME_ID (--table NAME | --stack NAME) [--region R] [--profile P]
         [--output table|json|text] [--json]
  Every alert, rescue, revert, failure and blocked decision of one volume, oldest first, with the
  modification states and the round-trip balances (BurstBalance before a rescue, first after the revert).
  VOLUME_ID         e.g. vol-0abc1234def567890, rds:IDENTIFIER for an RDS DB instance (rds:orders-db),
                    or an EC2 instance id (i-0abc1234def567890) for its EBS burst bucket alerts
  --table NAME      the guardian's history table
  --stack NAME      or the CloudFormation stack that deployed it (its HistoryTableName output)
${AWS_SESSION_HELP}${OUTPUT_HELP}`;

/** EBS volume ids: `vol-` and 8 or 17 hex digits. */
const VOLUME_ID = /^vol-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** RDS DB instances are kept under `rds:<identifier>` (core/rds-ports.ts). */
const RDS_KEY = /^rds:[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
/** EC2 instances' EBS burst bucket alerts are kept under the instance id (core/instance-keys.ts): `i-` and 8 or 17 hex digits. */
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** Dependencies of the command (AWS clients; tests inject dynalite and mocks). */
export interface HistoryCommandDeps {
  readonly source: HistorySourceDeps;
}

/** Builds the `history` command over the given client factories. */
export function createHistoryCommand(deps: HistoryCommandDeps): CliCommand {
  return async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE, true);
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const output = outputFormatOf(values);
    const [volumeId, ...extra] = positionals;
    if (volumeId === undefined || extra.length > 0) throw new UsageError(`expected exactly one VOLUME_ID\n${USAGE}`);
    if (!VOLUME_ID.test(volumeId) && !RDS_KEY.test(volumeId) && !INSTANCE_ID.test(volumeId)) {
      throw new UsageError(`'${volumeId}' is not an EBS volume id (vol- and 8 or 17 hex digits), rds:<DB instance identifier> or an EC2 instance id (i- and 8 or 17 hex digits)`);
    }
    const locator = tableLocatorOf(values);
    const session = { region: regionOf(values.region, io.env), profile: values.profile };
    const { store } = await openHistoryStore(locator, session, deps.source);
    const [events, modifications] = await Promise.all([store.listEvents(volumeId), store.listModifications(volumeId)]);
    const history = buildVolumeHistory(volumeId, events, modifications);
    io.stdout(output === 'json' ? renderHistoryJson(history) : output === 'text' ? renderHistoryText(history) : renderHistoryTable(history));
    return 0;
  };
}

/** The `history` command with the caller's AWS credentials. */
export const runHistory: CliCommand = createHistoryCommand({ source: AWS_HISTORY_SOURCE });

/** `--output text`: one line per entry, tab-separated: time, source, kind, state, summary. */
function renderHistoryText(history: ReturnType<typeof buildVolumeHistory>): string {
  return renderTextRows(history.lines.map((line) => [isoUtc(line.tEpochSeconds), line.source, line.kind, line.source === 'modification' ? line.record.status : '', line.summary]));
}
