/** Test helper: a CliIo that captures output. */
import type { CliIo } from '../../lambda/shared/cli-io';

/** A CliIo whose streams are captured in `out` and `err`. */
export function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: process.cwd() };
}
