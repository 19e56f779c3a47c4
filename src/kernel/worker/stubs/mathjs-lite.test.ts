import { describe, expect, it } from 'vitest';
import { mean, median, mode, std, variance } from './mathjs-lite';

describe('mathjs-lite (what danfo needs from mathjs)', () => {
  it.each([
    { values: [1, 2, 3, 4], mean: 2.5, median: 2.5, variance: 5 / 3 },
    { values: [7, 1, 4], mean: 4, median: 4, variance: 9 },
    { values: [5], mean: 5, median: 5, variance: 0 },
  ])('statistics of $values', ({ values, ...expected }) => {
    expect(mean(values)).toBeCloseTo(expected.mean, 12);
    expect(median(values)).toBeCloseTo(expected.median, 12);
    expect(variance(values)).toBeCloseTo(expected.variance, 12);
    expect(std(values)).toBeCloseTo(Math.sqrt(expected.variance), 12);
  });

  it('mode returns every most frequent value, in order of first appearance', () => {
    expect(mode([3, 1, 3, 2, 1])).toEqual([3, 1]);
    expect(mode(['a', 'b', 'b'])).toEqual(['b']);
  });

  it('refuses an empty array, as mathjs does', () => {
    expect(() => median([])).toThrow(/empty/);
    expect(() => std([])).toThrow(/empty/);
  });
});
