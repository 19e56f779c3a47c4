/**
 * How tracking events change a stored run: pure, so the store applies a whole batch of events in
 * one transaction and the rules are unit-tested without a database.
 */
import type { MetricPoint, MetricSummary, Run } from './types';

/** Folds points into per-key summaries. NaN is kept as `last` but never becomes min or max. */
export function summarise(summaries: Readonly<Record<string, MetricSummary>>, points: readonly Pick<MetricPoint, 'key' | 'step' | 'value'>[]): Record<string, MetricSummary> {
  const next: Record<string, MetricSummary> = { ...summaries };
  for (const { key, step, value } of points) {
    const previous = next[key];
    const isNumber = !Number.isNaN(value);
    if (!previous) {
      next[key] = { last: value, min: isNumber ? value : NaN, max: isNumber ? value : NaN, lastStep: step, count: 1 };
      continue;
    }
    const isLatest = step >= previous.lastStep;
    next[key] = {
      last: isLatest ? value : previous.last,
      lastStep: isLatest ? step : previous.lastStep,
      min: isNumber ? (Number.isNaN(previous.min) ? value : Math.min(previous.min, value)) : previous.min,
      max: isNumber ? (Number.isNaN(previous.max) ? value : Math.max(previous.max, value)) : previous.max,
      count: previous.count + 1,
    };
  }
  return next;
}

export function withProblem(run: Run, problem: string): Run {
  return run.problems.includes(problem) ? run : { ...run, problems: [...run.problems, problem] };
}
