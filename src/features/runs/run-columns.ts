/**
 * Columns and sorting of the runs table. Metric columns can show the last, best, minimum or
 * maximum value; missing and NaN values sort last in both directions.
 */
import type { Objective, Run } from '../../core/tracking/types';
import { bestOf, metricDirection, objectiveValue } from '../../core/tracking/objective';
import { runDurationMs } from './format-run';

export type Aggregate = 'last' | 'best' | 'min' | 'max';
export type SortState = { readonly column: string; readonly descending: boolean };

export type RunColumns = {
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  metricValue(run: Run, key: string, aggregate: Aggregate, objective: Objective | undefined): number | null;
};

export function runColumns(runs: readonly Run[]): RunColumns {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const key of Object.keys(run.params)) params.add(key);
    for (const key of Object.keys(run.metrics)) metrics.add(key);
  }
  return { params: [...params].sort(), metrics: [...metrics].sort(byMetricOrder), metricValue };
}

/** Validation metrics next to their training twins: acc, loss, val_acc, val_loss → alphabetical already, batch/ last. */
function byMetricOrder(a: string, b: string): number {
  const batchA = a.startsWith('batch/');
  const batchB = b.startsWith('batch/');
  return batchA === batchB ? a.localeCompare(b) : batchA ? 1 : -1;
}

function metricValue(run: Run, key: string, aggregate: Aggregate, objective: Objective | undefined): number | null {
  const summary = run.metrics[key];
  if (!summary) return null;
  switch (aggregate) {
    case 'last':
      return summary.last;
    case 'min':
      return summary.min;
    case 'max':
      return summary.max;
    case 'best':
      return bestOf(summary, metricDirection(key, objective));
  }
}

type SortValue = number | string | null;

function sortValue(run: Run, column: string, aggregate: Aggregate, objective: Objective | undefined): SortValue {
  if (column.startsWith('params.')) {
    const value = run.params[column.slice('params.'.length)];
    return value === undefined || value === null ? null : typeof value === 'boolean' ? Number(value) : value;
  }
  if (column.startsWith('metrics.')) return metricValue(run, column.slice('metrics.'.length), aggregate, objective);
  switch (column) {
    case 'objective':
      return objective ? objectiveValue(run, objective) : null;
    case 'duration':
      return runDurationMs(run);
    case 'starred':
      return Number(run.starred);
    case 'name':
    case 'status':
    case 'experiment':
      return run[column];
    default:
      return run.startedAt;
  }
}

export function sortRuns(runs: readonly Run[], sort: SortState, aggregate: Aggregate, objective: Objective | undefined): Run[] {
  const keyed = runs.map((run) => ({ run, value: sortValue(run, sort.column, aggregate, objective) }));
  const sign = sort.descending ? -1 : 1;
  keyed.sort((a, b) => {
    const aMissing = a.value === null || (typeof a.value === 'number' && Number.isNaN(a.value));
    const bMissing = b.value === null || (typeof b.value === 'number' && Number.isNaN(b.value));
    if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
    if (typeof a.value === 'number' && typeof b.value === 'number') return sign * (a.value - b.value);
    return sign * String(a.value).localeCompare(String(b.value));
  });
  return keyed.map((entry) => entry.run);
}
