import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NotebookId } from '../../lib/ids';
import { createCell, createNotebook } from '../notebook/create';
import type { CodeCell, MarkdownCell, Notebook } from '../notebook/types';
import { KILN_NOTEBOOK, TINY_PNG } from './__fixtures__/kilnNotebook';
import { exportIpynb, importIpynb, serializeIpynb } from './index';
import type { ImportErrorCode, ImportOptions, ImportResult } from './index';
import { OUTPUT_METADATA_MIME } from './nbformat';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const readFixture = (name: string): string => readFileSync(fixture(name), 'utf8');

const PYTHON = readFixture('python-jupyter.ipynb');
const PYTHON_OPTIONS: ImportOptions = { fileName: 'data/Iris exploration.ipynb', now: 1_234 };

function imported(text: string, options: ImportOptions = {}): Notebook {
  const result = importIpynb(text, options);
  if (!result.ok) throw new Error(`import failed: ${result.error.message}`);
  return result.notebook;
}

function codeCell(notebook: Notebook, index: number): CodeCell {
  const cell = notebook.cells[index];
  if (cell?.type !== 'code') throw new Error(`cell ${index} is not code`);
  return cell;
}

describe('exportIpynb', () => {
  it('matches the reviewed golden file', () => {
    const text = serializeIpynb(KILN_NOTEBOOK);
    // Regenerate with UPDATE_GOLDEN=1, then review the diff by eye before committing it.
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(fixture('kiln-export.golden.ipynb'), text);
    expect(text).toBe(readFixture('kiln-export.golden.ipynb'));
  });

  it('writes nbformat 4.5 with Kiln kernel metadata', () => {
    const nb = exportIpynb(createNotebook('x', [createCell('code', 'a\nb\n', 'c_1' as never)], { id: 'nb_x' as NotebookId, now: 7 }));
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.metadata['kernelspec']).toEqual({ name: 'kiln-typescript', display_name: 'TypeScript (Kiln)', language: 'typescript' });
    expect(nb.metadata['language_info']).toEqual({ name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' });
    expect(nb.cells[0]).toEqual({ cell_type: 'code', execution_count: null, id: 'c_1', metadata: {}, outputs: [], source: ['a\n', 'b\n'] });
  });

  it('splits sources into lines that keep their newline, like Jupyter', () => {
    const cases: [string, string[]][] = [
      ['', []],
      ['one', ['one']],
      ['one\n', ['one\n']],
      ['a\nb', ['a\n', 'b']],
      ['a\n\nb\n', ['a\n', '\n', 'b\n']],
      ['crlf\r\nnext', ['crlf\r\n', 'next']],
    ];
    for (const [source, lines] of cases) {
      const nb = exportIpynb(createNotebook('x', [createCell('markdown', source, 'c_1' as never)]));
      expect(nb.cells[0]?.source).toEqual(lines);
    }
  });
});

describe('round trips', () => {
  it('export -> import gives back a Kiln notebook exactly', () => {
    expect(imported(serializeIpynb(KILN_NOTEBOOK))).toStrictEqual(KILN_NOTEBOOK);
  });

  it('export -> import is exact for a fresh notebook too (no metadata, no outputs)', () => {
    const notebook = createNotebook('Fresh', undefined, { now: 5 });
    expect(imported(serializeIpynb(notebook))).toStrictEqual(notebook);
  });

  it('import -> export -> import of a Jupyter Python notebook is stable', () => {
    const first = imported(PYTHON, PYTHON_OPTIONS);
    const exported = serializeIpynb(first);
    const second = imported(exported, PYTHON_OPTIONS);
    expect(second).toStrictEqual(first);
    expect(serializeIpynb(second)).toBe(exported);
  });

  it('a notebook without any metadata stays a Python notebook', () => {
    const text = JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [] });
    const first = imported(text, { now: 1 });
    expect(first.language).toBe('python');
    expect(first.metadata).toBeUndefined();
    expect(imported(serializeIpynb(first))).toStrictEqual(first);
  });
});

