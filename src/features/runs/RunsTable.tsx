import { useMemo, useState } from 'react';
import type { RunId } from '../../lib/ids';
import type { Objective, Run } from '../../core/tracking/types';
import { bestRunId, missesThreshold, objectiveValue } from '../../core/tracking/objective';
import { useServices } from '../../app/services';
import { addRunTag, deleteRuns, removeRunTag, renameRun, toggleStar } from '../../state/run-annotations';
import { formatDuration, formatMetric, formatParam } from './format-run';
import { RunNameEditor } from './RunNameEditor';
import { RunNotesCell } from './RunNotes';
import { RunTagsCell } from './RunTagsCell';
import './run-editing.css';
import type { CellValue } from '../../core/tracking/table';
import { cellValue, compareCells, runColumns, sortRuns, type CellOptions, type MetricAggregate, type RunColumn } from '../../core/tracking/table';

type SortState = { readonly column: string; readonly descending: boolean };

const ROW_HEIGHT = 30;
const VISIBLE_ROWS = 24;
const OVERSCAN = 10;

type Props = {
  runs: readonly Run[];
  objective: Objective | undefined;
  /** Every experiment's objective: it decides what "best" means for its metric. */
  objectives: ReadonlyMap<string, Objective>;
  selected: ReadonlySet<RunId>;
  onSelect(selected: ReadonlySet<RunId>): void;
};

