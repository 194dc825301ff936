#!/usr/bin/env -S npx tsx
/** Entry point of the `burst-probe` on-host probe: SIGTERM/SIGINT end the current interval, flush and exit. */
import { processIo } from '../lambda/shared/cli-io';
import { main } from '../lambda/probe/main';

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());
// On Node < 22 the AWS SDK prints an 8-line NodeVersionSupportWarning at its first client; the
// README states the Node requirement once instead (the user can still set the variable to 'false').
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main(process.argv.slice(2), processIo(), { stopSignal: stop.signal });
