import type { CliCommand } from './io';

/** Placeholder until the simulated fleet lands (issue 2). */
export const runDemo: CliCommand = async (_argv, io) => {
  io.stderr('demo: the simulated fleet is not built yet\n');
  return 1;
};
