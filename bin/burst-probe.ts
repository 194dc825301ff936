#!/usr/bin/env -S npx tsx
/** Entry point of the `burst-probe` on-host probe: SIGTERM/SIGINT end the current interval, flush and exit. */
import { processIo } from '../lambda/shared/cli-io';
import { main } from '../lambda/probe/main';

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());
process.exitCode = await main(process.argv.slice(2), processIo(), { stopSignal: stop.signal });
