/**
 * The runs table's model: which columns exist (a column per param and per metric, in a stable
 * order), what each cell holds, how a column sorts, and the full-text search box. Filtering with
 * the query language lives in ./query.ts; `selectRuns` puts filter, search and sort together.
 */
import { assertNever } from '../../lib/invariant';
import { bestOf, metricDirection } from './objective';
import type { RunPredicate } from './query';
import { compareText } from './text-order';
import type { Objective, Run } from './types';

/** Which value of a metric's history a metric column shows: best follows the objective, else the direction guessed from the name. */
export type MetricAggregate = 'last' | 'best' | 'min' | 'max';

export const ATTRIBUTE_COLUMNS = ['name', 'experiment', 'status', 'startedAt', 'duration', 'tags', 'notes', 'starred'] as const;
export type AttributeColumnId = (typeof ATTRIBUTE_COLUMNS)[number];

/** Column ids use the filter language's spelling: `params.lr`, `metrics.val_acc`, `duration`. */
export type RunColumn =
  | { readonly kind: 'attribute'; readonly id: AttributeColumnId }
  | { readonly kind: 'param'; readonly id: string; readonly key: string }
  | { readonly kind: 'metric'; readonly id: string; readonly key: string };

/** null: the run has no value here (a param it never set, a duration while it runs). */
export type CellValue = string | number | boolean | null;

export type CellOptions = {
  readonly aggregate: MetricAggregate;
  /** Objectives by experiment name: they decide what "best" means for their metric. */
  readonly objectives?: ReadonlyMap<string, Objective>;
};

export type SortDirection = 'ascending' | 'descending';

/** Text sorts by the locale (numbers inside it numerically), then by code point so no two distinct keys tie. */
function compareKeys(a: string, b: string): number {
  return compareText(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function keysOf(runs: readonly Run[], record: (run: Run) => Readonly<Record<string, unknown>>): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(record(run))) keys.add(key);
  return [...keys].sort(compareKeys);
}

/** Every param key any of the runs set, sorted: the order does not depend on which run came first. */
export const paramKeys = (runs: readonly Run[]): string[] => keysOf(runs, (run) => run.params);
export const metricKeys = (runs: readonly Run[]): string[] => keysOf(runs, (run) => run.metrics);
export const tagKeys = (runs: readonly Run[]): string[] => keysOf(runs, (run) => run.tags);

/** The attribute columns, then one per param, then one per metric. */
export function runColumns(runs: readonly Run[]): RunColumn[] {
  return [
    ...ATTRIBUTE_COLUMNS.map((id) => ({ kind: 'attribute', id }) as const),
    ...paramKeys(runs).map((key) => ({ kind: 'param', id: `params.${key}`, key }) as const),
    ...metricKeys(runs).map((key) => ({ kind: 'metric', id: `metrics.${key}`, key }) as const),
  ];
}

export function runDuration(run: Run): number | null {
  return run.endedAt === null ? null : run.endedAt - run.startedAt;
}

/** Tags as one sortable, searchable line: `key` for label tags ("true" or empty), `key=value` otherwise. */
export function tagsText(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort(compareKeys)
    .map((key) => (tags[key] === 'true' || tags[key] === '' ? key : `${key}=${tags[key]}`))
    .join(', ');
}

function attributeValue(run: Run, id: AttributeColumnId): CellValue {
  switch (id) {
    case 'name':
    case 'experiment':
    case 'status':
    case 'notes':
    case 'startedAt':
    case 'starred':
      return run[id];
    case 'duration':
      return runDuration(run);
    case 'tags':
      return tagsText(run.tags);
    default:
      return assertNever(id, 'attribute column');
  }
}

export function metricValue(run: Run, key: string, options: CellOptions): number | null {
  const summary = Object.hasOwn(run.metrics, key) ? run.metrics[key] : undefined;
  if (summary === undefined) return null;
  switch (options.aggregate) {
    case 'last':
    case 'min':
    case 'max':
      return summary[options.aggregate];
    case 'best':
      return bestOf(summary, metricDirection(key, options.objectives?.get(run.experiment)));
    default:
      return assertNever(options.aggregate, 'metric aggregate');
  }
}

export function cellValue(run: Run, column: RunColumn, options: CellOptions): CellValue {
  switch (column.kind) {
    case 'attribute':
      return attributeValue(run, column.id);
    case 'param':
      return (Object.hasOwn(run.params, column.key) ? run.params[column.key] : undefined) ?? null;
    case 'metric':
      return metricValue(run, column.key, options);
    default:
      return assertNever(column, 'column');
  }
}

/** Where a value sorts in ascending order: numbers, then false/true, then text; NaN and missing are handled apart. */
function typeRank(value: string | number | boolean): number {
  return typeof value === 'number' ? 0 : typeof value === 'boolean' ? 1 : 2;
}

const isAbsent = (value: CellValue): boolean => value === null || (typeof value === 'number' && Number.isNaN(value));

/**
 * Orders two cells: numbers numerically (±Infinity at the ends), text by the locale, booleans
 * false first; reversed when descending. NaN, then missing values, come last in both directions.
 */
export function compareCells(a: CellValue, b: CellValue, direction: SortDirection): number {
  const aAbsent = isAbsent(a);
  const bAbsent = isAbsent(b);
  if (aAbsent || bAbsent) {
    if (!aAbsent) return -1;
    if (!bAbsent) return 1;
    return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  }
  const [x, y] = [a as string | number | boolean, b as string | number | boolean];
  let order = typeRank(x) - typeRank(y);
  if (order === 0) {
    if (typeof x === 'string') order = compareText(x, y as string);
    else order = x < y ? -1 : x > y ? 1 : 0;
  }
  return direction === 'ascending' ? order : -order;
}

/** Sorted copy; each cell is computed once, and equal cells keep the runs' given order. */
export function sortRuns(runs: readonly Run[], column: RunColumn, direction: SortDirection, options: CellOptions): Run[] {
  const keyed = runs.map((run, index) => ({ run, index, value: cellValue(run, column, options) }));
  keyed.sort((a, b) => compareCells(a.value, b.value, direction) || a.index - b.index);
  return keyed.map((entry) => entry.run);
}

/** Lower-cased name, notes and tags of a run, built once per run object (stored runs are replaced, never mutated). */
const searchTexts = new WeakMap<Run, string>();

function searchText(run: Run): string {
  let text = searchTexts.get(run);
  if (text === undefined) {
    text = [run.name, run.notes, ...Object.entries(run.tags).flat()].join('\n').toLowerCase();
    searchTexts.set(run, text);
  }
  return text;
}

/** Full-text search: every whitespace-separated word must occur, ignoring case, in the name, the notes or a tag key or value. */
export function searchPredicate(text: string): RunPredicate {
  const words = text.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return () => true;
  return (run) => {
    const haystack = searchText(run);
    return words.every((word) => haystack.includes(word));
  };
}

export type RunSelection = {
  /** A compiled filter query (see compileFilter). */
  readonly filter?: RunPredicate;
  readonly search?: string;
  readonly sort?: { readonly column: RunColumn; readonly direction: SortDirection };
};

/** What the runs table shows: runs passing the filter and the search, sorted. */
export function selectRuns(runs: readonly Run[], selection: RunSelection, options: CellOptions): Run[] {
  const { filter, search = '', sort } = selection;
  const matchesSearch = searchPredicate(search);
  const kept = runs.filter((run) => (filter === undefined || filter(run)) && matchesSearch(run));
  return sort === undefined ? kept : sortRuns(kept, sort.column, sort.direction, options);
}
