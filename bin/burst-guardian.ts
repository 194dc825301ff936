#!/usr/bin/env -S npx tsx
/** Entry point of the `burst-guardian` CLI: all logic lives in lambda/cli/main.ts. */
import { main } from '../lambda/cli/main';
import { processIo } from '../lambda/shared/cli-io';

// On Node < 22 the AWS SDK prints an 8-line NodeVersionSupportWarning at its first client; the
// README states the Node requirement once instead (the user can still set the variable to 'false').
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main(process.argv.slice(2), processIo());