describe('importing a Jupyter Python notebook', () => {
  const notebook = imported(PYTHON, PYTHON_OPTIONS);

  it('keeps language, name, metadata and times', () => {
    expect(notebook.language).toBe('python');
    expect(notebook.name).toBe('Iris exploration');
    expect(notebook.createdAt).toBe(1_234);
    expect(notebook.updatedAt).toBe(1_234);
    expect(notebook.id).toMatch(/^nb_/);
    expect(notebook.metadata).toEqual({
      kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
      language_info: {
        codemirror_mode: { name: 'ipython', version: 3 },
        file_extension: '.py',
        mimetype: 'text/x-python',
        name: 'python',
        nbconvert_exporter: 'python',
        pygments_lexer: 'ipython3',
        version: '3.11.4',
      },
      toc: { number_sections: false },
    });
  });

  it('keeps cells verbatim, with their ids and types', () => {
    expect(notebook.cells.map((cell) => [cell.id, cell.type])).toEqual([
      ['5d1c7a3e-intro', 'markdown'],
      ['a1b2c3d4', 'code'],
      ['e5f6a7b8', 'code'],
      ['c9d0e1f2', 'code'],
      ['0a9b8c7d', 'code'],
      ['raw-cell-1', 'raw'],
      ['f00dfeed', 'code'],
    ]);
    const markdown = notebook.cells[0] as MarkdownCell;
    expect(markdown.source).toBe('# Iris exploration\n\nA quick look at the *iris* data set.\n\n![chart](attachment:chart.png)');
    expect(markdown.attachments).toEqual({ 'chart.png': { 'image/png': TINY_PNG } });
    expect(markdown.metadata).toBeUndefined();
    expect(codeCell(notebook, 1).metadata).toEqual({ tags: ['setup'] });
    expect(notebook.cells[5]).toStrictEqual({
      id: 'raw-cell-1',
      type: 'raw',
      source: '.. note::\n\n   Raw cells pass through untouched.',
      metadata: { raw_mimetype: 'text/restructuredtext' },
    });
    expect(codeCell(notebook, 6)).toStrictEqual({ id: 'f00dfeed', type: 'code', source: '', outputs: [], executionCount: null });
  });

  it('turns streams into stream outputs and keeps execution counts', () => {
    const cell = codeCell(notebook, 1);
    expect(cell.executionCount).toBe(1);
    expect(cell.outputs).toStrictEqual([
      { type: 'stream', name: 'stdout', text: 'loading iris.csv\n150 rows\n' },
      {
        type: 'stream',
        name: 'stderr',
        text: '/opt/conda/lib/python3.11/site-packages/pandas/core/frame.py:1: FutureWarning: something changed\n  warnings.warn(\n',
      },
    ]);
  });

  it('turns execute_result into a result mime bundle with joined text', () => {
    const [output] = codeCell(notebook, 2).outputs;
    expect(output?.type === 'display' && output.isResult).toBe(true);
    const data = output?.type === 'display' && output.bundle.kind === 'mime' ? output.bundle.data : {};
    expect(data['text/plain']).toBe('   sepal_length species\n0           5.1  setosa\n1           4.9  setosa');
    expect(data['text/html']).toMatch(/^<div>\n<table border="1" class="dataframe">\n/);
    expect(Object.keys(data).sort()).toEqual(['text/html', 'text/plain']);
  });

  it('keeps display_data images and their output metadata', () => {
    const cell = codeCell(notebook, 3);
    expect(cell.isInputCollapsed).toBe(true);
    expect(cell.outputs).toStrictEqual([
      {
        type: 'display',
        bundle: {
          kind: 'mime',
          data: {
            'image/png': `${TINY_PNG}\n`,
            'text/plain': '<Figure size 640x480 with 1 Axes>',
            [OUTPUT_METADATA_MIME]: { 'image/png': { height: 480, width: 640 }, needs_background: 'light' },
          },
        },
      },
    ]);
  });

  it('keeps error tracebacks verbatim, ANSI colours included', () => {
    const cell = codeCell(notebook, 4);
    expect(cell.isOutputCollapsed).toBe(true);
    const [error] = cell.outputs;
    expect(error?.type).toBe('error');
    if (error?.type !== 'error') return;
    expect(error.name).toBe('ZeroDivisionError');
    expect(error.message).toBe('division by zero');
    expect(error.traceback).toHaveLength(4);
    expect(error.traceback[3]).toBe('\u001b[0;31mZeroDivisionError\u001b[0m: division by zero');
    expect(error.line).toBeUndefined();
  });

  it('writes imported outputs back as Jupyter had them', () => {
    const original = JSON.parse(PYTHON) as { cells: { outputs?: unknown[] }[] };
    const exported = exportIpynb(notebook);
    expect(exported.cells[3]?.cell_type === 'code' && exported.cells[3].outputs).toEqual(original.cells[3]?.outputs);
    expect(exported.cells[4]?.cell_type === 'code' && exported.cells[4].outputs).toEqual(original.cells[4]?.outputs);
    expect(exported.cells[2]?.cell_type === 'code' && exported.cells[2].outputs).toEqual(original.cells[2]?.outputs);
  });
});

