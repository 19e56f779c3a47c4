/**
 * Every change to a notebook document, as data. `applyEdit` is pure: the store, undo and
 * collaboration-free persistence all rely on edits being replayable and on unchanged notebooks
 * keeping their identity (so React can skip work).
 */
import { newCellId } from '../../lib/ids';
import type { CellId } from '../../lib/ids';
import { assertNever, invariant } from '../../lib/invariant';
import type { CellOutput } from '../outputs';
import { appendOutput } from './outputs';
import type { Cell, CellType, CodeCell, LastRun, Notebook } from './types';

export type CollapsiblePart = 'input' | 'output';

export type NotebookEdit =
  /** `index` is where the cell ends up: 0 inserts first, cells.length appends. */
  | { readonly type: 'insert'; readonly index: number; readonly cell: Cell }
  | { readonly type: 'delete'; readonly cellId: CellId }
  /** `toIndex` is the cell's index after the move. */
  | { readonly type: 'move'; readonly cellId: CellId; readonly toIndex: number }
  | { readonly type: 'set-source'; readonly cellId: CellId; readonly source: string }
  | { readonly type: 'change-type'; readonly cellId: CellId; readonly to: CellType }
  /** Splits at a character offset into the source; the part after it becomes a new cell below. */
  | { readonly type: 'split'; readonly cellId: CellId; readonly offset: number; readonly newCellId?: CellId }
  /** Merges the cell with the one below it. */
  | { readonly type: 'merge'; readonly cellId: CellId }
  /** Without a cell id, clears every code cell (Jupyter's "Clear All Outputs"). */
  | { readonly type: 'clear-outputs'; readonly cellId?: CellId }
  | {
      readonly type: 'set-outputs';
      readonly cellId: CellId;
      readonly outputs: readonly CellOutput[];
      readonly executionCount?: number | null;
      readonly lastRun?: LastRun;
    }
  /** One output arriving from the kernel; streams coalesce and display ids update in place. */
  | { readonly type: 'append-output'; readonly cellId: CellId; readonly output: CellOutput }
  | { readonly type: 'toggle-collapse'; readonly cellId: CellId; readonly part: CollapsiblePart }
  | { readonly type: 'rename'; readonly name: string };

export type NotebookEditType = NotebookEdit['type'];

export type ApplyEditOptions = {
  /** When given, a changed notebook gets this as its updatedAt; kept out of applyEdit itself so it stays pure. */
  readonly now?: number;
};

/**
 * Returns the notebook after `edit`, or the very same object when the edit changes nothing.
 * Throws (through `invariant`) when the edit names a cell that is not there: that is a bug in the
 * caller, never user input.
 */
export function applyEdit(notebook: Notebook, edit: NotebookEdit, options: ApplyEditOptions = {}): Notebook {
  const cells = editCells(notebook, edit);
  const name = edit.type === 'rename' ? edit.name : notebook.name;
  if (cells === notebook.cells && name === notebook.name) return notebook;
  return { ...notebook, name, cells, ...(options.now === undefined ? {} : { updatedAt: options.now }) };
}

function editCells(notebook: Notebook, edit: NotebookEdit): readonly Cell[] {
  const { cells } = notebook;
  switch (edit.type) {
    case 'insert':
      return insertCell(cells, edit.index, edit.cell);
    case 'delete': {
      const index = indexOfCell(cells, edit.cellId);
      return [...cells.slice(0, index), ...cells.slice(index + 1)];
    }
    case 'move':
      return moveCell(cells, edit.cellId, edit.toIndex);
    case 'set-source':
      return updateCell(cells, edit.cellId, (cell) => (cell.source === edit.source ? cell : { ...cell, source: edit.source }));
    case 'change-type':
      return updateCell(cells, edit.cellId, (cell) => changeType(cell, edit.to));
    case 'split':
      return splitCell(cells, edit.cellId, edit.offset, edit.newCellId ?? newCellId());
    case 'merge':
      return mergeWithNext(cells, edit.cellId);
    case 'clear-outputs':
      return edit.cellId === undefined ? clearAllOutputs(cells) : updateCell(cells, edit.cellId, clearOutputs);
    case 'set-outputs':
      return updateCodeCell(cells, edit.cellId, edit.type, (cell) => ({
        ...cell,
        outputs: edit.outputs,
        ...(edit.executionCount === undefined ? {} : { executionCount: edit.executionCount }),
        ...(edit.lastRun === undefined ? {} : { lastRun: edit.lastRun }),
      }));
    case 'append-output':
      return updateCodeCell(cells, edit.cellId, edit.type, (cell) => {
        const outputs = appendOutput(cell.outputs, edit.output);
        return outputs === cell.outputs ? cell : { ...cell, outputs };
      });
    case 'toggle-collapse':
      return updateCodeCell(cells, edit.cellId, edit.type, (cell) =>
        // Stored as an explicit false rather than removed, so an un-collapse survives .ipynb
        // import, where a missing Kiln flag falls back to Jupyter's own metadata.
        edit.part === 'input'
          ? { ...cell, isInputCollapsed: cell.isInputCollapsed !== true }
          : { ...cell, isOutputCollapsed: cell.isOutputCollapsed !== true },
      );
    case 'rename':
      return cells;
    default:
      return assertNever(edit, 'notebook edit');
  }
}

export function indexOfCell(cells: readonly Cell[], cellId: CellId): number {
  const index = cells.findIndex((cell) => cell.id === cellId);
  invariant(index >= 0, `no cell with id ${cellId}`);
  return index;
}

function assertValidIndex(index: number, max: number, what: string): void {
  invariant(Number.isInteger(index) && index >= 0 && index <= max, `${what} ${index} is outside 0..${max}`);
}

