/**
 * `burst-guardian history VOLUME_ID [--table NAME | --stack NAME] [--region R] [--profile P] [--json]`:
 * every event and modification of one volume in time order, with reasons, states and the
 * round-trip balance records (issue 7 item 1).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors';
import { buildVolumeHistory } from '../core/report/history';
import { AWS_HISTORY_SOURCE, openHistoryStore, regionOf, tableLocatorOf, type HistorySourceDeps } from './history-source';
import { renderHistoryJson } from '../report/json';
import { renderHistoryTable } from '../report/table';
import type { CliCommand } from '../shared/cli-io';

const OPTIONS = {
  table: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: burst-guardian history VOLUME_ID (--table NAME | --stack NAME) [--region R] [--profile P] [--json]
  Every alert, rescue, revert, failure and blocked decision of one volume, oldest first, with the
  modification states and the round-trip balances (BurstBalance before a rescue, first after the revert).
`;

/** EBS volume ids: `vol-` and 8 or 17 hex digits. */
const VOLUME_ID = /^vol-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** Dependencies of the command (AWS clients; tests inject dynalite and mocks). */
export interface HistoryCommandDeps {
  readonly source: HistorySourceDeps;
}

/** Builds the `history` command over the given client factories. */
export function createHistoryCommand(deps: HistoryCommandDeps): CliCommand {
  return async (argv, io) => {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
    } catch (error) {
      throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { cause: error });
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const [volumeId, ...extra] = positionals;
    if (volumeId === undefined || extra.length > 0) throw new UsageError(`expected exactly one VOLUME_ID\n${USAGE}`);
    if (!VOLUME_ID.test(volumeId)) throw new UsageError(`'${volumeId}' is not an EBS volume id (vol- and 8 or 17 hex digits)`);
    const locator = tableLocatorOf(values);
    const session = { region: regionOf(values.region, io.env), profile: values.profile };
    const { store } = await openHistoryStore(locator, session, deps.source);
    const [events, modifications] = await Promise.all([store.listEvents(volumeId), store.listModifications(volumeId)]);
    const history = buildVolumeHistory(volumeId, events, modifications);
    io.stdout(values.json ? renderHistoryJson(history) : renderHistoryTable(history));
    return 0;
  };
}

/** The `history` command with the caller's AWS credentials. */
export const runHistory: CliCommand = createHistoryCommand({ source: AWS_HISTORY_SOURCE });
