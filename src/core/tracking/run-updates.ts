/**
 * How tracking events change a stored run: pure, so the store applies a whole batch of events in
 * one transaction and the rules are unit-tested without a database.
 */
import type { MetricSeries, MetricSummary, Run } from './types';

/** Folds new points (columns per key) into per-key summaries. NaN is kept as `last` but never becomes min or max. */
export function summarise(summaries: Readonly<Record<string, MetricSummary>>, series: readonly Pick<MetricSeries, 'key' | 'steps' | 'values'>[]): Record<string, MetricSummary> {
  const next: Record<string, MetricSummary> = { ...summaries };
  for (const { key, steps, values } of series) {
    if (steps.length === 0) continue;
    const previous = next[key];
    const count = previous?.count ?? 0;
    let { last, lastStep, min, max } = previous ?? { last: values[0]!, lastStep: steps[0]!, min: NaN, max: NaN };
    for (let i = 0; i < steps.length; i += 1) {
      const step = steps[i]!;
      const value = values[i]!;
      if (step >= lastStep) {
        last = value;
        lastStep = step;
      }
      if (!Number.isNaN(value)) {
        min = Number.isNaN(min) ? value : Math.min(min, value);
        max = Number.isNaN(max) ? value : Math.max(max, value);
      }
    }
    next[key] = { last, min, max, lastStep, count: count + steps.length };
  }
  return next;
}

export function withProblem(run: Run, problem: string): Run {
  return run.problems.includes(problem) ? run : { ...run, problems: [...run.problems, problem] };
}
