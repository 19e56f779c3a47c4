import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { RunId } from '../../lib/ids';
import type { Run } from '../../core/tracking/types';
import { useServices } from '../../app/services';
import { RunsTable } from './RunsTable';
import { ComparePanel } from './ComparePanel';
import { ObjectiveEditor } from './ObjectiveEditor';
import { filterRuns } from './filter-runs';
import { exportRunsCsv, exportRunsJson, exportRunsMlflowZip, importRunsJson, mlflowExport } from '../../state/runs-transfer';
import { useStore } from '../../state/create-store';

/** Every tracked run: filter, sort, select, and compare. */
export function RunsView() {
  const { runs: repository } = useServices();
  const runs = useLiveQuery(() => repository?.list() ?? Promise.resolve([] as Run[]), [repository]);
  const experiments = useLiveQuery(() => repository?.experiments() ?? Promise.resolve([]), [repository]);
  const [experiment, setExperiment] = useState<string>('');
  const [query, setQuery] = useState('');
  const mlflowProgress = useStore(mlflowExport, (state) => state.progress);
  const [isStarredOnly, setIsStarredOnly] = useState(false);
  const deferredQuery = useDeferredValue(query);
  const [selected, setSelected] = useState<ReadonlySet<RunId>>(new Set());
  const importInput = useRef<HTMLInputElement>(null);

  const inExperiment = useMemo(() => (runs ?? []).filter((run) => experiment === '' || run.experiment === experiment), [runs, experiment]);
  const starredOrAll = useMemo(() => (isStarredOnly ? inExperiment.filter((run) => run.starred) : inExperiment), [inExperiment, isStarredOnly]);
  const result = useMemo(() => filterRuns(starredOrAll, deferredQuery), [starredOrAll, deferredQuery]);
  // A query that does not parse leaves the table as it was, with the error shown under the box.
  const lastShown = useRef<readonly Run[]>([]);
  if (!result.error) lastShown.current = result.runs;
  const filtered = { runs: result.error ? lastShown.current : result.runs, error: result.error };
  const objective = experiments?.find((candidate) => candidate.name === experiment)?.objective;
  const objectives = useMemo(
    () => new Map((experiments ?? []).flatMap((candidate) => (candidate.objective ? [[candidate.name, candidate.objective] as const] : []))),
    [experiments],
  );
  const chosen = (runs ?? []).filter((run) => selected.has(run.id));

  if (!repository) return <div className="runs-view empty-state">Browser storage is unavailable, so runs cannot be tracked.</div>;

  return (
    <div className="runs-view" data-testid="runs-view">
      <header className="runs-header">
        <h1>Runs</h1>
        <select aria-label="Experiment" data-testid="experiment-select" value={experiment} onChange={(event) => setExperiment(event.target.value)}>
          <option value="">All experiments</option>
          {(experiments ?? []).map((candidate) => (
            <option key={candidate.name} value={candidate.name}>{candidate.name}</option>
          ))}
        </select>
        {experiment !== '' && <ObjectiveEditor experiment={experiment} objective={objective} runs={inExperiment} />}
        <button
          type="button"
          className={`button star-filter ${isStarredOnly ? 'is-on' : ''}`}
          aria-pressed={isStarredOnly}
          data-testid="starred-only"
          title="Show starred runs only (or filter with: starred)"
          onClick={() => setIsStarredOnly(!isStarredOnly)}
        >
          {isStarredOnly ? '★' : '☆'} Starred
        </button>
        <div className="runs-filter">
          <input
            type="search"
            className={`runs-query ${filtered.error ? 'has-error' : ''}`}
            data-testid="runs-query"
            placeholder="Filter: metrics.val_acc > 0.9 and tags.baseline and starred, or words to search names, notes and tags"
            aria-label="Filter runs"
            aria-invalid={filtered.error !== null}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          {filtered.error && (
            <div className="query-error" role="alert" data-testid="query-error">
              {filtered.error}
            </div>
          )}
        </div>
        <span className="runs-count" data-testid="runs-count">{filtered.runs.length} of {inExperiment.length} runs</span>
        <div className="runs-transfer">
          <button type="button" className="button" data-testid="export-runs-csv" onClick={() => exportRunsCsv(filtered.runs)} title="The runs shown, one row each">Export CSV</button>
          <button type="button" className="button" data-testid="export-runs-json" onClick={() => void exportRunsJson(repository, filtered.runs)} title="The runs shown with every metric point; imports back without loss">Export JSON</button>
          <button
            type="button"
            className="button"
            data-testid="export-runs-mlflow"
            disabled={filtered.runs.length === 0 || mlflowProgress !== null}
            onClick={() => void exportRunsMlflowZip(repository, filtered.runs)}
            title="The runs shown in MLflow's mlruns/ file-store layout; unzip and run: mlflow ui --backend-store-uri ./mlruns"
          >
            {mlflowProgress === null ? 'Export MLflow (zip)' : `Exporting… ${Math.round(mlflowProgress * 100)}%`}
          </button>
          <button type="button" className="button" onClick={() => importInput.current?.click()}>Import JSON</button>
          <input
            ref={importInput}
            type="file"
            hidden
            accept=".json,application/json"
            data-testid="import-runs-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void importRunsJson(repository, file);
            }}
          />
        </div>
      </header>
      {runs && runs.length === 0 ? (
        <div className="empty-state" data-testid="runs-empty">
          No runs yet. Every <code>model.fit</code> in a notebook is tracked here (autolog), or log your own with{' '}
          <code>const run = track.start(&#123; params: &#123; lr: 0.01 &#125; &#125;); run.log(&#123; auc: 0.91 &#125;); run.end()</code>.
        </div>
      ) : (
        <RunsTable runs={filtered.runs} objective={objective} objectives={objectives} selected={selected} onSelect={setSelected} />
      )}
      {chosen.length > 0 && <ComparePanel runs={chosen} objective={objective} onClear={() => setSelected(new Set())} />}
    </div>
  );
}
