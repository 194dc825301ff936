/**
 * `burst-probe` CLI: `main(argv, io, deps)` returns an exit code: 0 ok, 1 failure, 2 usage
 * (STYLE.md §14). All process wiring (signals, real streams) lives in bin/burst-probe.ts.
 */
import type { CliIo } from '../shared/cli-io';
import { UsageError } from '../core/errors';
import { parseProbeOptions, PROBE_USAGE } from './options';
import { runProbe, type ProbeDeps } from './probe-runner';

/** Runs the probe CLI and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo, deps: ProbeDeps = {}): Promise<number> {
  try {
    const options = parseProbeOptions(argv);
    if (options === undefined) {
      io.stdout(PROBE_USAGE);
      return 0;
    }
    return await runProbe(options, io, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`burst-probe: ${error.message}\n${PROBE_USAGE}`);
      return 2;
    }
    io.stderr(`burst-probe: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
