/**
 * Composition root: opens the store, picks the notebook to show and renders the app. Heavy
 * libraries (Monaco, plotly, the kernel with tfjs and danfo) load later, on demand.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { NotebookId } from './lib/ids';
import { KilnDatabase } from './store/schema';
import { NotebooksRepository } from './store/notebooks-repo';
import { DatasetsRepository } from './store/datasets-repo';
import { RunsRepository } from './store/runs-repo';
import { RegistryRepository } from './store/registry-repo';
import { RunAnnotationsRepository } from './store/run-annotations-repo';
import { aliveKernelSessions } from './state/kernel-session';
import { toStorageError } from './store/storage-errors';
import { appStore } from './state/app-store';
import { fetchDemoNotebook, Workspace } from './state/workspace';
import { DatasetLibrary } from './state/dataset-library';
import { App } from './app/App';
import { ErrorBoundary } from './app/ErrorBoundary';
import { ServicesContext } from './app/services';
import './app/app.css';

async function openDatabase(): Promise<KilnDatabase | null> {
  try {
    const db = new KilnDatabase();
    await db.open();
    return db;
  } catch (error) {
    appStore.set({ storage: { status: 'unavailable', message: toStorageError(error, 'opening storage failed').message } });
    return null;
  }
}

function requestedNotebookId(): NotebookId | null {
  const match = /^#\/notebook\/([\w-]+)$/.exec(location.hash);
  return (match?.[1] as NotebookId | undefined) ?? null;
}

const TRASH_KEPT_MS = 24 * 3600_000;

/** Runs still `running` from a page that was closed (or crashed) mid-training end as interrupted. */
async function endRunsCutOffEarlier(runs: RunsRepository | null): Promise<void> {
  const alive = await aliveKernelSessions();
  if (!runs || !alive) return;
  await runs.endOrphanedRuns((session) => session !== null && alive.has(session), 'the page was closed or reloaded while the run was in progress').catch(() => undefined);
}

async function start(): Promise<void> {
  // Fetched alongside opening storage: needed only on a first visit, and then it is on the critical path.
  const demo = fetchDemoNotebook();
  demo.catch(() => undefined);
  const db = await openDatabase();
  const repository = db && new NotebooksRepository(db);
  const datasets = new DatasetLibrary(db && new DatasetsRepository(db));
  const runs = db && new RunsRepository(db);
  const registry = db && new RegistryRepository(db);
  const runAnnotations = db && runs && new RunAnnotationsRepository(db, runs);
  const workspace = new Workspace(repository, datasets, runs);
  const root = createRoot(document.getElementById('root')!);
  root.render(
    <StrictMode>
      <ErrorBoundary>
        <ServicesContext.Provider value={{ workspace, repository, datasets, runs, registry, runAnnotations }}>
          <App />
        </ServicesContext.Provider>
      </ErrorBoundary>
    </StrictMode>,
  );
  await workspace.openInitial(requestedNotebookId(), demo);
  // Edits typed in the last moments before the tab is hidden or closed are written at once.
  addEventListener('pagehide', () => void appStore.get().controller?.session.flush());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && void appStore.get().controller?.session.flush());
  void endRunsCutOffEarlier(runs);
  void repository?.emptyTrash(TRASH_KEPT_MS).catch(() => undefined); // retried on the next visit
}

void start();
