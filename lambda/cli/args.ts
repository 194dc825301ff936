/**
 * What every `burst-guardian` command parses the same way: strict options (an unknown flag is a
 * usage error, exit 2), `--help`/`-h` before anything else runs, AWS CLI habits (`--output
 * json|table|text` with `--json` as its shorthand; `--region`/`--profile` explained once).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors';

/** `--help` / `-h`, in every command's option table. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const satisfies ParseArgsConfig['options'];

/** `--output FORMAT` and its shorthand `--json`. */
export const OUTPUT_OPTIONS = {
  output: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

/** How a command prints: aligned columns for people, JSON, or tab-separated rows for scripts (as `aws --output text`). */
export type OutputFormat = 'table' | 'json' | 'text';
const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'text'];

/** Help lines for `--output` / `--json`. */
export const OUTPUT_HELP = `  --output FORMAT   table (default: aligned columns), json, or text (tab-separated rows, no header)
  --json            shorthand for --output json
`;

/** Help lines for `--region` / `--profile`, as the AWS CLI resolves them. */
export const AWS_SESSION_HELP = `  --region R        AWS region, e.g. us-east-1 (default: AWS_REGION, then AWS_DEFAULT_REGION,
                    then the region of the profile in ~/.aws/config)
  --profile P       named profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE,
                    then the default credential chain: environment, SSO, instance role)
`;

/** True when `--help` or `-h` appears anywhere before a `--` (so `cmd sub --help` never runs `sub`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** node:util parseArgs in strict mode; any parse problem becomes a one-line `UsageError` pointing at `--help`. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: O,
  usage: string,
  allowPositionals = false,
): { values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values']; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    if (!allowPositionals && positionals.length > 0) throw new Error(`Unexpected argument '${positionals[0] ?? ''}': this command takes no positional arguments`);
    return { values, positionals };
  } catch (error) {
    // node's own message goes on about `--` for a value starting with '-': the first sentence says it.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/\. To specify a positional.*$/, '') ?? '';
    throw new UsageError(`${message} (${usage.split('\n')[0]?.replace(/^usage: /, '').split(' ').slice(0, 2).join(' ')} --help shows the options)`, { cause: error });
  }
}

/** The output format from `--output` and `--json`; refuses an unknown format or a contradiction. */
export function outputFormatOf(values: { readonly output?: string | undefined; readonly json?: boolean | undefined }): OutputFormat {
  const output = values.output;
  if (output !== undefined && !OUTPUT_FORMATS.includes(output as OutputFormat)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, not '${output}'`);
  }
  if (values.json === true && output !== undefined && output !== 'json') throw new UsageError(`--json contradicts --output ${output}`);
  return values.json === true ? 'json' : ((output as OutputFormat | undefined) ?? 'table');
}

/** Rows as `aws --output text` prints them: tab-separated cells, one row a line, no header. */
export function renderTextRows(rows: readonly (readonly string[])[]): string {
  return rows.map((cells) => cells.map((c) => c.replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + (rows.length > 0 ? '\n' : '');
}
