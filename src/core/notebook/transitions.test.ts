import { describe, expect, it } from 'vitest';
import type { CellId, NotebookId } from '../../lib/ids';
import type { CellOutput } from '../outputs';
import { createCell, createNotebook } from './create';
import { applyEdit } from './transitions';
import type { NotebookEdit } from './transitions';
import type { Cell, CodeCell, Notebook } from './types';

const id = (value: string): CellId => value as CellId;

const stdout = (text: string): CellOutput => ({ type: 'stream', name: 'stdout', text });

function code(cellId: string, source: string, extra: Partial<CodeCell> = {}): CodeCell {
  return { id: id(cellId), type: 'code', source, outputs: [], executionCount: null, ...extra };
}

function notebookOf(...cells: Cell[]): Notebook {
  return createNotebook('test', cells, { id: 'nb_test' as NotebookId, now: 1000 });
}

/** a: code with output, b: markdown, c: code. */
function sample(): Notebook {
  return notebookOf(
    code('a', 'x = 1\ny = 2', { outputs: [stdout('hi\n')], executionCount: 1, lastRun: { startedAt: 5, durationMs: 3, status: 'ok' } }),
    { id: id('b'), type: 'markdown', source: '# Title' },
    code('c', 'print(x)'),
  );
}

const ids = (notebook: Notebook): string[] => notebook.cells.map((cell) => cell.id);

describe('createCell / createNotebook', () => {
  it('creates empty cells of every type', () => {
    expect(createCell('code', 'x', id('k'))).toStrictEqual({ id: 'k', type: 'code', source: 'x', outputs: [], executionCount: null });
    expect(createCell('markdown', '', id('m'))).toStrictEqual({ id: 'm', type: 'markdown', source: '' });
    expect(createCell('raw', 'r', id('r'))).toStrictEqual({ id: 'r', type: 'raw', source: 'r' });
    expect(createCell('code').id).toMatch(/^c_[0-9a-f]{16}$/);
  });

  it('starts a notebook with one empty code cell in TypeScript', () => {
    const notebook = createNotebook('My notebook', undefined, { now: 42 });
    expect(notebook).toMatchObject({ name: 'My notebook', language: 'typescript', createdAt: 42, updatedAt: 42 });
    expect(notebook.cells).toHaveLength(1);
    expect(notebook.cells[0]?.type).toBe('code');
  });
});

describe('applyEdit: cell order', () => {
  const cases: { name: string; edit: NotebookEdit; expected: string[] }[] = [
    { name: 'insert at the top', edit: { type: 'insert', index: 0, cell: code('n', '') }, expected: ['n', 'a', 'b', 'c'] },
    { name: 'insert in the middle', edit: { type: 'insert', index: 2, cell: code('n', '') }, expected: ['a', 'b', 'n', 'c'] },
    { name: 'insert at the end', edit: { type: 'insert', index: 3, cell: code('n', '') }, expected: ['a', 'b', 'c', 'n'] },
    { name: 'delete the first', edit: { type: 'delete', cellId: id('a') }, expected: ['b', 'c'] },
    { name: 'delete the last', edit: { type: 'delete', cellId: id('c') }, expected: ['a', 'b'] },
    { name: 'move down to the end', edit: { type: 'move', cellId: id('a'), toIndex: 2 }, expected: ['b', 'c', 'a'] },
    { name: 'move down by one', edit: { type: 'move', cellId: id('a'), toIndex: 1 }, expected: ['b', 'a', 'c'] },
    { name: 'move up to the top', edit: { type: 'move', cellId: id('c'), toIndex: 0 }, expected: ['c', 'a', 'b'] },
    { name: 'move up by one', edit: { type: 'move', cellId: id('c'), toIndex: 1 }, expected: ['a', 'c', 'b'] },
  ];
  it.each(cases)('$name', ({ edit, expected }) => {
    const before = sample();
    const after = applyEdit(before, edit);
    expect(ids(after)).toEqual(expected);
    expect(ids(before)).toEqual(['a', 'b', 'c']);
  });
});

