/**
 * `burst-guardian` CLI: dispatches to one module per sub-command. `main(argv, io)` returns an exit
 * code: 0 ok, 1 failure, 2 usage (STYLE.md §14). It never imports CDK.
 */
import { UsageError } from '../core/errors';
import type { CliCommand, CliIo } from '../shared/cli-io';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  demo: { summary: 'the seed story on the embedded simulated fleet (what `npm start` runs)', load: async () => (await import('./demo-command')).runDemo },
  policy: { summary: 'validate a policy file (policy validate FILE)', load: async () => (await import('./policy-command')).runPolicy },
  simulate: { summary: 'run the forecaster (and a policy) on a simulated volume', load: async () => (await import('./simulate-command')).runSimulate },
  history: { summary: "one volume's events and modifications in time order (history VOLUME_ID)", load: async () => (await import('./history-command')).runHistory },
  report: { summary: 'flips and costs over a period: table, CSV, JSON or HTML', load: async () => (await import('./report-command')).runReport },
  scan: { summary: 'one scan of your volumes with your AWS credentials (dry run unless --execute)', load: async () => (await import('./scan-command')).runScanCommand },
};

const USAGE = `usage: burst-guardian <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'burst-guardian <command> --help' for a command's options.
`;

/** Runs the CLI and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`burst-guardian: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`burst-guardian ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`burst-guardian ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
