import { describe, expect, it } from 'vitest';
import { CELL_WRAPPER_LINE_OFFSET, transpileCell } from './transpile';
import type { TranspiledCell } from './transpile';
import { originalPosition, parseStack } from './source-positions';

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (body: string) => () => Promise<unknown>;

function transpiled(source: string, cellName = 'cell-1'): TranspiledCell {
  const result = transpileCell(source, { cellName });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(source)} to transpile: ${result.error.message}`);
  return result;
}

/** Where the last `needle` starts in the compiled script V8 sees (1-based, wrapper lines included). */
function scriptPositionOf(code: string, needle: string): { line: number; column: number } {
  const offset = code.lastIndexOf(needle);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = code.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length + CELL_WRAPPER_LINE_OFFSET, column: offset - lineStart + 1 };
}

describe('declared names', () => {
  const cases: { source: string; names: string[] }[] = [
    { source: 'const {a, b: [c], ...rest} = x', names: ['a', 'c', 'rest'] },
    { source: 'const {p: {q = 1}, r = 2} = x; let [s, , ...t] = y', names: ['q', 'r', 's', 't'] },
    { source: 'let u = 1, v: number, w', names: ['u', 'v', 'w'] },
    { source: 'var v\nfunction f() {}\nclass A {}', names: ['v', 'f', 'A'] },
    { source: "import d, * as ns from 'm'\nimport { a as b, c } from 'n'", names: ['d', 'ns', 'b', 'c'] },
    { source: 'export const e = 1\nexport function g() {}\nexport default class K {}', names: ['e', 'g', 'K'] },
    { source: '{ const inner = 1 }\nfor (let i = 0; i < 1; i++) {}\nfunction h() { var local }', names: ['h'] },
    { source: 'enum Direction { Up, Down }\ntype Alias = string\ninterface Shape { x: number }', names: ['Direction'] },
    { source: 'declare const ambient: number\nconst x = 1 as const', names: ['x'] },
  ];
  it.each(cases)('$source', ({ source, names }) => {
    expect(transpiled(source).declaredNames).toEqual(names);
  });

  it('declares them before anything else runs', () => {
    expect(transpiled('const late = 1').code.startsWith('"use strict";__kiln.declare(["late"]);')).toBe(true);
  });
});

describe('generated code', () => {
  it('guards every loop, nested ones included, with or without braces', () => {
    const source = [
      'for (let i = 0; i < 2; i++) {}',
      'for (const k in {}) k',
      'for (const v of []) { while (false) {} }',
      'do ; while (false)',
      'function f() { for (;;) break }',
      'class C { m() { while (false) ; } }',
      'const arrow = () => { for (const x of []) x }',
    ].join('\n');
    const { code } = transpiled(source);
    expect(code.split('__kiln.tick();').length - 1).toBe(8);
    expect(() => new AsyncFunction(code)).not.toThrow();
  });

  it('keeps an import whose bindings this cell does not use', () => {
    expect(transpiled("import * as tf from '@tensorflow/tfjs'").code).toContain(
      'tf = await __kiln.import("@tensorflow/tfjs");',
    );
  });

  it('routes dynamic import() through the registry', () => {
    expect(transpiled("const m = await import('lib')").code).toContain("await __kiln.import('lib')");
  });

  it('returns the last expression unless the statement ends with a semicolon', () => {
    expect(transpiled('const a = 1\na + 1').hasResult).toBe(true);
    expect(transpiled('const a = 1\na + 1;').hasResult).toBe(false);
    expect(transpiled('a = 2').hasResult).toBe(false);
    expect(transpiled('a\n// the end').code).toContain('return (a)');
  });

  it('notes each export it drops', () => {
    const { notes } = transpiled("const a = 1\nexport { a }\nexport * from 'm'\nexport const b = 2");
    expect(notes.map((note) => note.slice(0, note.indexOf(':')))).toEqual(['line 2', 'line 3', 'line 4']);
  });

  it('names the cell in a sourceURL on its own last line', () => {
    expect(transpiled('1 // comment', 'cell-7').code.endsWith('\n//# sourceURL=kiln://cell-7.js')).toBe(true);
  });

  it('compiles for a range of cells', () => {
    const corpus = [
      '',
      '// nothing but a comment',
      'const {a = 1, ...b} = {} as any\nlet c\nvar d',
      'f()\nfunction f() {}\nasync function g() {}\nfunction* h() {}\nasync function* i() {}',
      'class A {}\nclass B extends A { static s = 1; #p = 2; get p() { return this.#p } }',
      "import * as m from 'm'\nimport n from 'n'\nimport { o, p as q } from 'o'\nimport 'side'",
      'export default function () {}',
      'export function g() {}\nexport function h() {}\ng()',
      'function first() {}\nfunction second() {}',
      'export default 42',
      'export default (1 + 2)',
      'export default class {}',
      'label: for (;;) { break label }',
      'const x = 1\n;[x].forEach((v) => v)',
      'x?.y ?? z',
      'await 1\n`template ${1}`',
      'if (a) while (b) c()\nelse d()',
    ];
    for (const source of corpus) {
      expect(() => new AsyncFunction(transpiled(source).code), source).not.toThrow();
    }
  });

  it('refuses names the kernel depends on', () => {
    const result = transpileCell('const x = 1\nclass Promise {}', { cellName: 'cell-1' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ name: 'SyntaxError', line: 2, column: 7 });
    // Inside a block the name is local, which is harmless.
    expect(transpileCell('{ const Map = 1 }', { cellName: 'cell-1' }).ok).toBe(true);
  });

  it('rejects cell names that would break the sourceURL', () => {
    expect(() => transpileCell('1', { cellName: 'cell 1' })).toThrow(/cell names/);
  });
});

describe('syntax errors point into the TypeScript', () => {
  const cases: { name: string; source: string; message: string; line: number; column: number }[] = [
    {
      name: 'found by sucrase, after annotated lines',
      source: "let x: number = 1\nlet y: string = ''\nconst = 5",
      message: 'Unexpected token',
      line: 3,
      column: 7,
    },
    {
      // `const pair: [number, string] = [1, 'a']; ` is 47 characters, so the second `pair` is column 48
      // (it is column 30 in the JavaScript, where the annotation is gone).
      name: 'found by acorn, after an annotation on the same line',
      source: "const w: number = 1\nconst v: string = ''\nconst pair: [number, string] = [1, 'a']; const pair = 2",
      message: "Identifier 'pair' has already been declared",
      line: 3,
      column: 48,
    },
    {
      // `function g(): void { ` is 21 characters.
      name: 'await outside an async function',
      source: 'function g(): void { await x }',
      message: "Cannot use keyword 'await' outside an async function",
      line: 1,
      column: 22,
    },
    { name: 'unterminated string', source: "const s: string = 'abc", message: 'Unterminated string constant', line: 1, column: 19 },
    { name: 'top-level return', source: 'const a = 1\nreturn a', message: "'return' outside of function", line: 2, column: 1 },
    { name: 'import.meta', source: 'const here: string = import.meta.url', message: "'import.meta' is not available in a notebook cell: a cell is not a module file", line: 1, column: 22 },
    { name: 'end of input', source: 'let a = 1\n\n  a +', message: 'Unexpected token', line: 3, column: 6 },
  ];
  it.each(cases)('$name', ({ source, message, line, column }) => {
    const result = transpileCell(source, { cellName: 'cell-4' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const sourceLine = source.split('\n')[line - 1];
    expect(result.error).toEqual({
      type: 'error',
      name: 'SyntaxError',
      message,
      line,
      column,
      traceback: [`at cell-4:${line}:${column}`, `    ${line} | ${sourceLine}`, `      | ${' '.repeat(column - 1)}^`],
    });
  });
});

describe('source map', () => {
  it('maps generated positions back through stripped annotations', () => {
    // Line 2: `const b: string = 'x'; const ` is 29 characters, so `target` is column 30.
    const cell = transpiled("const a: number = 1\nconst b: string = 'x'; const target: number = a");
    expect(originalPosition(cell.sourceMap, scriptPositionOf(cell.code, 'target'))).toEqual({ line: 2, column: 30 });
    // `a` at the end: 29 + `target: number = ` (17) → column 47.
    expect(originalPosition(cell.sourceMap, scriptPositionOf(cell.code, 'a;\n'))).toEqual({ line: 2, column: 47 });
  });

  it('follows a function moved to the top of the cell', () => {
    const cell = transpiled('first()\n\nfunction first(): number {\n  return missing\n}');
    expect(originalPosition(cell.sourceMap, scriptPositionOf(cell.code, 'missing'))).toEqual({ line: 4, column: 10 });
  });

  it('matches the line offset V8 gives new AsyncFunction bodies', async () => {
    const probe = new AsyncFunction('  throw new Error("probe")\n//# sourceURL=kiln://probe.js');
    const error = await probe().catch((thrown: unknown) => thrown);
    const frame = parseStack((error as Error).stack ?? '')[0];
    expect(frame?.location).toEqual({ url: 'kiln://probe.js', line: 1 + CELL_WRAPPER_LINE_OFFSET, column: 9 });
  });

  it('carries the TypeScript source', () => {
    const source = 'const typed: number = 1';
    expect(transpiled(source, 'cell-2').sourceMap).toMatchObject({ sources: ['cell-2.ts'], sourcesContent: [source] });
  });
});
