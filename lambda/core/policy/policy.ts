/**
 * Parses and validates the policy file. Pure: the caller reads the file and passes its text (the
 * CLI, the CDK app at synth time and the scan Lambda all use this one function, STYLE.md §5).
 *
 * Every problem (YAML syntax, schema, cross-field AWS limits checked inside the schema) is collected and thrown at once in a
 * `PolicyValidationError`, each with file, line, column and the dotted field path.
 */
import { findExcessiveNesting, MAX_POLICY_NESTING } from './nesting';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { PolicyValidationError } from '../errors';
import { PolicySchema, type Policy } from './schema';

export { PolicySchema } from './schema';
export type { Policy, PolicyFallbackTarget, PolicyOverride, PolicyTarget, TagMatch } from './schema';

type PathSegment = string | number;
type Issue = PolicyValidationError['issues'][number];
interface RawIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** For unknown keys: point at the key itself, not at the object holding it. */
  readonly key?: string;
}

/** Parses policy YAML text into a typed policy with defaults applied; throws `PolicyValidationError` listing every problem. */
export function parsePolicy(text: string, fileName: string): Policy {
  const deep = findExcessiveNesting(text);
  if (deep !== undefined) {
    throw new PolicyValidationError(fileName, [
      { ...deep, path: '(yaml)', message: `nested more than ${MAX_POLICY_NESTING} levels deep (a policy needs at most 6): is a bracket or indentation runaway?` },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyValidationError(
      fileName,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, path: '(yaml)', message: firstLine(e.message) };
      }),
    );
  }
  const result = PolicySchema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {});
  if (result.success) return result.data;
  const raw: RawIssue[] = result.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ path: issue.path as PathSegment[], key, message: `unknown key '${key}' (typo?)` }))
          : [{ path: issue.path as PathSegment[], message: issue.message }],
  );
  const issues = raw.map((r) => toIssue(doc, lineCounter, r)).sort((a, b) => a.line - b.line || a.column - b.column);
  throw new PolicyValidationError(fileName, issues);
}

/** Same as `parsePolicy`: named for callers that think of it as loading a file's text. */
export const loadPolicy = parsePolicy;

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Locates a field path in the YAML document: the key of a map entry, the item of a sequence, or the closest parent found. */
function toIssue(doc: Document, lineCounter: LineCounter, raw: RawIssue): Issue {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  const segments: PathSegment[] = raw.key === undefined ? [...raw.path] : [...raw.path, raw.key];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col, path: formatPath(segments), message: raw.message };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function formatPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '(root)';
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