describe('importIpynb: names, ids and odd but valid input', () => {
  const minimal = (extra: Record<string, unknown> = {}, cells: unknown[] = []): string =>
    JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells, ...extra });

  it('names the notebook from the file, then metadata.kiln.name, then "Untitled"', () => {
    const withKilnName = minimal({ metadata: { kiln: { name: 'Stored' } } });
    expect(imported(withKilnName, { fileName: 'C:\\work\\From file.IPYNB' }).name).toBe('From file');
    expect(imported(withKilnName).name).toBe('Stored');
    expect(imported(minimal()).name).toBe('Untitled');
  });

  it('takes the language from kernelspec, then language_info', () => {
    expect(imported(minimal({ metadata: { kernelspec: { name: 'ir', language: 'R' } } })).language).toBe('r');
    expect(imported(minimal({ metadata: { language_info: { name: 'julia' } } })).language).toBe('julia');
    expect(imported(minimal({ metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } } })).language).toBe('python');
  });

  it('gives fresh ids to cells without, with malformed or with repeated ids', () => {
    const cell = (id?: string): unknown => ({ cell_type: 'markdown', metadata: {}, source: 'x', ...(id === undefined ? {} : { id }) });
    const notebook = imported(minimal({}, [cell('same'), cell('same'), cell(), cell('has spaces'), cell('ok-id')]));
    const ids = notebook.cells.map((c) => c.id);
    expect(ids[0]).toBe('same');
    expect(ids[4]).toBe('ok-id');
    expect(new Set(ids).size).toBe(5);
    for (const fresh of ids.slice(1, 4)) expect(fresh).toMatch(/^c_[0-9a-f]{16}$/);
  });

  it('reads collapse state from Jupyter metadata, but a Kiln flag wins', () => {
    const cell = (metadata: unknown): unknown => ({ cell_type: 'code', metadata, outputs: [], source: '' });
    const notebook = imported(
      minimal({}, [
        cell({ jupyter: { source_hidden: true, outputs_hidden: true } }),
        cell({ collapsed: true }),
        cell({ jupyter: { source_hidden: true }, collapsed: true, kiln: { isInputCollapsed: false, isOutputCollapsed: false } }),
      ]),
    );
    expect([0, 1, 2].map((i) => [codeCell(notebook, i).isInputCollapsed, codeCell(notebook, i).isOutputCollapsed])).toEqual([
      [true, true],
      [undefined, true],
      [false, false],
    ]);
    // The Jupyter keys stay in the cell's metadata; only Kiln's own key is lifted out.
    expect(codeCell(notebook, 2).metadata).toEqual({ jupyter: { source_hidden: true }, collapsed: true });
  });

  it('lets the caller force a notebook id', () => {
    expect(imported(serializeIpynb(KILN_NOTEBOOK), { notebookId: 'nb_other' as NotebookId }).id).toBe('nb_other');
  });

  it('accepts a byte-order mark, string sources and missing optional fields', () => {
    const text = `\uFEFF${minimal({}, [{ cell_type: 'code', source: 'x = 1' }])}`;
    expect(imported(text).cells).toStrictEqual([{ id: expect.any(String), type: 'code', source: 'x = 1', outputs: [], executionCount: null }]);
  });

  it('keeps unknown output types with data as mime bundles', () => {
    const cells = [{ cell_type: 'code', metadata: {}, source: '', execution_count: 1, outputs: [{ output_type: 'future_output', data: { 'text/plain': ['a\n', 'b'] } }] }];
    expect(codeCell(imported(minimal({}, cells)), 0).outputs).toStrictEqual([{ type: 'display', bundle: { kind: 'mime', data: { 'text/plain': 'a\nb' } } }]);
  });

  it('keeps "__proto__" keys as plain data', () => {
    const text = '{"nbformat":4,"nbformat_minor":5,"metadata":{"__proto__":{"polluted":true}},"cells":[]}';
    const notebook = imported(text);
    expect(Object.hasOwn(notebook.metadata ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(notebook.metadata)).toBe(Object.prototype);
  });
});

