/**
 * Jupyter-style "undo cell deletion" (Z in command mode): a stack of deleted cells with the index
 * each had, restored last-deleted-first. Kept apart from text undo, which the editor owns.
 */
import { newCellId } from '../../lib/ids';
import type { CellId } from '../../lib/ids';
import { applyEdit, indexOfCell } from './transitions';
import type { ApplyEditOptions } from './transitions';
import type { Cell, Notebook } from './types';

export type DeletedCell = { readonly cell: Cell; readonly index: number };

/** Newest last. */
export type DeletedCells = readonly DeletedCell[];

export const NO_DELETED_CELLS: DeletedCells = [];

/** Enough levels for any real session while bounding memory held by deleted outputs. */
export const MAX_DELETED_CELLS = 50;

export function pushDeleted(stack: DeletedCells, deleted: DeletedCell, limit: number = MAX_DELETED_CELLS): DeletedCells {
  const next = [...stack, deleted];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

export type NotebookWithDeleted = { readonly notebook: Notebook; readonly stack: DeletedCells };

/** Deletes a cell and remembers it, so `restoreLast` can bring it back where it was. */
export function deleteCellWithUndo(
  notebook: Notebook,
  stack: DeletedCells,
  cellId: CellId,
  options: ApplyEditOptions = {},
): NotebookWithDeleted {
  const index = indexOfCell(notebook.cells, cellId);
  const cell = notebook.cells[index];
  if (cell === undefined) return { notebook, stack };
  return {
    notebook: applyEdit(notebook, { type: 'delete', cellId }, options),
    stack: pushDeleted(stack, { cell, index }),
  };
}

/**
 * Puts the most recently deleted cell back at its old index (or at the end, if the notebook has
 * since become shorter). With nothing to restore, returns both inputs unchanged.
 */
export function restoreLast(notebook: Notebook, stack: DeletedCells, options: ApplyEditOptions = {}): NotebookWithDeleted {
  const last = stack.at(-1);
  if (last === undefined) return { notebook, stack };
  // The id can be taken again only if the same cell was re-added some other way (e.g. paste).
  const idTaken = notebook.cells.some((cell) => cell.id === last.cell.id);
  const cell = idTaken ? { ...last.cell, id: newCellId() } : last.cell;
  const index = Math.min(last.index, notebook.cells.length);
  return { notebook: applyEdit(notebook, { type: 'insert', index, cell }, options), stack: stack.slice(0, -1) };
}
