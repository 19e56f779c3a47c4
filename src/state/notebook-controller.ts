/**
 * What the user can do to the open notebook, in one place: the toolbar, the Jupyter keys and
 * the cell menus all call these methods. Document changes go through the session (autosave);
 * selection and mode live in `ui`, which is not persisted.
 */
import type { CellId } from '../lib/ids';
import type { Cell, CellType, Notebook, RunStatus } from '../core/notebook/types';
import { createCell, KILN_LANGUAGE } from '../core/notebook/create';
import { deleteCellWithUndo, NO_DELETED_CELLS, restoreLast, type DeletedCells } from '../core/notebook/deletedCells';
import { createStore, type Store } from './create-store';
import type { NotebookSession } from './notebook-session';
import type { RunMode } from '../components/code-editor/editor-keys';
import { showToast } from './app-store';
import { RunStartHold } from './run-start-hold';

export type EditorMode = 'command' | 'edit';

export type NotebookUiState = {
  readonly selectedCellId: CellId | null;
  readonly mode: EditorMode;
  /** Markdown cells currently shown as source rather than rendered. */
  readonly editingMarkdownIds: ReadonlySet<CellId>;
  readonly deleted: DeletedCells;
};

/** Runs code cells; provided by the kernel. */
export type CellRunner = {
  run(cellId: CellId): Promise<RunStatus>;
};

export class NotebookController {
  readonly ui: Store<NotebookUiState>;
  /** Shared with the kernel runner: a run command's visible start waits here for the kernel's first reply. */
  readonly runStartHold = new RunStartHold();
  private runner: CellRunner | null = null;

  constructor(readonly session: NotebookSession) {
    this.ui = createStore<NotebookUiState>({
      selectedCellId: session.notebook.cells[0]?.id ?? null,
      mode: 'command',
      editingMarkdownIds: new Set(),
      deleted: NO_DELETED_CELLS,
    });
  }

  setRunner(runner: CellRunner | null): void {
    this.runner = runner;
  }

  /**
   * Kiln's kernel runs TypeScript only. An imported Jupyter notebook in another language keeps the
   * outputs it came with: running its cells would replace them with syntax errors.
   */
  private canRunCode(): boolean {
    const { language } = this.notebook;
    if (language === KILN_LANGUAGE) return true;
    showToast({ tone: 'info', message: `This is a ${language} notebook: Kiln runs only TypeScript, so its cells keep the outputs they were imported with.` });
    return false;
  }

  private get notebook(): Notebook {
    return this.session.notebook;
  }

  private indexOf(cellId: CellId | null): number {
    return cellId ? this.notebook.cells.findIndex((cell) => cell.id === cellId) : -1;
  }

  private get selectedIndex(): number {
    return this.indexOf(this.ui.get().selectedCellId);
  }

  select(cellId: CellId, mode: EditorMode = this.ui.get().mode): void {
    this.ui.set({ selectedCellId: cellId, mode });
  }

  selectRelative(offset: number): void {
    const cells = this.notebook.cells;
    const next = cells[Math.min(cells.length - 1, Math.max(0, this.selectedIndex + offset))];
    if (next) this.ui.set({ selectedCellId: next.id });
  }

  enterCommandMode(): void {
    this.ui.set({ mode: 'command' });
  }

  /** Enter: edit the selected cell (markdown shows its source). */
  enterEditMode(cellId = this.ui.get().selectedCellId): void {
    if (!cellId || this.session.isReadOnly) return;
    const cell = this.notebook.cells.find((candidate) => candidate.id === cellId);
    const editing = new Set(this.ui.get().editingMarkdownIds);
    if (cell?.type === 'markdown') editing.add(cellId);
    this.ui.set({ selectedCellId: cellId, mode: 'edit', editingMarkdownIds: editing });
  }

  insert(where: 'above' | 'below', type: CellType = 'code', source = ''): Cell {
    const cell = createCell(type, source);
    const selected = this.selectedIndex;
    const index = selected < 0 ? this.notebook.cells.length : where === 'above' ? selected : selected + 1;
    this.session.edit({ type: 'insert', index, cell });
    this.ui.set({ selectedCellId: cell.id });
    return cell;
  }

  /** The "+ Code" / "+ Markdown" buttons under the last cell. */
  appendCell(type: CellType): void {
    const cell = createCell(type);
    this.session.edit({ type: 'insert', index: this.notebook.cells.length, cell });
    this.enterEditMode(cell.id);
  }

