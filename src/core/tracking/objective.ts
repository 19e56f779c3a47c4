/**
 * What "best" means for runs: an experiment's declared objective, or, for a metric nobody declared
 * an objective for, a direction guessed from its name. Runs are ranked by the best value they
 * reached (not the last one), which is what a sweep is searching for.
 */
import type { RunId } from '../../lib/ids';
import type { MetricSummary, Objective, Run } from './types';

export type Direction = Objective['direction'];

/** Names of metrics that get better as they go down; anything else is assumed to go up (accuracy, AUC, F1...). */
const LOWER_IS_BETTER = ['loss', 'error', 'mse', 'mae'] as const;

export function guessDirection(metricKey: string): Direction {
  const lower = metricKey.toLowerCase();
  return LOWER_IS_BETTER.some((word) => lower.includes(word)) ? 'min' : 'max';
}

/** The objective's direction when it is about this metric, otherwise the guess from the name. */
export function metricDirection(metricKey: string, objective?: Objective): Direction {
  return objective?.metric === metricKey ? objective.direction : guessDirection(metricKey);
}

/** The best value in a metric's history; NaN when the history holds no comparable value. */
export function bestOf(summary: MetricSummary, direction: Direction): number {
  return direction === 'min' ? summary.min : summary.max;
}

/** `a` is strictly better than `b` in `direction`; NaN is never better and never beaten. */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'min' ? a < b : a > b;
}

/** The run's best value of the objective's metric, or null when it never logged a comparable one. */
export function objectiveValue(run: Run, objective: Objective): number | null {
  const summary = Object.hasOwn(run.metrics, objective.metric) ? run.metrics[objective.metric] : undefined;
  if (summary === undefined) return null;
  const best = bestOf(summary, objective.direction);
  return Number.isNaN(best) ? null : best;
}

/** A threshold is a bar to clear: at least it for 'max', at most it for 'min'. A run with no value misses it. */
export function missesThreshold(value: number | null, objective: Objective): boolean {
  if (objective.threshold === undefined) return false;
  if (value === null) return true;
  return objective.direction === 'max' ? value < objective.threshold : value > objective.threshold;
}

export type RankedRun = {
  readonly run: Run;
  /** The run's best objective value; null when it has none. */
  readonly value: number | null;
  /** 1 for the best; equal values share a rank (1, 1, 3); null when the run has no value. */
  readonly rank: number | null;
  readonly isBest: boolean;
  readonly missesThreshold: boolean;
};

/**
 * Runs from best to worst by the objective; runs without a value come last, in their given order.
 * Between equal values the earlier run wins (it got there first), so exactly one run is the best.
 */
export function rankRuns(runs: readonly Run[], objective: Objective): RankedRun[] {
  const scored = runs.map((run, index) => ({ run, index, value: objectiveValue(run, objective) }));
  scored.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
    if (a.value !== b.value) return isBetter(a.value, b.value, objective.direction) ? -1 : 1;
    return a.run.startedAt - b.run.startedAt || a.index - b.index;
  });
  let previous: { value: number; rank: number } | null = null;
  return scored.map(({ run, value }, position) => {
    let rank: number | null = null;
    if (value !== null) {
      rank = previous !== null && previous.value === value ? previous.rank : position + 1;
      previous = { value, rank };
    }
    return { run, value, rank, isBest: position === 0 && value !== null, missesThreshold: missesThreshold(value, objective) };
  });
}

/** The id of the run that best meets the objective, or null when no run has a value for it. */
export function bestRunId(runs: readonly Run[], objective: Objective): RunId | null {
  const [first] = rankRuns(runs, objective);
  return first?.isBest ? first.run.id : null;
}

/** The objective to rank by when an experiment declared none: the given metric in its guessed direction. */
export function defaultObjective(metricKey: string): Objective {
  return { metric: metricKey, direction: guessDirection(metricKey) };
}
