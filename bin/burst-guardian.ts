#!/usr/bin/env -S npx tsx
/** Entry point of the `burst-guardian` CLI: all logic lives in lambda/cli/main.ts. */
import { main } from '../lambda/cli/main';
import { processIo } from '../lambda/shared/cli-io';

process.exitCode = await main(process.argv.slice(2), processIo());
