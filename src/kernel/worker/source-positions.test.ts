import { describe, expect, it } from 'vitest';
import {
  cellNameFromUrl,
  cellSourceUrl,
  describeThrownValue,
  formatErrorText,
  formatExcerpt,
  mapErrorToCell,
  parseStack,
} from './source-positions';
import type { CellSource } from './source-positions';
import { transpileCell } from './transpile';

function cellFrom(source: string, cellName: string): CellSource {
  const result = transpileCell(source, { cellName });
  if (!result.ok) throw new Error(result.error.message);
  return { cellName, source, sourceMap: result.sourceMap };
}

/** An Error whose stack is exactly `frames` (V8 text), as a worker would produce it. */
function errorWithStack(message: string, frames: readonly string[]): Error {
  const error = new Error(message);
  error.stack = [`Error: ${message}`, ...frames.map((frame) => `    ${frame}`)].join('\n');
  return error;
}

// cell-5's script (wrapper lines 1-2): line 3 `"use strict";__kiln.declare(["scale"]); scale = 2;`
// and line 4 `return (train(scale))`, where `train` starts at column 9. In the TypeScript it is 2:1.
const caller = cellFrom('const scale: number = 2\ntrain(scale)', 'cell-5');
// cell-2's line 2 is not rewritten, so `fit` is column 9 in both: script line 4, TypeScript 2:9.
const callee = cellFrom('function train(epochs: number): void {\n  model.fit(epochs)\n}', 'cell-2');
const resolveCell = (cellName: string): CellSource | undefined => (cellName === 'cell-2' ? callee : undefined);

describe('parseStack', () => {
  const cases: { frame: string; functionName: string | undefined; location: unknown }[] = [
    { frame: '    at fn (kiln://cell-3.js:5:9)', functionName: 'fn', location: { url: 'kiln://cell-3.js', line: 5, column: 9 } },
    { frame: '    at kiln://cell-3.js:5:9', functionName: undefined, location: { url: 'kiln://cell-3.js', line: 5, column: 9 } },
    { frame: '    at async train (kiln://cell-2.js:4:9)', functionName: 'train', location: { url: 'kiln://cell-2.js', line: 4, column: 9 } },
    { frame: '    at new Model (kiln://cell-1.js:3:3)', functionName: 'new Model', location: { url: 'kiln://cell-1.js', line: 3, column: 3 } },
    { frame: '    at Array.map (<anonymous>)', functionName: 'Array.map', location: undefined },
    { frame: '    at async Promise.all (index 0)', functionName: 'Promise.all', location: undefined },
    {
      frame: '    at eval (eval at run (file:///k.js:10:5), <anonymous>:3:7)',
      functionName: 'eval',
      location: { url: '<anonymous>', line: 3, column: 7 },
    },
    {
      frame: '    at Object.<anonymous> (file:///dir (copy)/a.js:1:2)',
      functionName: 'Object.<anonymous>',
      location: { url: 'file:///dir (copy)/a.js', line: 1, column: 2 },
    },
    { frame: 'train@kiln://cell-2.js:4:9', functionName: 'train', location: { url: 'kiln://cell-2.js', line: 4, column: 9 } },
    { frame: '@kiln://cell-2.js:4:9', functionName: undefined, location: { url: 'kiln://cell-2.js', line: 4, column: 9 } },
  ];
  it.each(cases)('$frame', ({ frame, functionName, location }) => {
    const [parsed, ...rest] = parseStack(`Error: header\n${frame}`);
    expect(rest).toEqual([]);
    expect(parsed).toMatchObject({ functionName, location });
  });

  it('skips the message, even one that spans lines', () => {
    expect(parseStack('Error: first line\nat the start of a second line\n    at f (kiln://cell-1.js:3:1)')).toHaveLength(1);
  });

  it('round-trips cell names through their URL', () => {
    expect(cellNameFromUrl(cellSourceUrl('cell-12'))).toBe('cell-12');
    expect(cellNameFromUrl('http://localhost/app.js')).toBeUndefined();
  });
});