function insertCell(cells: readonly Cell[], index: number, cell: Cell): readonly Cell[] {
  assertValidIndex(index, cells.length, 'insert index');
  invariant(!cells.some((existing) => existing.id === cell.id), `a cell with id ${cell.id} is already in the notebook`);
  return [...cells.slice(0, index), cell, ...cells.slice(index)];
}

function moveCell(cells: readonly Cell[], cellId: CellId, toIndex: number): readonly Cell[] {
  const from = indexOfCell(cells, cellId);
  assertValidIndex(toIndex, cells.length - 1, 'move target');
  if (from === toIndex) return cells;
  const without = [...cells.slice(0, from), ...cells.slice(from + 1)];
  const cell = cells[from];
  invariant(cell !== undefined, 'moved cell exists');
  return [...without.slice(0, toIndex), cell, ...without.slice(toIndex)];
}

function updateCell(cells: readonly Cell[], cellId: CellId, update: (cell: Cell) => Cell): readonly Cell[] {
  const index = indexOfCell(cells, cellId);
  const cell = cells[index];
  invariant(cell !== undefined, 'updated cell exists');
  const next = update(cell);
  return next === cell ? cells : cells.map((existing, i) => (i === index ? next : existing));
}

/** Outputs only exist on code cells; asking for them elsewhere is a caller bug. */
function updateCodeCell(
  cells: readonly Cell[],
  cellId: CellId,
  editType: NotebookEditType,
  update: (cell: CodeCell) => CodeCell,
): readonly Cell[] {
  return updateCell(cells, cellId, (cell) => {
    invariant(cell.type === 'code', `${editType} needs a code cell, but ${cellId} is ${cell.type}`);
    return update(cell);
  });
}

/** What survives a change of type: identity, text and the user's metadata; run state belongs to code only. */
export function changeType(cell: Cell, to: CellType): Cell {
  if (cell.type === to) return cell;
  const common = { id: cell.id, source: cell.source, ...(cell.metadata === undefined ? {} : { metadata: cell.metadata }) };
  switch (to) {
    case 'code':
      return { ...common, type: 'code', outputs: [], executionCount: null };
    case 'markdown':
      return { ...common, type: 'markdown', ...keptAttachments(cell) };
    case 'raw':
      return { ...common, type: 'raw', ...keptAttachments(cell) };
    default:
      return assertNever(to, 'cell type');
  }
}

/** Attachments move between markdown and raw cells; code cells have none. */
function keptAttachments(cell: Cell): { readonly attachments?: Readonly<Record<string, unknown>> } {
  return cell.type !== 'code' && cell.attachments !== undefined ? { attachments: cell.attachments } : {};
}

function clearOutputs(cell: Cell): Cell {
  if (cell.type !== 'code' || (cell.outputs.length === 0 && cell.executionCount === null)) return cell;
  // lastRun stays: when and how the cell last ran is still true after its output is gone.
  return { ...cell, outputs: [], executionCount: null };
}

function clearAllOutputs(cells: readonly Cell[]): readonly Cell[] {
  const next = cells.map(clearOutputs);
  return next.every((cell, i) => cell === cells[i]) ? cells : next;
}

/**
 * The first part keeps the cell's id, metadata and outputs; the second part is a new cell of the
 * same type. Newlines at the cut are dropped, as Jupyter does, so neither part starts or ends blank.
 */
function splitCell(cells: readonly Cell[], cellId: CellId, offset: number, secondId: CellId): readonly Cell[] {
  const index = indexOfCell(cells, cellId);
  const cell = cells[index];
  invariant(cell !== undefined, 'split cell exists');
  assertValidIndex(offset, cell.source.length, 'split offset');
  invariant(!cells.some((existing) => existing.id === secondId), `a cell with id ${secondId} is already in the notebook`);
  const before = cell.source.slice(0, offset).replace(/\r?\n$/, '');
  const after = cell.source.slice(offset).replace(/^\r?\n/, '');
  const first: Cell = { ...cell, source: before };
  const second: Cell =
    cell.type === 'code'
      ? { id: secondId, type: 'code', source: after, outputs: [], executionCount: null }
      : { id: secondId, type: cell.type, source: after };
  return [...cells.slice(0, index), first, second, ...cells.slice(index + 1)];
}

/**
 * Joins the cell's source with the next one's by a newline (the inverse of a split at a line
 * break). The result keeps the first cell's id and type; a code result loses its outputs, which no
 * longer match its source.
 */
function mergeWithNext(cells: readonly Cell[], cellId: CellId): readonly Cell[] {
  const index = indexOfCell(cells, cellId);
  const first = cells[index];
  const second = cells[index + 1];
  invariant(first !== undefined, 'merged cell exists');
  invariant(second !== undefined, `cell ${cellId} is the last cell; there is nothing below to merge`);
  const source = `${first.source}\n${second.source}`;
  const merged: Cell =
    first.type === 'code'
      ? { ...first, source, outputs: [], executionCount: null }
      : { ...first, source, ...mergedAttachments(first, second) };
  return [...cells.slice(0, index), merged, ...cells.slice(index + 2)];
}

/** Markdown images are referenced by attachment name, so the merged cell needs both cells' attachments. */
function mergedAttachments(first: Cell, second: Cell): { readonly attachments?: Readonly<Record<string, unknown>> } {
  const a = first.type === 'code' ? undefined : first.attachments;
  const b = second.type === 'code' ? undefined : second.attachments;
  if (a === undefined && b === undefined) return {};
  return { attachments: { ...a, ...b } };
}
