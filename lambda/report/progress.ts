/**
 * A progress line on stderr for long history queries: shown only when stderr is a terminal and the
 * work has already taken longer than `delayMs`, so pipes, CI logs and quick runs stay clean.
 */

/** Where progress lines go: a terminal's stderr (the CLI passes its io). */
export interface ProgressSink {
  stderr(text: string): void;
  readonly stderrIsTty?: boolean;
}

/** Reports progress; `done` erases the line if one was drawn. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

/** Options of `createProgress`. */
export interface ProgressOptions {
  /** Milliseconds clock (injected so tests control time). */
  readonly nowMs: () => number;
  /** Show nothing before this much time has passed. @default 1000 */
  readonly delayMs?: number;
}

/** A progress reporter writing `\r`-rewritten lines to `io.stderr` when `io.stderrIsTty`. */
export function createProgress<Io extends ProgressSink>(io: Io, options: ProgressOptions): Progress {
  const startMs = options.nowMs();
  const delayMs = options.delayMs ?? 1_000;
  let width = 0;
  return {
    update(text) {
      if (io.stderrIsTty !== true || options.nowMs() - startMs < delayMs) return;
      io.stderr(`\r${text.padEnd(width)}`);
      width = Math.max(width, text.length);
    },
    done() {
      if (width > 0) io.stderr(`\r${' '.repeat(width)}\r`);
      width = 0;
    },
  };
}
