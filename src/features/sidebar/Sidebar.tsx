import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { NotebookId } from '../../lib/ids';
import type { NotebookSummary } from '../../store/notebooks-repo';
import { useServices } from '../../app/services';
import { useStore } from '../../state/create-store';
import { appStore } from '../../state/app-store';
import type { NotebookController } from '../../state/notebook-controller';
import { formatRelativeTime } from './relative-time';
import { DatasetsPanel } from '../datasets/DatasetsPanel';

export function Sidebar() {
  const { repository, workspace } = useServices();
  const [query, setQuery] = useState('');
  const openId = useStore(appStore, (state) => state.openNotebookId);
  const view = useStore(appStore, (state) => state.view);
  const notebooks = useLiveQuery(() => repository?.list() ?? Promise.resolve([]), [repository]);
  const needle = query.trim().toLowerCase();
  const shown = (notebooks ?? []).filter((notebook) => notebook.name.toLowerCase().includes(needle));

  return (
    <nav className="sidebar" aria-label="Notebooks">
      <div className="brand">
        <span className="brand-mark" aria-hidden>K</span> Kiln
      </div>
      <div className="view-switch" role="tablist" aria-label="View">
        <button type="button" role="tab" aria-selected={view === 'notebook'} data-testid="view-notebook" onClick={() => appStore.set({ view: 'notebook' })}>Notebook</button>
        <button type="button" role="tab" aria-selected={view === 'runs'} data-testid="view-runs" onClick={() => appStore.set({ view: 'runs' })}>Runs</button>
        <button type="button" role="tab" aria-selected={view === 'models'} data-testid="view-models" onClick={() => appStore.set({ view: 'models' })}>Models</button>
      </div>
      <div className="sidebar-actions">
        <input
          type="search"
          className="sidebar-search"
          placeholder="Search notebooks"
          aria-label="Search notebooks"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="button" className="button primary" data-testid="new-notebook" onClick={() => void workspace.create()} title="New notebook">
          + New
        </button>
      </div>
      <ul className="notebook-list" data-testid="notebook-list">
        {shown.map((notebook) => (
          <NotebookItem key={notebook.id} notebook={notebook} isOpen={notebook.id === openId} />
        ))}
        {!repository && <UnsavedNotebookItem />}
        {repository && notebooks && shown.length === 0 && <li className="empty">{needle ? 'No notebook matches.' : 'No notebooks yet.'}</li>}
      </ul>
      <DatasetsPanel />
      {!repository && <div className="sidebar-warning">Storage unavailable: notebooks are not saved.</div>}
    </nav>
  );
}

/** Without browser storage the open notebook is the only one, and lives in this tab's memory. */
function UnsavedNotebookItem() {
  const controller = useStore(appStore, (state) => state.controller);
  if (!controller) return null;
  return <UnsavedNotebookName controller={controller} />;
}

function UnsavedNotebookName({ controller }: { controller: NotebookController }) {
  const name = useStore(controller.session.store, (state) => state.notebook.name);
  return (
    <li className="notebook-item is-open" data-testid="notebook-item" data-name={name}>
      <span className="notebook-open">
        <span className="notebook-name">{name}</span>
        <span className="notebook-meta">in this tab's memory only</span>
      </span>
    </li>
  );
}

function NotebookItem({ notebook, isOpen }: { notebook: NotebookSummary; isOpen: boolean }) {
  const { workspace } = useServices();
  const [isRenaming, setIsRenaming] = useState(false);
  const open = () => {
    appStore.set({ view: 'notebook' });
    void workspace.open(notebook.id as NotebookId);
  };

  return (
    <li className={`notebook-item ${isOpen ? 'is-open' : ''}`} data-testid="notebook-item" data-name={notebook.name}>
      {isRenaming ? (
        <input
          className="rename-input"
          aria-label="Notebook name"
          defaultValue={notebook.name}
          autoFocus
          onBlur={(event) => {
            setIsRenaming(false);
            void workspace.rename(notebook.id, event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.currentTarget.blur();
            if (event.key === 'Escape') setIsRenaming(false);
          }}
        />
      ) : (
        <button type="button" className="notebook-open" onClick={open} onDoubleClick={() => setIsRenaming(true)} title={notebook.name}>
          <span className="notebook-name">{notebook.name}</span>
          <span className="notebook-meta">
            {formatRelativeTime(notebook.updatedAt)} · {notebook.cellCount} cells{notebook.language !== 'typescript' ? ` · ${notebook.language}` : ''}
          </span>
        </button>
      )}
      <span className="notebook-item-actions">
        <button type="button" className="icon-button" title="Rename" aria-label={`Rename ${notebook.name}`} onClick={() => setIsRenaming(true)}>✎</button>
        <button type="button" className="icon-button" title="Duplicate" aria-label={`Duplicate ${notebook.name}`} onClick={() => void workspace.duplicate(notebook.id)}>⧉</button>
        <button type="button" className="icon-button danger" title="Delete" aria-label={`Delete ${notebook.name}`} onClick={() => void workspace.delete(notebook.id, notebook.name)}>✕</button>
      </span>
    </li>
  );
}
