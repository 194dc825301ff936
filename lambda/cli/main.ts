/**
 * `burst-guardian` CLI: dispatches to one module per sub-command. `main(argv, io)` returns an exit
 * code: 0 ok, 1 failure, 2 usage (STYLE.md §14). It never imports CDK.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors';
import type { CliCommand, CliIo } from '../shared/cli-io';
import { wantsHelp } from './args';

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

options:
  --help, -h      this help (after a command: that command's help; nothing else runs)
  --version, -V   the version

Run 'burst-guardian <command> --help' for a command's options.
Exit codes: 0 ok, 1 failure, 2 usage (bad arguments).
`;

/** The package version, read from the checkout's package.json. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout(`burst-guardian ${cliVersion()}\n`);
    return 0;
  }
  if (name === 'help' && rest[0] !== undefined && rest[0] in COMMANDS) return main([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io[name === undefined ? 'stderr' : 'stdout'](USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`burst-guardian: unknown ${name.startsWith('-') ? 'option' : 'command'} '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    // --help anywhere (before `--`) shows the command's help and runs nothing, whatever else is given.
    return await (await command.load())(wantsHelp(rest) ? ['--help'] : rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`burst-guardian ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`burst-guardian ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
