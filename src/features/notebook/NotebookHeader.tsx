import { useRef } from 'react';
import type { NotebookController } from '../../state/notebook-controller';
import { useStore } from '../../state/create-store';
import { appStore } from '../../state/app-store';
import { useServices } from '../../app/services';
import { SaveIndicator } from './SaveIndicator';
import { KernelControls } from './KernelControls';

export function NotebookHeader({ controller }: { controller: NotebookController }) {
  const { workspace } = useServices();
  const name = useStore(controller.session.store, (state) => state.notebook.name);
  // A boolean, not the save state: that changes on every edit, and would re-render the whole toolbar.
  const isReadOnly = useStore(controller.session.store, (state) => state.save.status === 'read-only');
  const importInput = useRef<HTMLInputElement>(null);

  return (
    <header className="notebook-header">
      <div className="title-row">
        <input
          key={name}
          className="notebook-title"
          aria-label="Notebook name"
          data-testid="notebook-title"
          defaultValue={name}
          readOnly={isReadOnly}
          onBlur={(event) => event.target.value !== name && void workspace.rename(controller.session.id, event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.currentTarget.blur();
            if (event.key === 'Escape') {
              event.currentTarget.value = name;
              event.currentTarget.blur();
            }
          }}
        />
        {/* File actions and help sit with the title, so the run controls below keep to one row. */}
        <div className="file-actions">
          <button type="button" className="button subtle" onClick={() => importInput.current?.click()} title="Import a Jupyter notebook (.ipynb)">Import</button>
          <input
            ref={importInput}
            type="file"
            accept=".ipynb,application/x-ipynb+json,application/json"
            hidden
            data-testid="import-ipynb-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void workspace.importFile(file);
            }}
          />
          <button type="button" className="button subtle" data-testid="export-ipynb" onClick={() => workspace.exportIpynb(controller.session.notebook)} title="Download as Jupyter notebook">Export .ipynb</button>
          <button type="button" className="button subtle" data-testid="export-html" onClick={() => void workspace.exportHtml(controller.session.notebook)} title="Download the rendered notebook as HTML">Export HTML</button>
          <button type="button" className="button subtle" onClick={() => appStore.set({ dialog: 'shortcuts' })} title="Keyboard shortcuts (?)">?</button>
        </div>
        <SaveIndicator session={controller.session} />
      </div>
      <div className="toolbar" role="toolbar" aria-label="Notebook">
        <KernelControls controller={controller} />
        <span className="toolbar-separator" />
        <button type="button" className="button" disabled={isReadOnly} onClick={() => controller.insert('below', 'code')} title="Insert a code cell below (B)">+ Cell</button>
        <button type="button" className="button" disabled={isReadOnly} onClick={() => controller.clearOutputs()} title="Clear all outputs">Clear outputs</button>
      </div>
    </header>
  );
}
