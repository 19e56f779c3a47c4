import { lazy, Suspense } from 'react';
import { useStore } from '../state/create-store';
import { appStore } from '../state/app-store';
import { Sidebar } from '../features/sidebar/Sidebar';
import { NotebookView } from '../features/notebook/NotebookView';
import { ShortcutsDialog } from './ShortcutsDialog';
import { Toasts } from './Toasts';
import { DropOverlay } from '../features/datasets/DropOverlay';

// The runs view (and its charts) loads when first opened, not with the notebook.
const RunsView = lazy(() => import('../features/runs/RunsView').then((module) => ({ default: module.RunsView })));
const ModelsView = lazy(() => import('../features/registry/ModelsView').then((module) => ({ default: module.ModelsView })));

export function App() {
  const controller = useStore(appStore, (state) => state.controller);
  const dialog = useStore(appStore, (state) => state.dialog);
  const storage = useStore(appStore, (state) => state.storage);
  const view = useStore(appStore, (state) => state.view);
  return (
    <div className="app">
      <Sidebar />
      <div className="main-column">
        {storage.status === 'unavailable' && (
          <div className="banner error" role="alert" data-testid="storage-banner">
            {storage.message} Kiln keeps working in memory, but nothing is saved: export your notebook before closing this tab.
          </div>
        )}
        {view === 'runs' ? (
          <Suspense fallback={<div className="loading">Opening runs…</div>}>
            <RunsView />
          </Suspense>
        ) : view === 'models' ? (
          <Suspense fallback={<div className="loading">Opening models…</div>}>
            <ModelsView />
          </Suspense>
        ) : controller ? (
          <NotebookView key={controller.session.id} controller={controller} />
        ) : (
          <div className="loading">Opening notebook…</div>
        )}
      </div>
      {dialog === 'shortcuts' && <ShortcutsDialog />}
      <DropOverlay />
      <Toasts />
    </div>
  );
}