describe('applyEdit: returns the same notebook when nothing changes', () => {
  const cases: { name: string; edit: NotebookEdit }[] = [
    { name: 'move to its own index', edit: { type: 'move', cellId: id('b'), toIndex: 1 } },
    { name: 'same source', edit: { type: 'set-source', cellId: id('b'), source: '# Title' } },
    { name: 'same type', edit: { type: 'change-type', cellId: id('a'), to: 'code' } },
    { name: 'clearing a cell without outputs', edit: { type: 'clear-outputs', cellId: id('c') } },
    { name: 'clearing a markdown cell', edit: { type: 'clear-outputs', cellId: id('b') } },
    { name: 'same name', edit: { type: 'rename', name: 'test' } },
    { name: 'an empty stream write', edit: { type: 'append-output', cellId: id('c'), output: stdout('') } },
  ];
  it.each(cases)('$name', ({ edit }) => {
    const before = sample();
    expect(applyEdit(before, edit, { now: 99 })).toBe(before);
  });

  it('clear all outputs twice: the second is a no-op', () => {
    const once = applyEdit(sample(), { type: 'clear-outputs' });
    expect(applyEdit(once, { type: 'clear-outputs' })).toBe(once);
  });
});

describe('applyEdit: throws on edits that name missing cells or bad positions', () => {
  const cases: { name: string; edit: NotebookEdit; message: RegExp }[] = [
    { name: 'delete', edit: { type: 'delete', cellId: id('zz') }, message: /no cell with id zz/ },
    { name: 'move', edit: { type: 'move', cellId: id('zz'), toIndex: 0 }, message: /no cell with id zz/ },
    { name: 'set-source', edit: { type: 'set-source', cellId: id('zz'), source: '' }, message: /no cell with id zz/ },
    { name: 'toggle-collapse', edit: { type: 'toggle-collapse', cellId: id('zz'), part: 'input' }, message: /no cell/ },
    { name: 'clear-outputs', edit: { type: 'clear-outputs', cellId: id('zz') }, message: /no cell/ },
    { name: 'insert past the end', edit: { type: 'insert', index: 4, cell: code('n', '') }, message: /outside 0\.\.3/ },
    { name: 'insert a duplicate id', edit: { type: 'insert', index: 0, cell: code('a', '') }, message: /already/ },
    { name: 'move past the end', edit: { type: 'move', cellId: id('a'), toIndex: 3 }, message: /outside 0\.\.2/ },
    { name: 'merge the last cell', edit: { type: 'merge', cellId: id('c') }, message: /last cell/ },
    { name: 'split past the end', edit: { type: 'split', cellId: id('c'), offset: 99 }, message: /outside/ },
    { name: 'outputs on markdown', edit: { type: 'set-outputs', cellId: id('b'), outputs: [] }, message: /needs a code cell/ },
    { name: 'collapse markdown', edit: { type: 'toggle-collapse', cellId: id('b'), part: 'output' }, message: /needs a code cell/ },
  ];
  it.each(cases)('$name', ({ edit, message }) => {
    expect(() => applyEdit(sample(), edit)).toThrow(message);
  });
});

