import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyJsonSchemaText } from '../../../lambda/core/policy/json-schema';

describe('policy.schema.json', () => {
  it('is up to date with the zod schema (regenerate: npx tsx scripts/generate-policy-schema.ts)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', '..', 'policy.schema.json'), 'utf8');
    expect(committed).toBe(policyJsonSchemaText());
  });

  it('forbids unknown keys and requires version, so editors flag typos too', () => {
    const schema = JSON.parse(policyJsonSchemaText()) as { additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['version']);
  });
});