describe('importIpynb: bad input is rejected whole, with a path', () => {
  const notebookWith = (cells: unknown[], extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...extra });
  const md = (source: unknown = 'ok'): unknown => ({ cell_type: 'markdown', id: 'm', metadata: {}, source });
  const code = (outputs: unknown[], metadata: unknown = {}): unknown => ({ cell_type: 'code', execution_count: 1, metadata, outputs, source: '' });
  const display = (data: unknown): unknown => ({ output_type: 'display_data', metadata: {}, data });
  const kiln = (bundle: unknown): unknown => display({ 'text/plain': 'x', 'application/vnd.kiln.display+json': bundle });

  const cases: { name: string; text: string; code: ImportErrorCode; path: string; message: RegExp }[] = [
    { name: 'not JSON', text: '{"cells": [', code: 'not-json', path: '', message: /not valid JSON/ },
    { name: 'empty file', text: '', code: 'not-json', path: '', message: /not valid JSON/ },
    { name: 'a JSON array', text: '[]', code: 'not-object', path: '', message: /^notebook: expected a JSON object .*got an array/ },
    { name: 'JSON null', text: 'null', code: 'not-object', path: '', message: /got null/ },
    { name: 'a JSON string', text: '"nb"', code: 'not-object', path: '', message: /got a string/ },
    { name: 'nbformat missing', text: '{"cells": []}', code: 'not-nbformat-4', path: 'nbformat', message: /^nbformat: missing; this is not a Jupyter notebook/ },
    {
      name: 'nbformat 3',
      text: JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] }),
      code: 'not-nbformat-4',
      path: 'nbformat',
      message: /nbformat 3 notebook, and Kiln reads only nbformat 4\. Upgrade it with `jupyter nbconvert/,
    },
    { name: 'nbformat 5', text: notebookWith([], { nbformat: 5 }), code: 'not-nbformat-4', path: 'nbformat', message: /newer than Kiln/ },
    { name: 'nbformat as a string', text: notebookWith([], { nbformat: '4' }), code: 'not-nbformat-4', path: 'nbformat', message: /got a string/ },
    { name: 'bad nbformat_minor', text: notebookWith([], { nbformat_minor: 'x' }), code: 'not-nbformat-4', path: 'nbformat_minor', message: /integer/ },
    { name: 'cells missing', text: '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', code: 'bad-notebook', path: 'cells', message: /^cells: missing; expected an array/ },
    { name: 'cells not an array', text: notebookWith([], { cells: {} }), code: 'bad-notebook', path: 'cells', message: /expected an array, got an object/ },
    { name: 'metadata not an object', text: notebookWith([], { metadata: [] }), code: 'bad-metadata', path: 'metadata', message: /expected an object/ },
    { name: 'cell not an object', text: notebookWith([md(), 'cell']), code: 'bad-cell', path: 'cells[1]', message: /^cells\[1\]: expected an object, got a string/ },
    {
      name: 'unknown cell type',
      text: notebookWith([{ cell_type: 'heading', source: '', metadata: {} }]),
      code: 'bad-cell',
      path: 'cells[0].cell_type',
      message: /expected "code" or "markdown" or "raw", got a string \("heading"\)/,
    },
    {
      name: 'bad source type, naming the cell index',
      text: notebookWith([md(), md(), md(), md(3)]),
      code: 'bad-cell',
      path: 'cells[3].source',
      message: /^cells\[3\]\.source: expected a string or an array of strings, got a number \(3\)$/,
    },
    { name: 'source array with a number', text: notebookWith([md(['a', 1])]), code: 'bad-cell', path: 'cells[0].source', message: /array of strings/ },
    { name: 'source missing', text: notebookWith([{ cell_type: 'raw', metadata: {} }]), code: 'bad-cell', path: 'cells[0].source', message: /missing/ },
    { name: 'cell metadata not an object', text: notebookWith([{ cell_type: 'raw', metadata: 'x', source: '' }]), code: 'bad-cell', path: 'cells[0].metadata', message: /expected an object/ },
    { name: 'bad attachment', text: notebookWith([{ ...(md() as object), attachments: { 'a.png': 'x' } }]), code: 'bad-cell', path: 'cells[0].attachments["a.png"]', message: /expected an object/ },
    {
      name: 'negative execution count',
      text: notebookWith([{ cell_type: 'code', execution_count: -1, metadata: {}, outputs: [], source: '' }]),
      code: 'bad-cell',
      path: 'cells[0].execution_count',
      message: /integer of at least 0 or null/,
    },
    { name: 'outputs not an array', text: notebookWith([{ cell_type: 'code', metadata: {}, outputs: {}, source: '' }]), code: 'bad-cell', path: 'cells[0].outputs', message: /expected an array/ },
    { name: 'output not an object', text: notebookWith([code([1])]), code: 'bad-output', path: 'cells[0].outputs[0]', message: /expected an object/ },
    { name: 'output without type', text: notebookWith([code([{}])]), code: 'bad-output', path: 'cells[0].outputs[0].output_type', message: /missing; expected a string/ },
    {
      name: 'unknown output type without data',
      text: notebookWith([md(), code([{ output_type: 'stream', name: 'stdout', text: '' }, { output_type: 'pyout' }])]),
      code: 'bad-output',
      path: 'cells[1].outputs[1].output_type',
      message: /^cells\[1\]\.outputs\[1\]\.output_type: unknown output type "pyout", with no data to show$/,
    },
    { name: 'bad stream name', text: notebookWith([code([{ output_type: 'stream', name: 'stdin', text: '' }])]), code: 'bad-output', path: 'cells[0].outputs[0].name', message: /"stdout" or "stderr"/ },
    { name: 'bad stream text', text: notebookWith([code([{ output_type: 'stream', name: 'stdout', text: 5 }])]), code: 'bad-output', path: 'cells[0].outputs[0].text', message: /string or an array of strings/ },
    {
      name: 'traceback with a number',
      text: notebookWith([code([{ output_type: 'error', ename: 'E', evalue: 'v', traceback: ['a', 2] }])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].traceback[1]',
      message: /expected a string, got a number/,
    },
    { name: 'error without ename', text: notebookWith([code([{ output_type: 'error', evalue: 'v', traceback: [] }])]), code: 'bad-output', path: 'cells[0].outputs[0].ename', message: /missing/ },
    { name: 'display data not an object', text: notebookWith([code([display([])])]), code: 'bad-output', path: 'cells[0].outputs[0].data', message: /expected an object/ },
    { name: 'text mime holding a number', text: notebookWith([code([display({ 'text/plain': 1 })])]), code: 'bad-output', path: 'cells[0].outputs[0].data["text/plain"]', message: /string or an array of strings/ },
    {
      name: 'bad execute_result count',
      text: notebookWith([code([{ output_type: 'execute_result', execution_count: 'one', data: {}, metadata: {} }])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].execution_count',
      message: /integer/,
    },
    {
      name: 'unknown Kiln bundle kind',
      text: notebookWith([code([kiln({ kind: 'video' })])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].data["application/vnd.kiln.display+json"].kind',
      message: /got a string \("video"\)/,
    },
    {
      name: 'Kiln table with a bad shape',
      text: notebookWith([code([kiln({ kind: 'table', columns: [], index: [], rows: [], shape: [1], isSeries: false })])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].data["application/vnd.kiln.display+json"].shape',
      message: /expected \[rows, columns\]/,
    },
    {
      name: 'Kiln image without its pixels',
      text: notebookWith([code([kiln({ kind: 'image', mime: 'image/png', width: 1, height: 1 })])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].data["image/png"]',
      message: /image data as a string/,
    },
    {
      name: 'unknown special value marker',
      text: notebookWith([code([kiln({ kind: 'json', value: [{ $kiln: 'Date' }] })])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].data["application/vnd.kiln.display+json"].value[0].$kiln',
      message: /unknown special value marker "Date"/,
    },
    {
      name: 'bad lastRun status',
      text: notebookWith([code([], { kiln: { lastRun: { startedAt: 1, durationMs: 1, status: 'great' } } })]),
      code: 'bad-cell',
      path: 'cells[0].metadata.kiln.lastRun.status',
      message: /"ok" or "error" or "interrupted"/,
    },
    {
      name: 'Kiln error location pointing past the outputs',
      text: notebookWith([code([], { kiln: { errors: [{ output: 0 }] } })]),
      code: 'bad-cell',
      path: 'cells[0].metadata.kiln.errors',
      message: /names output 0, but the cell has 0/,
    },
    {
      name: 'Kiln error location on a non-error output',
      text: notebookWith([code([{ output_type: 'stream', name: 'stdout', text: '' }], { kiln: { errors: [{ output: 0 }] } })]),
      code: 'bad-cell',
      path: 'cells[0].metadata.kiln.errors',
      message: /not an error/,
    },
    { name: 'bad Kiln notebook time', text: notebookWith([], { metadata: { kiln: { createdAt: 'today' } } }), code: 'bad-metadata', path: 'metadata.kiln.createdAt', message: /expected a number/ },
    { name: 'bad Kiln notebook id', text: notebookWith([], { metadata: { kiln: { id: '../../x' } } }), code: 'bad-metadata', path: 'metadata.kiln.id', message: /letters, digits/ },
    {
      name: 'bad display id',
      text: notebookWith([code([{ output_type: 'display_data', data: {}, metadata: { kiln: { displayId: 3 } } }])]),
      code: 'bad-output',
      path: 'cells[0].outputs[0].metadata.kiln.displayId',
      message: /expected a string/,
    },
  ];

  it.each(cases)('$name', ({ text, code: expectedCode, path, message }) => {
    const result: ImportResult = importIpynb(text);
    expect(result.ok).toBe(false);
    // Nothing partial: a failed import carries only the error.
    expect(Object.keys(result).sort()).toEqual(['error', 'ok']);
    if (result.ok) return;
    expect(result.error.code).toBe(expectedCode);
    expect(result.error.path).toBe(path);
    expect(result.error.message).toMatch(message);
    if (path !== '') expect(result.error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('rejects absurdly deep nesting instead of crashing', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const bundle = `{"kind":"json","value":${deep}}`;
    const output = `{"output_type":"display_data","metadata":{},"data":{"application/vnd.kiln.display+json":${bundle}}}`;
    const text = `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"cell_type":"code","metadata":{},"source":"","outputs":[${output}]}]}`;
    expect(importIpynb(text)).toEqual({ ok: false, error: { code: 'bad-notebook', path: '', message: expect.stringMatching(/nested too deeply/) } });
  });

  it('rejects a notebook whose only problem is in its last cell', () => {
    const cells = [...Array.from({ length: 20 }, () => md()), md(null)];
    const result = importIpynb(notebookWith(cells));
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'bad-cell', path: 'cells[20].source' }) });
  });
});