describe('applyEdit: cell content', () => {
  it('sets the source and bumps updatedAt only when asked', () => {
    const before = sample();
    const after = applyEdit(before, { type: 'set-source', cellId: id('c'), source: 'print(y)' });
    expect(after.cells[2]?.source).toBe('print(y)');
    expect(after.updatedAt).toBe(1000);
    expect(applyEdit(before, { type: 'set-source', cellId: id('c'), source: 'z' }, { now: 2000 }).updatedAt).toBe(2000);
    // Untouched cells keep their identity.
    expect(after.cells[0]).toBe(before.cells[0]);
  });

  it('renames', () => {
    expect(applyEdit(sample(), { type: 'rename', name: 'Results' }).name).toBe('Results');
  });

  const typeChanges: { name: string; cellId: string; to: Cell['type']; expected: Cell }[] = [
    {
      name: 'code -> markdown drops outputs, count and run state',
      cellId: 'a',
      to: 'markdown',
      expected: { id: id('a'), type: 'markdown', source: 'x = 1\ny = 2' },
    },
    {
      name: 'markdown -> code starts with empty outputs',
      cellId: 'b',
      to: 'code',
      expected: { id: id('b'), type: 'code', source: '# Title', outputs: [], executionCount: null },
    },
    { name: 'markdown -> raw', cellId: 'b', to: 'raw', expected: { id: id('b'), type: 'raw', source: '# Title' } },
    { name: 'code -> raw', cellId: 'a', to: 'raw', expected: { id: id('a'), type: 'raw', source: 'x = 1\ny = 2' } },
  ];
  it.each(typeChanges)('change type: $name', ({ cellId, to, expected }) => {
    const after = applyEdit(sample(), { type: 'change-type', cellId: id(cellId), to });
    expect(after.cells.find((cell) => cell.id === cellId)).toStrictEqual(expected);
  });

  it('change type keeps metadata, and attachments between markdown and raw', () => {
    const markdown: Cell = { id: id('m'), type: 'markdown', source: '![x](attachment:x.png)', metadata: { tags: ['t'] }, attachments: { 'x.png': {} } };
    const toRaw = applyEdit(notebookOf(markdown), { type: 'change-type', cellId: id('m'), to: 'raw' });
    expect(toRaw.cells[0]).toStrictEqual({ ...markdown, type: 'raw' });
    const toCode = applyEdit(notebookOf(markdown), { type: 'change-type', cellId: id('m'), to: 'code' });
    expect(toCode.cells[0]).toStrictEqual({ id: 'm', type: 'code', source: markdown.source, metadata: { tags: ['t'] }, outputs: [], executionCount: null });
  });

  const splits: { name: string; source: string; offset: number; first: string; second: string }[] = [
    { name: 'at a line break', source: 'a = 1\nb = 2', offset: 6, first: 'a = 1', second: 'b = 2' },
    { name: 'just before a line break', source: 'a = 1\nb = 2', offset: 5, first: 'a = 1', second: 'b = 2' },
    { name: 'mid-line', source: 'abcdef', offset: 3, first: 'abc', second: 'def' },
    { name: 'at the start', source: 'abc', offset: 0, first: '', second: 'abc' },
    { name: 'at the end', source: 'abc', offset: 3, first: 'abc', second: '' },
    { name: 'keeps indentation of the second part', source: 'if x:\n    y()', offset: 6, first: 'if x:', second: '    y()' },
  ];
  it.each(splits)('split $name', ({ source, offset, first, second }) => {
    const before = notebookOf(code('s', source, { outputs: [stdout('out')], executionCount: 4 }), code('t', 'next'));
    const after = applyEdit(before, { type: 'split', cellId: id('s'), offset, newCellId: id('s2') });
    expect(after.cells).toStrictEqual([
      code('s', first, { outputs: [stdout('out')], executionCount: 4 }),
      code('s2', second),
      code('t', 'next'),
    ]);
  });

  it('split gives the new cell the same type and a fresh id when none is given', () => {
    const after = applyEdit(sample(), { type: 'split', cellId: id('b'), offset: 1 });
    expect(after.cells.map((cell) => [cell.type, cell.source])).toEqual([
      ['code', 'x = 1\ny = 2'],
      ['markdown', '#'],
      ['markdown', ' Title'],
      ['code', 'print(x)'],
    ]);
    expect(after.cells[2]?.id).toMatch(/^c_/);
  });

  it('merge joins with the next cell by a newline and clears stale outputs', () => {
    const after = applyEdit(sample(), { type: 'merge', cellId: id('a') });
    expect(after.cells).toStrictEqual([
      code('a', 'x = 1\ny = 2\n# Title', { lastRun: { startedAt: 5, durationMs: 3, status: 'ok' } }),
      code('c', 'print(x)'),
    ]);
  });

  it('merge is the inverse of a split at a line break', () => {
    const before = notebookOf(code('s', 'a = 1\nb = 2'));
    const split = applyEdit(before, { type: 'split', cellId: id('s'), offset: 6, newCellId: id('s2') });
    expect(applyEdit(split, { type: 'merge', cellId: id('s') }).cells).toStrictEqual(before.cells);
  });

  it('merging markdown cells keeps both cells\' attachments', () => {
    const before = notebookOf(
      { id: id('m1'), type: 'markdown', source: 'one', attachments: { 'a.png': { 'image/png': 'AAA' } } },
      { id: id('m2'), type: 'markdown', source: 'two', attachments: { 'b.png': { 'image/png': 'BBB' } } },
    );
    expect(applyEdit(before, { type: 'merge', cellId: id('m1') }).cells).toStrictEqual([
      { id: 'm1', type: 'markdown', source: 'one\ntwo', attachments: { 'a.png': { 'image/png': 'AAA' }, 'b.png': { 'image/png': 'BBB' } } },
    ]);
  });
});

