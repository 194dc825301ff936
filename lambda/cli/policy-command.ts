/**
 * `burst-guardian policy validate FILE`: prints `ok` (exit 0) or every problem with file, line,
 * column and field (exit 1). `policy print FILE` prints the policy with every default applied.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { PolicyValidationError, UsageError } from '../core/errors';
import { parsePolicy } from '../core/policy/policy';
import type { CliIo } from '../shared/cli-io';

const HELP = `usage: burst-guardian policy validate FILE   check a policy file (prints ok or the errors)
       burst-guardian policy print FILE      print the policy with defaults applied (JSON)
`;

/** Runs the `policy` sub-command. */
export async function runPolicy(argv: readonly string[], io: CliIo): Promise<number> {
  const [action, file, ...extra] = argv;
  if (action === '--help' || action === '-h') {
    io.stdout(HELP);
    return 0;
  }
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