/** The runs table: a column per param and metric, sortable; only the rows in view are rendered (10,000 runs stay fast). */
export function RunsTable({ runs, objective, objectives, selected, onSelect }: Props) {
  const { runAnnotations: annotations } = useServices();
  const [renaming, setRenaming] = useState<RunId | null>(null);
  const [sort, setSort] = useState<SortState>({ column: 'startedAt', descending: true });
  const [aggregate, setAggregate] = useState<MetricAggregate>('last');
  const [scrollTop, setScrollTop] = useState(0);
  const allColumns = useMemo(() => runColumns(runs), [runs]);
  const columns = allColumns.filter((column): column is Exclude<RunColumn, { kind: 'attribute' }> => column.kind !== 'attribute');
  const options: CellOptions = useMemo(() => ({ aggregate, objectives }), [aggregate, objectives]);
  const sorted = useMemo(() => sortBy(runs, allColumns, sort, options, objective), [runs, allColumns, sort, options, objective]);
  const best = useMemo(() => (objective ? bestRunId(runs, objective) : null), [runs, objective]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(sorted.length, first + VISIBLE_ROWS + 2 * OVERSCAN);
  const toggle = (id: RunId) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  const header = (column: string, label: string, title?: string) => (
    <th
      key={column}
      title={title ?? `Sort by ${label}`}
      aria-sort={sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      onClick={() => setSort({ column, descending: sort.column === column ? !sort.descending : true })}
      data-column={column}
    >
      {label}
      {sort.column === column ? (sort.descending ? ' ▼' : ' ▲') : ''}
    </th>
  );
  const remove = async (ids: RunId[]) => {
    if (annotations && (await deleteRuns(annotations, ids))) onSelect(new Set());
  };

  return (
    <div className="runs-table-wrap">
      <div className="runs-table-tools">
        <label>
          Metric columns show{' '}
          <select value={aggregate} onChange={(event) => setAggregate(event.target.value as MetricAggregate)} data-testid="metric-aggregate">
            <option value="last">last value</option>
            <option value="best">best value</option>
            <option value="min">minimum</option>
            <option value="max">maximum</option>
          </select>
        </label>
        {selected.size > 0 && (
          <button type="button" className="button danger" data-testid="delete-runs" onClick={() => void remove([...selected])} title="Deletes their metric points and saved models too; Undo in the message that follows">
            Delete {selected.size} selected
          </button>
        )}
      </div>
      <div className="runs-table-scroll" onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)} style={{ maxHeight: ROW_HEIGHT * (VISIBLE_ROWS + 1) }}>
        <table className="runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th aria-label="Select" />
              {header('starred', '★', 'Sort by star')}
              {header('name', 'Run')}
              {header('status', 'Status')}
              {header('tags', 'Tags')}
              {header('notes', 'Notes')}
              {header('experiment', 'Experiment')}
              {header('startedAt', 'Started')}
              {header('duration', 'Duration')}
              {objective && header('objective', `${objective.metric} (${objective.direction})`, 'The experiment objective: best value of its metric')}
              {columns.map((column) => header(column.id, column.key, `${column.kind} ${column.key}${column.kind === 'metric' ? ` (${aggregate})` : ''}`))}
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr style={{ height: first * ROW_HEIGHT }} aria-hidden />}
            {sorted.slice(first, last).map((run) => {
              const value = objective ? objectiveValue(run, objective) : null;
              const isBest = run.id === best;
              const misses = objective ? missesThreshold(value, objective) : false;
              return (
                <tr key={run.id} className={`${selected.has(run.id) ? 'is-selected' : ''} ${isBest ? 'is-best' : ''}`} data-testid="run-row" data-run-id={run.id} data-status={run.status} style={{ height: ROW_HEIGHT }}>
                  <td>
                    <input type="checkbox" aria-label={`Select ${run.name}`} checked={selected.has(run.id)} onChange={() => toggle(run.id)} data-testid="run-select" />
                  </td>
                  <td>
                    <button
                      type="button"
                      className={`star ${run.starred ? 'is-starred' : ''}`}
                      aria-label={run.starred ? `Unstar ${run.name}` : `Star ${run.name}`}
                      aria-pressed={run.starred}
                      data-testid="run-star"
                      onClick={() => annotations && void toggleStar(annotations, run)}
                    >
                      {run.starred ? '★' : '☆'}
                    </button>
                  </td>
                  <td className="run-name" title={run.id} onDoubleClick={() => setRenaming(run.id)}>
                    {renaming === run.id && annotations ? (
                      <RunNameEditor run={run} onSave={(name) => renameRun(annotations, run.id, name)} onClose={() => setRenaming(null)} />
                    ) : (
                      <>
                        <span className="run-name-text" data-testid="run-name">{run.name}</span>
                        <button type="button" className="icon-button rename-run" aria-label={`Rename ${run.name}`} title="Rename (or double-click the name)" onClick={() => setRenaming(run.id)}>✎</button>
                        {isBest && <span className="badge best" title="Best run by the experiment's objective">best</span>}
                        {misses && <span className="badge warn" title={`Misses the threshold ${objective?.threshold}`}>below target</span>}
                      </>
                    )}
                  </td>
                  <td>
                    <span className={`run-status status-${run.status}`} title={run.problems.join('\n') || run.status}>{run.status}</span>
                  </td>
                  <td className="run-tags-cell">
                    {annotations && <RunTagsCell run={run} onAdd={(text) => addRunTag(annotations, run.id, text)} onRemove={(key) => void removeRunTag(annotations, run.id, key)} />}
                  </td>
                  <td className="run-notes-cell">
                    <RunNotesCell run={run} />
                  </td>
                  <td>{run.experiment}</td>
                  <td title={new Date(run.startedAt).toLocaleString()}>{new Date(run.startedAt).toLocaleTimeString()}</td>
                  <td className="num">{formatDuration(run)}</td>
                  {objective && <td className="num">{value === null ? '—' : formatMetric(value)}</td>}
                  {columns.map((column) => (
                    <td key={column.id} className="num">{formatCell(cellValue(run, column, options))}</td>
                  ))}
                </tr>
              );
            })}
            {last < sorted.length && <tr style={{ height: (sorted.length - last) * ROW_HEIGHT }} aria-hidden />}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function formatCell(value: CellValue): string {
  return typeof value === 'number' ? formatMetric(value) : formatParam(value ?? undefined);
}

/** Columns sort through core's table rules; the objective column (a view of one metric) sorts the same way. */
function sortBy(runs: readonly Run[], columns: readonly RunColumn[], sort: SortState, options: CellOptions, objective: Objective | undefined): Run[] {
  const direction = sort.descending ? 'descending' : 'ascending';
  if (sort.column === 'objective') {
    if (!objective) return [...runs];
    const keyed = runs.map((run, index) => ({ run, index, value: objectiveValue(run, objective) }));
    keyed.sort((a, b) => compareCells(a.value, b.value, direction) || a.index - b.index);
    return keyed.map((entry) => entry.run);
  }
  const column = columns.find((candidate) => candidate.id === sort.column) ?? ({ kind: 'attribute', id: 'startedAt' } as const);
  return sortRuns(runs, column, direction, options);
}
