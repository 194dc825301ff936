import { describe, expect, it } from 'vitest';
import { formatHours, renderBalanceChart } from '../../lambda/cli/chart';

describe('renderBalanceChart', () => {
  const lines = renderBalanceChart({
    points: [
      { tSeconds: 0, value: 100 },
      { tSeconds: 3600, value: 50 },
      { tSeconds: 7200, value: 0 },
      { tSeconds: 10_000, value: undefined },
    ],
    durationSeconds: 14_400,
    width: 20,
    height: 4,
    markers: [{ tSeconds: 3600, symbol: 'A' }, { tSeconds: 7200, symbol: 'A' }, { tSeconds: 7200, symbol: 'X' }],
  }).split('\n');

  it('draws a full column at 100%, half a column at 50% and the floor at 0%', () => {
    expect(lines).toHaveLength(4 + 1 + 1 + 1);
    const column = (c: number): string => lines.slice(0, 4).map((line) => line.slice(6)[c] ?? ' ').join('');
    expect(column(0)).toBe('####');
    expect(column(5)).toBe('  ##');
    expect(column(10)).toBe('   _');
    expect(column(13)).toBe('    ');
  });

  it('puts markers under their time and lets an exhaustion win over an alert', () => {
    const markerLine = lines[5] ?? '';
    expect(markerLine.slice(6)).toBe('     A    X');
  });

  it('labels the axes', () => {
    expect(lines[0]).toMatch(/^100% \|/);
    expect(lines[3]).toMatch(/^ {2}0% \|/);
    expect(lines[6]).toMatch(/^ +0h .*4h$/);
  });

  it('formats hours compactly', () => {
    expect(formatHours(2)).toBe('2h');
    expect(formatHours(2.5)).toBe('2.5h');
  });
});