describe('applyEdit: outputs and collapse', () => {
  it('clears one cell\'s outputs and count but keeps lastRun', () => {
    const after = applyEdit(sample(), { type: 'clear-outputs', cellId: id('a') });
    expect(after.cells[0]).toStrictEqual(code('a', 'x = 1\ny = 2', { lastRun: { startedAt: 5, durationMs: 3, status: 'ok' } }));
  });

  it('clears every code cell when no cell is named', () => {
    const before = notebookOf(code('a', '', { outputs: [stdout('1')], executionCount: 1 }), code('b', '', { outputs: [stdout('2')], executionCount: 2 }));
    const after = applyEdit(before, { type: 'clear-outputs' });
    expect(after.cells).toStrictEqual([code('a', ''), code('b', '')]);
  });

  it('sets outputs, count and lastRun together', () => {
    const lastRun = { startedAt: 10, durationMs: 20, status: 'error' } as const;
    const after = applyEdit(sample(), { type: 'set-outputs', cellId: id('c'), outputs: [stdout('x')], executionCount: 7, lastRun });
    expect(after.cells[2]).toStrictEqual(code('c', 'print(x)', { outputs: [stdout('x')], executionCount: 7, lastRun }));
  });

  it('appends outputs through appendOutput, merging streams', () => {
    let notebook = sample();
    notebook = applyEdit(notebook, { type: 'append-output', cellId: id('a'), output: stdout('there\n') });
    expect((notebook.cells[0] as CodeCell).outputs).toStrictEqual([stdout('hi\nthere\n')]);
  });

  const toggles: { part: 'input' | 'output'; key: 'isInputCollapsed' | 'isOutputCollapsed' }[] = [
    { part: 'input', key: 'isInputCollapsed' },
    { part: 'output', key: 'isOutputCollapsed' },
  ];
  it.each(toggles)('toggles $part collapse on, then to an explicit false', ({ part, key }) => {
    const once = applyEdit(sample(), { type: 'toggle-collapse', cellId: id('a'), part });
    expect((once.cells[0] as CodeCell)[key]).toBe(true);
    const twice = applyEdit(once, { type: 'toggle-collapse', cellId: id('a'), part });
    expect((twice.cells[0] as CodeCell)[key]).toBe(false);
    const other = key === 'isInputCollapsed' ? 'isOutputCollapsed' : 'isInputCollapsed';
    expect((twice.cells[0] as CodeCell)[other]).toBeUndefined();
  });
});