  deleteSelected(): void {
    const index = this.selectedIndex;
    const cell = this.notebook.cells[index];
    if (!cell || this.session.isReadOnly) return;
    const result = deleteCellWithUndo(this.notebook, this.ui.get().deleted, cell.id, { now: Date.now() });
    this.session.replaceNotebook(result.notebook);
    const neighbour = this.notebook.cells[Math.min(index, this.notebook.cells.length - 1)];
    this.ui.set({ deleted: result.stack, selectedCellId: neighbour?.id ?? null, mode: 'command' });
  }

  /** Z: brings back the most recently deleted cell where it was. */
  undoDelete(): void {
    const { deleted } = this.ui.get();
    const restoredCell = deleted.at(-1);
    if (!restoredCell || this.session.isReadOnly) return;
    const restored = restoreLast(this.notebook, deleted, { now: Date.now() });
    this.session.replaceNotebook(restored.notebook);
    const index = Math.min(restoredCell.index, restored.notebook.cells.length - 1);
    this.ui.set({ deleted: restored.stack, selectedCellId: restored.notebook.cells[index]?.id ?? null });
  }

  moveSelected(offset: -1 | 1): void {
    const cellId = this.ui.get().selectedCellId;
    const index = this.selectedIndex;
    if (!cellId || index < 0) return;
    this.session.edit({ type: 'move', cellId, toIndex: index + offset });
  }

  moveCell(cellId: CellId, toIndex: number): void {
    this.session.edit({ type: 'move', cellId, toIndex });
  }

  setSource(cellId: CellId, source: string): void {
    this.session.edit({ type: 'set-source', cellId, source });
  }

  changeType(to: CellType, cellId = this.ui.get().selectedCellId): void {
    if (cellId) this.session.edit({ type: 'change-type', cellId, to });
  }

  splitAt(cellId: CellId, offset: number): void {
    this.session.edit({ type: 'split', cellId, offset });
  }

  mergeWithNext(cellId = this.ui.get().selectedCellId): void {
    if (cellId) this.session.edit({ type: 'merge', cellId });
  }

  toggleCollapse(part: 'input' | 'output', cellId = this.ui.get().selectedCellId): void {
    if (cellId) this.session.edit({ type: 'toggle-collapse', cellId, part });
  }

  clearOutputs(cellId?: CellId): void {
    this.session.edit(cellId ? { type: 'clear-outputs', cellId } : { type: 'clear-outputs' });
  }

  /** Shift+Enter, Ctrl+Enter and Alt+Enter: run (or render) the cell, then move as Jupyter does. */
  async runCell(cellId: CellId, mode: RunMode): Promise<void> {
    const index = this.indexOf(cellId);
    const cell = this.notebook.cells[index];
    if (!cell) return;
    if (cell.type === 'markdown') {
      const editing = new Set(this.ui.get().editingMarkdownIds);
      editing.delete(cellId);
      this.ui.set({ editingMarkdownIds: editing });
    }
    const insertsCell = mode === 'insert-below' || (mode === 'advance' && index === this.notebook.cells.length - 1);
    const willRun = cell.type === 'code' && this.runner !== null && this.canRunCode();
    // A new cell takes the keys typed next, so it appears at once; leaving for command mode waits
    // (a frame at most) to be drawn with the cell's first output.
    if (willRun && !insertsCell) this.runStartHold.begin();
    // The run is queued before the selection moves: moving it re-renders and blurs the editor,
    // which would otherwise delay sending the cell to the kernel by a frame or more.
    const running = willRun ? this.runner?.run(cellId) : null;
    if (insertsCell) {
      this.ui.set({ selectedCellId: cellId });
      const inserted = this.insert('below');
      this.ui.set({ selectedCellId: inserted.id, mode: 'edit' });
    } else {
      const next = mode === 'advance' ? this.notebook.cells[index + 1] : undefined;
      this.runStartHold.defer(() => this.ui.set(next ? { selectedCellId: next.id, mode: 'command' } : { mode: 'command' }));
    }
    await running;
  }

  async runAll(range: 'all' | 'above' | 'below' = 'all'): Promise<void> {
    if (!this.canRunCode()) return;
    const index = this.selectedIndex;
    const cells = this.notebook.cells.filter((cell, position) => {
      if (cell.type !== 'code') return false;
      if (range === 'above') return position < index;
      if (range === 'below') return position >= index;
      return true;
    });
    // Queued together, like Jupyter: the kernel cancels the rest when one fails.
    await Promise.all(cells.map((cell) => this.runner?.run(cell.id)));
  }
}
