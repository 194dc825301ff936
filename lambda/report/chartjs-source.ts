/**
 * chart.js's UMD build, read from node_modules so the HTML report can inline it: the report opens
 * with no network at all (issue 7). Read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The minified UMD source of chart.js, safe to place inside a `<script>` element. */
export function chartJsUmdSource(): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  // The package's `exports` hide dist/ from resolve(); its main entry lives next to the UMD build.
  const file = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  const source = readFileSync(file, 'utf8')
    // The source map would be a request to a file that is not there.
    .replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n')
    // "</script" would end the element early; "<\/" means the same inside JS strings and regexes.
    .replace(/<\/(script)/gi, '<\\/$1');
  cached = source;
  return source;
}
