/**
 * `burst-guardian policy validate FILE`: prints `ok` (exit 0) or every problem with file, line,
 * column and field (exit 1). `policy print FILE` prints the policy with every default applied.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { PolicyValidationError, UsageError } from '../core/errors';
import { parsePolicy } from '../core/policy/policy';
import type { CliIo } from '../shared/cli-io';
import { HELP_OPTION, parseCommandArgs } from './args';

const HELP = `usage: burst-guardian policy validate FILE   check a policy file (prints ok or the errors)
       burst-guardian policy print FILE      print the policy with defaults applied (JSON)
       burst-guardian policy push FILE ...   store it where the deployed guardian reads it (--help)
  The same schema as \`cdk synth\` and the Lambda: a policy passes here exactly when it deploys.
  Exit codes: 0 valid, 1 invalid or unreadable (every problem with file:line:column and field), 2 usage.
`;

/** Runs the `policy` sub-command. */
export async function runPolicy(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'push') {
    // push has its own options (--stack, --parameter, --execute): parsed in policy-push-command.ts.
    const { runPolicyPush, POLICY_PUSH_HELP } = await import('./policy-push-command');
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(POLICY_PUSH_HELP);
      return 0;
    }
    return runPolicyPush(argv.slice(1), io);
  }
  const { values, positionals } = parseCommandArgs(argv, HELP_OPTION, HELP, true);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [action, file, ...extra] = positionals;
  if ((action !== 'validate' && action !== 'print') || file === undefined || extra.length > 0) {
    throw new UsageError(`expected 'validate FILE' or 'print FILE'\n${HELP}`);
  }
  let text: string;
  try {
    text = await readFile(isAbsolute(file) ? file : join(io.cwd, file), 'utf8');
  } catch (error) {
    io.stderr(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const policy = parsePolicy(text, file);
    io.stdout(action === 'validate' ? 'ok\n' : `${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
}
