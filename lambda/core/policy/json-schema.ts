/** The JSON Schema of the policy file (editor completion), generated from the one zod schema. */
import { z } from 'zod';
import { PolicySchema } from './schema';

/** The JSON Schema text of the policy file, exactly as `policy.schema.json` must contain it. */
export function policyJsonSchemaText(): string {
  // io 'input': keys with defaults are optional in the file; refinements (AWS limits) are not representable.
  const schema = z.toJSONSchema(PolicySchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'ebs-burst-guardian policy' }, null, 2)}\n`;
}
