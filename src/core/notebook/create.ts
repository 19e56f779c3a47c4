/** Factories for fresh cells and notebooks, so every caller builds them with the same defaults. */
import { newCellId, newNotebookId } from '../../lib/ids';
import type { CellId, NotebookId } from '../../lib/ids';
import { assertNever } from '../../lib/invariant';
import type { Cell, CellType, Notebook } from './types';

/** The language of notebooks written in Kiln; the only one its kernel runs. */
export const KILN_LANGUAGE = 'typescript';

export function createCell(type: CellType, source = '', id: CellId = newCellId()): Cell {
  switch (type) {
    case 'code':
      return { id, type, source, outputs: [], executionCount: null };
    case 'markdown':
      return { id, type, source };
    case 'raw':
      return { id, type, source };
    default:
      return assertNever(type, 'cell type');
  }
}

export type CreateNotebookOptions = {
  readonly id?: NotebookId;
  readonly language?: string;
  /** Creation time in ms since the epoch; injectable so tests and imports are deterministic. */
  readonly now?: number;
};

/** A notebook always starts with one empty code cell, as in Jupyter, unless cells are given. */
export function createNotebook(
  name: string,
  cells: readonly Cell[] = [createCell('code')],
  options: CreateNotebookOptions = {},
): Notebook {
  const now = options.now ?? Date.now();
  return {
    id: options.id ?? newNotebookId(),
    name,
    language: options.language ?? KILN_LANGUAGE,
    cells,
    createdAt: now,
    updatedAt: now,
  };
}
