import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, formatDiff } from '../../../lambda/core/policy/text-diff';

describe('diffLines', () => {
  it.each([
    ['identical texts', 'a\nb\n', 'a\nb\n', ['  a', '  b']],
    ['a changed line', 'a\nb\nc\n', 'a\nx\nc\n', ['  a', '- b', '+ x', '  c']],
    ['an added line', 'a\n', 'a\nb\n', ['  a', '+ b']],
    ['everything new', '', 'a\n', ['+ a']],
  ])('shows %s', (_label, before, after, expected) => {
    expect(diffLines(before, after).map((l) => `${l.op} ${l.text}`)).toEqual(expected);
  });

  it('keeps every old line as kept or removed and every new line as kept or added, in order', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'dryRun: true', ''), { maxLength: 12 }).map((l) => (l.length === 0 ? '' : `${l.join('\n')}\n`));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = diffLines(before, after);
        const lines = (t: string) => (t === '' ? [] : t.slice(0, -1).split('\n'));
        expect(diff.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(lines(before));
        expect(diff.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(lines(after));
      }),
    );
  });

  it('prints only changes with context, numbered by the new file', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n');
    const after = before.replace('7', 'seven');
    expect(formatDiff(diffLines(before, after), 1)).toBe('     6 | 6\n-    7 | 7\n+    7 | seven\n     8 | 8\n');
    expect(formatDiff(diffLines(before, before))).toBe('');
  });
});
