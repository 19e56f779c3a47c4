import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { Run } from '../../core/tracking/types';
import type { ModelVersion } from '../../core/registry';
import { errorMessage } from '../../core/errors';
import { useServices } from '../../app/services';
import { showToast } from '../../state/app-store';
import { registerRun } from '../../state/registry-actions';
import { ExportStatusLine } from './ExportStatusLine';
import { useArtifactExport } from './useArtifactExport';
import './registry.css';

/** A run record's "Register model" (asks for the model name, the experiment's by default) and "Export". */
export function RunRegistryActions({ run }: { run: Run }) {
  const { runs, registry } = useServices();
  const registered = useLiveQuery(() => registry?.versionsOfRun(run.id) ?? Promise.resolve([] as ModelVersion[]), [registry, run.id]);
  const [name, setName] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const exporting = useArtifactExport();

  const register = async (modelName: string) => {
    if (!runs || !registry) return setProblem('Browser storage is unavailable, so models cannot be registered.');
    try {
      const version = await registerRun(runs, registry, run.id, modelName);
      setName(null);
      setProblem(null);
      showToast({ message: `Registered ${run.name} as ${version.model} v${version.version}.`, tone: 'info' });
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };

  return (
    <div className="run-registry-actions">
      {(registered ?? []).length > 0 && (
        <div className="registered-as" data-testid="registered-as">
          Registered as {(registered ?? []).map((entry) => `${entry.model} v${entry.version}`).join(', ')}
        </div>
      )}
      {name === null ? (
        <div className="run-registry-buttons">
          <button type="button" className="button" data-testid="register-run" onClick={() => (run.hasModel ? setName(run.experiment) : void register(run.experiment))}>
            Register model
          </button>
          <button type="button" className="button" data-testid="export-run" disabled={exporting.status.kind === 'running'} onClick={() => void exporting.start({ kind: 'run', runId: run.id })}>
            Export
          </button>
        </div>
      ) : (
        <form
          className="register-form"
          onSubmit={(event) => {
            event.preventDefault();
            void register(name);
          }}
        >
          <label>
            Model name <input autoFocus data-testid="register-name" value={name} onChange={(event) => setName(event.target.value)} />
          </label>
          <button type="submit" className="button primary" data-testid="register-confirm">Register</button>
          <button type="button" className="button" onClick={() => setName(null)}>Cancel</button>
        </form>
      )}
      {problem && <div className="export-status export-error" role="alert" data-testid="register-error">{problem}</div>}
      <ExportStatusLine status={exporting.status} />
    </div>
  );
}
