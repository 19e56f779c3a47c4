/** Descriptive statistics over plain arrays of finite numbers, in float64. */
import { compareStrings } from './values';

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/**
 * Population standard deviation (ddof 0, as scikit-learn's StandardScaler). A constant column is
 * exactly 0, not the rounding noise two passes over repeated 0.1s would leave.
 */
export function populationStd(values: ArrayLike<number>, valuesMean: number): number {
  const { min, max } = minMaxOf(values);
  if (min === max) return 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += ((values[i] as number) - valuesMean) ** 2;
  return Math.sqrt(squares / values.length);
}

export function sortedNumbers(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Linear interpolation between closest ranks (numpy's default), over ascending values. */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (position - below) * (upper - lower);
}

/** The most frequent value of ascending numbers; ties go to the smallest. */
export function modeOfSorted(sorted: ArrayLike<number>): number {
  let best = sorted[0] as number;
  let bestRun = 0;
  let runStart = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[runStart]) continue;
    if (i - runStart > bestRun) {
      bestRun = i - runStart;
      best = sorted[runStart] as number;
    }
    runStart = i;
  }
  return best;
}

/** The most frequent category; ties go to the first in code-unit order. */
export function categoryMode(values: readonly string[]): string {
  const counts = countCategories(values);
  let best: string | undefined;
  let bestCount = 0;
  for (const [category, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && compareStrings(category, best) < 0)) {
      best = category;
      bestCount = count;
    }
  }
  if (best === undefined) throw new Error('Invariant failed: categoryMode needs at least one value');
  return best;
}

export function countCategories(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

export function minMaxOf(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}
