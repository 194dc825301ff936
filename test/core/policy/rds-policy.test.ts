import { describe, expect, it } from 'vitest';
import { PolicyValidationError } from '../../../lambda/core/errors';
import { parsePolicy } from '../../../lambda/core/policy/policy';

describe('the rds section of the policy', () => {
  it('is off by default: alerts only, no rescue, gp3 target', () => {
    expect(parsePolicy('version: 1\n', 'min.yaml').rds).toEqual({ enabled: false, match: { tags: {} }, excludeIdentifiers: [], target: { type: 'gp3' }, rescue: false });
  });

  it.each([
    ['rds:\n  enabled: true\n  target: { type: io1 }\n', 4, 'rds.target.type'],
    ['rds:\n  enabled: yes-please\n', 3, 'rds.enabled'],
    ['rds:\n  enabled: true\n  excludeIdentifiers: [1bad]\n', 4, 'rds.excludeIdentifiers[0]'],
    ['rds:\n  rescu: true\n', 3, 'rds.rescu'],
  ])('rejects %j with the file, line and field', (yaml, line, path) => {
    let error: unknown;
    try {
      parsePolicy(`version: 1\n${yaml}`, 'bad.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as PolicyValidationError).issues).toEqual([expect.objectContaining({ line, path })]);
    expect((error as PolicyValidationError).message).toContain(`bad.yaml:${line}:`);
  });
});
