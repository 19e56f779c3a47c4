import { describe, expect, it } from 'vitest';
import type { CellId, NotebookId } from '../../lib/ids';
import { createCell, createNotebook } from './create';
import { NO_DELETED_CELLS, deleteCellWithUndo, pushDeleted, restoreLast } from './deletedCells';
import { applyEdit } from './transitions';
import type { Notebook } from './types';

const id = (value: string): CellId => value as CellId;

function notebookOf(...names: string[]): Notebook {
  return createNotebook(
    'undo',
    names.map((name) => createCell('code', `${name} source`, id(name))),
    { id: 'nb_undo' as NotebookId, now: 0 },
  );
}

const ids = (notebook: Notebook): string[] => notebook.cells.map((cell) => cell.id);

describe('deleted cells (Jupyter "Z")', () => {
  it('restores the last deleted cell at its old index, several levels deep', () => {
    let state = { notebook: notebookOf('a', 'b', 'c', 'd'), stack: NO_DELETED_CELLS };
    state = deleteCellWithUndo(state.notebook, state.stack, id('b'));
    state = deleteCellWithUndo(state.notebook, state.stack, id('d'));
    state = deleteCellWithUndo(state.notebook, state.stack, id('a'));
    expect(ids(state.notebook)).toEqual(['c']);
    expect(state.stack).toHaveLength(3);

    state = restoreLast(state.notebook, state.stack);
    expect(ids(state.notebook)).toEqual(['a', 'c']);
    state = restoreLast(state.notebook, state.stack);
    expect(ids(state.notebook)).toEqual(['a', 'c', 'd']);
    state = restoreLast(state.notebook, state.stack);
    expect(ids(state.notebook)).toEqual(['a', 'b', 'c', 'd']);
    expect(state.notebook.cells).toStrictEqual(notebookOf('a', 'b', 'c', 'd').cells);
    expect(state.stack).toEqual([]);
  });

  it('does nothing when there is nothing to restore', () => {
    const notebook = notebookOf('a');
    const result = restoreLast(notebook, NO_DELETED_CELLS);
    expect(result.notebook).toBe(notebook);
    expect(result.stack).toBe(NO_DELETED_CELLS);
  });

  it('puts the cell at the end when the notebook has become shorter', () => {
    let state = deleteCellWithUndo(notebookOf('a', 'b', 'c'), NO_DELETED_CELLS, id('c'));
    state = { ...state, notebook: applyEdit(state.notebook, { type: 'delete', cellId: id('b') }) };
    expect(ids(restoreLast(state.notebook, state.stack).notebook)).toEqual(['a', 'c']);
  });

  it('gives the restored cell a fresh id if its id was taken again meanwhile', () => {
    const state = deleteCellWithUndo(notebookOf('a', 'b'), NO_DELETED_CELLS, id('b'));
    const pasted = applyEdit(state.notebook, { type: 'insert', index: 1, cell: createCell('code', '', id('b')) });
    const restored = restoreLast(pasted, state.stack).notebook;
    expect(restored.cells).toHaveLength(3);
    expect(new Set(ids(restored)).size).toBe(3);
    expect(restored.cells[1]?.source).toBe('b source');
  });

  it('keeps only the newest entries beyond the limit', () => {
    let stack = NO_DELETED_CELLS;
    for (let i = 0; i < 5; i += 1) stack = pushDeleted(stack, { cell: createCell('raw', String(i)), index: i }, 3);
    expect(stack.map((entry) => entry.cell.source)).toEqual(['2', '3', '4']);
  });

  it('throws for an unknown cell id', () => {
    expect(() => deleteCellWithUndo(notebookOf('a'), NO_DELETED_CELLS, id('x'))).toThrow(/no cell with id x/);
  });

  it('bumps updatedAt when told the time', () => {
    const state = deleteCellWithUndo(notebookOf('a'), NO_DELETED_CELLS, id('a'), { now: 5 });
    expect(state.notebook.updatedAt).toBe(5);
    expect(restoreLast(state.notebook, state.stack, { now: 9 }).notebook.updatedAt).toBe(9);
  });
});
