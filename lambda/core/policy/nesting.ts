/**
 * A cheap look at how deeply a YAML text nests, before the YAML parser recurses into it: a few
 * thousand levels overflow the call stack ("Maximum call stack size exceeded"), which says nothing
 * to the person who wrote the file. A policy nests six levels at most; the limit leaves room.
 */

/** The deepest nesting a policy file may have (block indentation levels plus flow brackets). */
export const MAX_POLICY_NESTING = 64;

/** Where the text first nests deeper than `limit`, as 1-based line and column; undefined when it never does. */
export function findExcessiveNesting(text: string, limit = MAX_POLICY_NESTING): { line: number; column: number } | undefined {
  const indents: number[] = [];
  let flowDepth = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const content = line.trimStart();
    if (flowDepth === 0 && content !== '' && !content.startsWith('#')) {
      const indent = line.length - content.length + leadingDashes(content);
      while (indents.length > 0 && (indents.at(-1) ?? 0) >= indent) indents.pop();
      indents.push(indent);
    }
    const column = scanFlow(line, (depth) => indents.length + depth > limit, flowDepth);
    if (typeof column === 'number') return { line: i + 1, column };
    flowDepth = column.depth;
    if (indents.length > limit) return { line: i + 1, column: 1 };
  }
  return undefined;
}

/** `- - - a` nests once per dash: count them as indentation. */
function leadingDashes(content: string): number {
  const match = /^(-\s+)+/.exec(content);
  return match === null ? 0 : match[0].length;
}

/** Follows `[`/`{` outside quotes and comments; returns the column where `tooDeep` first holds, else the depth at the end. */
function scanFlow(line: string, tooDeep: (depth: number) => boolean, startDepth: number): number | { depth: number } {
  let depth = startDepth;
  let quote: string | undefined;
  for (let c = 0; c < line.length; c++) {
    const ch = line[c];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (c === 0 || /\s/.test(line[c - 1] ?? ''))) break;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (tooDeep(depth)) return c + 1;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return { depth };
}
