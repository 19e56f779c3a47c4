import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import {
  archive,
  compareWithProduction,
  productionOf,
  promote,
  rollback,
  rollbackTargets,
  setStaging,
  type ModelState,
  type ModelVersion,
  type RegisteredModel,
} from '../../core/registry';
import { errorMessage } from '../../core/errors';
import { useServices } from '../../app/services';
import type { ModelTransition } from '../../store/registry-repo';
import { ExportStatusLine } from './ExportStatusLine';
import { useArtifactExport } from './useArtifactExport';
import './registry.css';

const formatValue = (value: number | null) => (value === null ? '—' : Number(value.toPrecision(4)).toString());
const formatTime = (at: number) => new Date(at).toLocaleString();

function objectiveText(version: ModelVersion): string {
  return version.objective ? `${version.objective.metric} ${formatValue(version.objective.value)}` : '—';
}

/** Every registered model: its versions with their stages and actions, export, and the history of changes. */
export function ModelsView() {
  const { registry } = useServices();
  const models = useLiveQuery(() => registry?.models() ?? Promise.resolve([] as RegisteredModel[]), [registry]);
  const versions = useLiveQuery(() => registry?.allVersions() ?? Promise.resolve([] as ModelVersion[]), [registry]);

  if (!registry) return <div className="models-view empty-state">Browser storage is unavailable, so models cannot be registered.</div>;

  return (
    <div className="models-view" data-testid="models-view">
      <h1>Models</h1>
      {models?.length === 0 && <div className="empty-state">No registered models yet. In Runs, compare a run that saved a model and choose “Register model”.</div>}
      {(models ?? []).map((model) => (
        <ModelCard key={model.name} state={{ model, versions: (versions ?? []).filter((entry) => entry.model === model.name).sort((a, b) => a.version - b.version) }} />
      ))}
    </div>
  );
}

function ModelCard({ state }: { state: ModelState }) {
  const { registry } = useServices();
  const { model } = state;
  const [candidate, setCandidate] = useState<number | null>(null);
  const [keepFallback, setKeepFallback] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const exporting = useArtifactExport();
  const production = productionOf(state);
  const targets = new Set(rollbackTargets(state).map((entry) => entry.version));
  const isExporting = exporting.status.kind === 'running';

  const change = async (transition: ModelTransition) => {
    try {
      await registry?.update(model.name, transition);
      setProblem(null);
      setCandidate(null);
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };
  const comparison = candidate === null ? null : compareWithProduction(state, candidate);

  return (
    <section className="model-card" data-testid="model-card" data-model={model.name}>
      <header className="model-card-header">
        <h2>{model.name}</h2>
        <span className="model-card-summary" data-testid="model-summary">
          {state.versions.length} version{state.versions.length === 1 ? '' : 's'} · production {production ? `v${production.version}` : 'none'}
          {model.fallback !== null && ` · fallback v${model.fallback}`}
        </span>
        <button type="button" className="button primary" data-testid="export-production" disabled={!production || isExporting} title={production ? 'Download production (and its fallback) as a deployable .zip' : 'Promote a version to production first'} onClick={() => void exporting.start({ kind: 'production', model: model.name })}>
          Export production
        </button>
      </header>

      {candidate !== null && (
        <div className="promote-confirm" data-testid="promote-confirm">
          <span data-testid="promote-comparison">
            Promote v{candidate} to production?{' '}
            {comparison ? (
              <>
                {comparison.metric} ({comparison.direction === 'max' ? 'higher' : 'lower'} is better): candidate <strong>{formatValue(comparison.candidate)}</strong> vs production {production ? `v${production.version}` : ''} <strong>{formatValue(comparison.production)}</strong>
                {comparison.isCandidateBetter === true && <span className="comparison-better"> — better</span>}
                {comparison.isCandidateBetter === false && <span className="comparison-worse"> — worse</span>}
              </>
            ) : (
              'This version has no objective to compare (set one in Runs).'
            )}
          </span>
          {production && (
            <label>
              <input type="checkbox" checked={keepFallback} onChange={(event) => setKeepFallback(event.target.checked)} /> keep v{production.version} as fallback
            </label>
          )}
          <button type="button" className="button primary" data-testid="promote-confirm-button" onClick={() => void change((current, at) => promote(current, candidate, at, { keepPreviousAsFallback: keepFallback }))}>
            Promote
          </button>
          <button type="button" className="button" onClick={() => setCandidate(null)}>Cancel</button>
        </div>
      )}

      <table className="versions-table" data-testid="versions-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Run</th>
            <th>Objective</th>
            <th>Stage</th>
            <th>Created</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {state.versions.map((version) => (
            <tr key={version.version} data-testid="version-row" data-version={version.version} data-stage={version.stage}>
              <td>v{version.version}</td>
              <td>{version.runName}</td>
              <td>{objectiveText(version)}</td>
              <td>
                <span className="stage-badge" data-stage={version.stage}>{version.stage === 'none' ? '—' : version.stage}</span>
                {model.fallback === version.version && <span className="fallback-badge">fallback</span>}
              </td>
              <td>{formatTime(version.createdAt)}</td>
              <td>
                <div className="version-actions">
                  {version.stage !== 'production' && (
                    <>
                      <button type="button" className="button" data-testid="promote" onClick={() => setCandidate(version.version)}>Promote</button>
                      <button type="button" className="button" data-testid="stage" onClick={() => void change((current, at) => setStaging(current, version.version, version.stage !== 'staging', at))}>
                        {version.stage === 'staging' ? 'Unstage' : 'Stage'}
                      </button>
                    </>
                  )}
                  {targets.has(version.version) && (
                    <button type="button" className="button" data-testid="rollback" onClick={() => void change((current, at) => rollback(current, version.version, at))}>Roll back to v{version.version}</button>
                  )}
                  {version.stage !== 'production' && version.stage !== 'archived' && (
                    <button type="button" className="button" data-testid="archive" onClick={() => void change((current, at) => archive(current, version.version, at))}>Archive</button>
                  )}
                  <button type="button" className="button" data-testid="export-version" disabled={isExporting} onClick={() => void exporting.start({ kind: 'version', model: model.name, version: version.version })}>Export</button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {problem && <div className="export-status export-error" role="alert" data-testid="model-error">{problem}</div>}
      <ExportStatusLine status={exporting.status} />

      <details className="model-history" open>
        <summary>History</summary>
        <ol data-testid="model-history">
          {[...model.history].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              {formatTime(entry.at)} · {entry.action} · v{entry.version}
              {entry.action !== 'register' && `: ${entry.from} → ${entry.to}`}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
