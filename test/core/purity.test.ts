import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..', '..', 'lambda', 'core');

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listTs(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Code lines only: comments are allowed to mention what the code must not do. */
function codeOf(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const FORBIDDEN: [string, RegExp][] = [
  ['an AWS SDK import', /from\s+['"]@aws-sdk\//],
  ['a CDK import', /from\s+['"](aws-cdk-lib|constructs)/],
  ['a Node I/O import', /from\s+['"](node:[a-z_/]+|fs|path|os|child_process|http|https)['"]/],
  ['process.env', /\bprocess\.env\b/],
  ['a process reference', /\bprocess\./],
  ['Date.now()', /\bDate\.now\s*\(/],
  ['new Date() without arguments', /new\s+Date\s*\(\s*\)/],
];

describe('lambda/core purity (STYLE.md §1)', () => {
  const files = listTs(CORE);

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(2);
  });

  it.each(files.map((f) => [f.slice(CORE.length + 1), f]))('%s imports no AWS, reads no environment or clock', (_name, file) => {
    const code = codeOf(readFileSync(file, 'utf8'));
    const found = FORBIDDEN.filter(([, pattern]) => pattern.test(code)).map(([what]) => what);
    expect(found).toEqual([]);
  });

  it('rejects a file that reads the clock (the check itself can fail)', () => {
    const code = codeOf('const t = Date.now(); // fine comment\nimport { X } from "@aws-sdk/client-ec2";');
    expect(FORBIDDEN.filter(([, p]) => p.test(code)).map(([w]) => w)).toEqual(['an AWS SDK import', 'Date.now()']);
  });
});
