/** Test helpers that capture what a CLI or a Lambda handler writes. */
import { vi } from 'vitest';
import type { CliIo } from '../../lambda/shared/cli-io';

/** A CliIo whose stdout and stderr are kept as text. */
export interface CapturedIo {
  readonly io: CliIo;
  out(): string;
  err(): string;
}

/** Captures a command's output; `env` is the whole environment the command sees (none by default). */
export function captureCliIo(options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>>; readonly stderrIsTty?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: { ...options.env },
      cwd: options.cwd ?? process.cwd(),
      ...(options.stderrIsTty === undefined ? {} : { stderrIsTty: options.stderrIsTty }),
    },
    out: () => out,
    err: () => err,
  };
}

/**
 * Captures what Powertools writes to the given streams (EMF metric documents and JSON log lines) until
 * `vi.restoreAllMocks()`; `lines()` parses the JSON lines written so far.
 */
export function captureJsonLines(streams: readonly NodeJS.WriteStream[] = [process.stdout]): { lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  for (const stream of streams) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
