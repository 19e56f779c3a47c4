import { useRef } from 'react';
import type { NotebookController } from '../../state/notebook-controller';
import { useStore } from '../../state/create-store';
import { kernelStore } from '../../state/kernel-state';
import { appStore } from '../../state/app-store';
import { CellView } from './CellView';
import { NotebookHeader } from './NotebookHeader';
import { useCommandModeKeys } from './useCommandModeKeys';
import { useRunStartHoldRelease } from './useRunStartHoldRelease';
import { SaveStateBanner } from './SaveStateBanner';
import { useCellModels } from '../../components/code-editor/useCellModels';

export function NotebookView({ controller }: { controller: NotebookController }) {
  const notebook = useStore(controller.session.store, (state) => state.notebook);
  const isReadOnly = useStore(controller.session.store, (state) => state.save.status === 'read-only');
  const selectedCellId = useStore(controller.ui, (state) => state.selectedCellId);
  const mode = useStore(controller.ui, (state) => state.mode);
  const editingMarkdownIds = useStore(controller.ui, (state) => state.editingMarkdownIds);
  const runningCellId = useStore(kernelStore, (state) => state.runningCellId);
  const queuedCellIds = useStore(kernelStore, (state) => state.queuedCellIds);
  const containerRef = useRef<HTMLDivElement>(null);
  const kernel = useStore(appStore, (state) => state.kernel);
  useRunStartHoldRelease(controller.runStartHold);
  useCommandModeKeys(controller, containerRef, kernel ?? undefined);
  useCellModels(notebook.cells, notebook.language);

  return (
    <main className="notebook-view">
      <NotebookHeader controller={controller} />
      <SaveStateBanner controller={controller} />
      <div ref={containerRef} className="notebook" data-testid="notebook" data-cell-count={notebook.cells.length} data-mode={mode} tabIndex={-1}>
        {notebook.cells.map((cell, index) => (
          <CellView
            key={cell.id}
            cell={cell}
            index={index}
            controller={controller}
            language={notebook.language}
            isSelected={cell.id === selectedCellId}
            isEditing={cell.id === selectedCellId && mode === 'edit'}
            isMarkdownSource={editingMarkdownIds.has(cell.id)}
            isReadOnly={isReadOnly}
            isRunning={cell.id === runningCellId || queuedCellIds.includes(cell.id)}
          />
        ))}
        {!isReadOnly && (
          <div className="add-cell-row">
            <button type="button" className="button" data-testid="add-code-cell" onClick={() => controller.appendCell('code')}>
              + Code
            </button>
            <button type="button" className="button" data-testid="add-markdown-cell" onClick={() => controller.appendCell('markdown')}>
              + Markdown
            </button>
          </div>
        )}
      </div>
    </main>
  );
}
