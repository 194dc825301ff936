/**
 * A line diff of two policy texts for `policy push`'s dry run: the longest common subsequence of
 * lines, printed as ` ` (kept), `-` (removed) and `+` (added) with line numbers of the new text.
 * Policies are a few hundred lines, so the quadratic table is small.
 */

/** One line of the diff. */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
  /** Line number in the new text (`+` and ` `) or the old one (`-`). */
  readonly line: number;
}

/** The diff of `before` into `after`, line by line. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // common[i][j]: length of the LCS of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', text: b[j]!, line: j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      // Removed lines first, then added: reads as "this line became that one".
      out.push({ op: '-', text: a[i]!, line: i + 1 });
      i++;
    } else {
      out.push({ op: '+', text: b[j]!, line: j + 1 });
      j++;
    }
  }
  return out;
}

/** The changed lines with `context` kept lines around each change; `...` between separate hunks. */
export function formatDiff(lines: readonly DiffLine[], context = 2): string {
  const keep = lines.map((l, index) => l.op !== ' ' || lines.slice(Math.max(0, index - context), index + context + 1).some((n) => n.op !== ' '));
  const out: string[] = [];
  let skipped = false;
  lines.forEach((l, index) => {
    if (!keep[index]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push('...');
    skipped = false;
    out.push(`${l.op} ${String(l.line).padStart(4)} | ${l.text}`);
  });
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
