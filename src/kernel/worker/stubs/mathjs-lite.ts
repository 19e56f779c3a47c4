/**
 * danfo.js requires all of mathjs (~800 kB, and its start-up dominates the kernel's) for five
 * statistics. Inside the kernel, danfo's `mathjs` import resolves to this module, which computes
 * them the way mathjs does: `std` and `variance` unbiased (n − 1), `mode` returns every most
 * frequent value in order of first appearance.
 */
function nonEmpty(values: readonly number[], name: string): readonly number[] {
  if (values.length === 0) throw new Error(`Cannot calculate ${name} of an empty array`);
  return values;
}

export function mean(values: readonly number[]): number {
  return nonEmpty(values, 'mean').reduce((sum, value) => sum + value, 0) / values.length;
}

export function median(values: readonly number[]): number {
  const sorted = [...nonEmpty(values, 'median')].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function variance(values: readonly number[]): number {
  const average = mean(nonEmpty(values, 'variance'));
  if (values.length === 1) return 0;
  return values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1);
}

export function std(values: readonly number[]): number {
  return Math.sqrt(variance(nonEmpty(values, 'std')));
}

export function mode<T>(values: readonly T[]): T[] {
  const counts = new Map<T, number>();
  for (const value of nonEmpty(values as unknown as number[], 'mode') as unknown as T[]) counts.set(value, (counts.get(value) ?? 0) + 1);
  const most = Math.max(...counts.values());
  return [...counts].filter(([, count]) => count === most).map(([value]) => value);
}
