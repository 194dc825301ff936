/**
 * Writes `policy.schema.json` (editor completion for policy.yaml) from the zod policy schema.
 * Run: `npx tsx scripts/generate-policy-schema.ts`; test/core/policy/policy-schema.test.ts fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyJsonSchemaText } from '../lambda/core/policy/json-schema';

const target = join(import.meta.dirname, '..', 'policy.schema.json');
writeFileSync(target, policyJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