describe('mapErrorToCell', () => {
  const libraryFrames = [
    'at Ct (http://localhost:5173/node_modules/.vite/deps/@tensorflow_tfjs.js?v=1:100:5)',
    'at Object.fit (http://localhost:5173/node_modules/.vite/deps/@tensorflow_tfjs.js?v=1:200:7)',
  ];
  const kernelFrames = [
    'at settle (http://localhost:5173/src/kernel/worker/execute-cell.ts:400:10)',
    'at async runCell (http://localhost:5173/src/kernel/worker/execute-cell.ts:420:3)',
  ];

  it('maps cell frames, collapses library frames and drops the kernel', () => {
    const error = errorWithStack('shape mismatch', [
      ...libraryFrames,
      'at train (kiln://cell-2.js:4:9)',
      'at eval (kiln://cell-5.js:4:9)',
      ...kernelFrames,
    ]);
    expect(mapErrorToCell(error, caller, { resolveCell })).toEqual({
      type: 'error',
      name: 'Error',
      message: 'shape mismatch',
      line: 2,
      column: 1,
      traceback: [
        '... (library frames)',
        'at train (cell-2:2:9)',
        '    2 |   model.fit(epochs)',
        '      |         ^',
        'at cell-5:2:1',
        '    2 | train(scale)',
        '      | ^',
      ],
    });
  });

  it('lists frames of cells it cannot resolve without a position', () => {
    const error = errorWithStack('x', ['at train (kiln://cell-2.js:4:9)', 'at eval (kiln://cell-5.js:4:9)']);
    expect(mapErrorToCell(error, caller).traceback[0]).toBe('at train (cell-2 (generated 4:9))');
  });

  it('folds recursion', () => {
    const frame = 'at eval (kiln://cell-5.js:4:9)';
    const { traceback } = mapErrorToCell(errorWithStack('deep', [frame, frame, frame]), caller);
    expect(traceback).toEqual(['at cell-5:2:1', '    2 | train(scale)', '      | ^', '... (previous frame repeated 2 more times)']);
  });

  it('has no traceback when no frame is in a cell', () => {
    const error = errorWithStack('kernel bug', [...libraryFrames, ...kernelFrames]);
    expect(mapErrorToCell(error, caller)).toEqual({ type: 'error', name: 'Error', message: 'kernel bug', traceback: [] });
  });

  it('accepts error-like objects from elsewhere', () => {
    const remote = { name: 'RemoteError', message: 'from elsewhere', stack: 'RemoteError: from elsewhere\n    at eval (kiln://cell-5.js:4:9)' };
    expect(mapErrorToCell(remote, caller)).toMatchObject({ name: 'RemoteError', message: 'from elsewhere', line: 2, column: 1 });
  });

  it('mentions the cause', () => {
    const error = new Error('outer', { cause: new TypeError('inner') });
    expect(mapErrorToCell(error, caller).traceback.at(-1)).toBe('Caused by: TypeError: inner');
  });

  const thrown: { value: unknown; message: string }[] = [
    { value: 'plain', message: 'plain' },
    { value: 42, message: '42' },
    { value: undefined, message: 'undefined' },
    { value: 10n, message: '10n' },
    { value: Symbol('s'), message: 'Symbol(s)' },
    { value: { code: 1 }, message: '{"code":1}' },
    { value: new (class Foo {})(), message: '[object Foo]' },
  ];
  it.each(thrown)('describes a thrown $message', ({ value, message }) => {
    expect(mapErrorToCell(value, caller)).toEqual({ type: 'error', name: 'Uncaught', message, traceback: [] });
  });

  it('describes circular thrown objects without failing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeThrownValue(circular)).toBe('[object Object]');
  });
});

describe('formatting', () => {
  it('puts the caret under the column, keeping tabs', () => {
    // `\tfoo(bar)`: `b` is the sixth character.
    expect(formatExcerpt('\tfoo(bar)', { line: 1, column: 6 })).toEqual(['    1 | \tfoo(bar)', '      | \t    ^']);
  });

  it('windows very long lines around the column', () => {
    const line = `${'a'.repeat(240)}X${'b'.repeat(60)}`;
    const [text = '', caret = ''] = formatExcerpt(line, { line: 1, column: 241 });
    expect(text.length).toBeLessThan(140);
    expect(text[caret.indexOf('^')]).toBe('X');
  });

  it('quotes nothing for a line that does not exist', () => {
    expect(formatExcerpt('one line', { line: 3, column: 1 })).toEqual([]);
  });

  it('renders an ErrorOutput as text', () => {
    expect(formatErrorText({ type: 'error', name: 'TypeError', message: 'bad', traceback: ['at cell-1:1:1'] })).toBe(
      'TypeError: bad\n  at cell-1:1:1',
    );
  });
});
