import { memo, useCallback, useState, type DragEvent } from 'react';
import type { Cell } from '../../core/notebook/types';
import type { CellId } from '../../lib/ids';
import { CodeEditor } from '../../components/code-editor/CodeEditor';
import { Markdown } from '../../components/Markdown';
import type { NotebookController } from '../../state/notebook-controller';
import { OutputArea } from './outputs/OutputArea';
import { CellGutter } from './CellGutter';

type Props = {
  cell: Cell;
  index: number;
  controller: NotebookController;
  language: string;
  isSelected: boolean;
  isEditing: boolean;
  isMarkdownSource: boolean;
  isReadOnly: boolean;
  isRunning: boolean;
};

const CELL_DRAG_TYPE = 'application/x-kiln-cell';

/** One cell: gutter (count, state, drag handle), editor or rendered markdown, outputs. Memoised: typing in one cell re-renders only that cell. */
export const CellView = memo(function CellView({ cell, index, controller, language, isSelected, isEditing, isMarkdownSource, isReadOnly, isRunning }: Props) {
  const [dropSide, setDropSide] = useState<'above' | 'below' | null>(null);
  const cellId = cell.id;
  const onChange = useCallback((source: string) => controller.setSource(cellId, source), [controller, cellId]);
  const onFocus = useCallback(() => controller.select(cellId, 'edit'), [controller, cellId]);
  const keys = {
    onRun: (mode: Parameters<NotebookController['runCell']>[1]) => void controller.runCell(cellId, mode),
    onEscape: () => controller.enterCommandMode(),
  };

  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes(CELL_DRAG_TYPE)) return;
    event.preventDefault();
    const box = event.currentTarget.getBoundingClientRect();
    setDropSide(event.clientY < box.top + box.height / 2 ? 'above' : 'below');
  };
  const onDrop = (event: DragEvent) => {
    const draggedId = event.dataTransfer.getData(CELL_DRAG_TYPE) as CellId;
    setDropSide(null);
    if (!draggedId || draggedId === cellId) return;
    event.preventDefault();
    const fromIndex = controller.session.notebook.cells.findIndex((candidate) => candidate.id === draggedId);
    const target = dropSide === 'below' ? index + 1 : index;
    controller.moveCell(draggedId, fromIndex < target ? target - 1 : target);
  };

  const errorLine = cell.type === 'code' ? cell.outputs.find((output) => output.type === 'error')?.line : undefined;
  const isCollapsedInput = cell.type === 'code' && cell.isInputCollapsed;
  const isCollapsedOutput = cell.type === 'code' && cell.isOutputCollapsed;
  const editorLanguage = cell.type === 'markdown' ? 'markdown' : cell.type === 'raw' ? 'plaintext' : language;

  return (
    <div
      className={`cell cell-${cell.type} ${isSelected ? 'is-selected' : ''} ${isSelected && isEditing ? 'is-editing' : ''} ${dropSide ? `drop-${dropSide}` : ''}`}
      data-testid="cell"
      data-cell-id={cellId}
      data-cell-type={cell.type}
      data-selected={isSelected}
      onMouseDown={() => !isSelected && controller.select(cellId)}
      onDragOver={onDragOver}
      onDragLeave={() => setDropSide(null)}
      onDrop={onDrop}
    >
      <CellGutter cell={cell} isRunning={isRunning} onDragStart={(event) => {
        event.dataTransfer.setData(CELL_DRAG_TYPE, cellId);
        event.dataTransfer.effectAllowed = 'move';
      }} />
      <div className="cell-body">
        {cell.type === 'markdown' && !isMarkdownSource ? (
          <div className="markdown-rendered" data-testid="markdown-rendered" onDoubleClick={() => controller.enterEditMode(cellId)}>
            {cell.source.trim() ? <Markdown source={cell.source} /> : <span className="placeholder">Empty markdown cell: double-click to edit</span>}
          </div>
        ) : isCollapsedInput ? (
          <button type="button" className="collapsed-bar" onClick={() => controller.toggleCollapse('input', cellId)}>
            ⋯ input hidden ({cell.source.split('\n').length} lines)
          </button>
        ) : (
          <CodeEditor
            cellId={cellId}
            value={cell.source}
            language={editorLanguage}
            isReadOnly={isReadOnly}
            shouldFocus={isSelected && isEditing}
            onChange={onChange}
            onFocus={onFocus}
            keys={keys}
            errorLine={errorLine}
          />
        )}
        {cell.type === 'code' &&
          (isCollapsedOutput ? (
            cell.outputs.length > 0 && (
              <button type="button" className="collapsed-bar" onClick={() => controller.toggleCollapse('output', cellId)}>
                ⋯ {cell.outputs.length} output{cell.outputs.length === 1 ? '' : 's'} hidden
              </button>
            )
          ) : (
            <OutputArea outputs={cell.outputs} />
          ))}
      </div>
      {!isReadOnly && <CellActions cell={cell} controller={controller} />}
    </div>
  );
});

function CellActions({ cell, controller }: { cell: Cell; controller: NotebookController }) {
  const act = (run: () => void) => () => {
    controller.select(cell.id, 'command');
    run();
  };
  return (
    <div className="cell-actions" aria-label="Cell actions">
      <button type="button" className="icon-button" title="Move up (Ctrl+Shift+↑)" onClick={act(() => controller.moveSelected(-1))}>↑</button>
      <button type="button" className="icon-button" title="Move down (Ctrl+Shift+↓)" onClick={act(() => controller.moveSelected(1))}>↓</button>
      {cell.type === 'code' && (
        <>
          <button type="button" className="icon-button" data-testid="run-above" title="Run the cells above this one" onClick={act(() => void controller.runAll('above'))}>⇡▶</button>
          <button type="button" className="icon-button" data-testid="run-below" title="Run this cell and the ones below" onClick={act(() => void controller.runAll('below'))}>▶⇣</button>
          <button type="button" className="icon-button" title="Hide/show input" onClick={act(() => controller.toggleCollapse('input'))}>⌸</button>
          <button type="button" className="icon-button" title="Hide/show output (O)" onClick={act(() => controller.toggleCollapse('output'))}>☰</button>
          <button type="button" className="icon-button" title="Clear output" onClick={act(() => controller.clearOutputs(cell.id))}>⌫</button>
        </>
      )}
      <button type="button" className="icon-button" title="Merge with next cell (Shift+M)" onClick={act(() => controller.mergeWithNext())}>⤓</button>
      <button type="button" className="icon-button danger" title="Delete cell (D D)" onClick={act(() => controller.deleteSelected())}>✕</button>
    </div>
  );
}
