/** What a CLI command may touch: its output streams and environment, passed in so tests capture them. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** True when stderr is a terminal (progress indicators only then). */
  readonly stderrIsTty?: boolean;
}

/** A sub-command: parses its own arguments and returns an exit code (0 ok, 1 failure, 2 usage). */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Builds a CliIo over the real process (for bin/ entry points only). */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stderrIsTty: process.stderr.isTTY === true,
  };
}
