import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TICKS_PER_INTERRUPT_CHECK, createKernelScope, formatConsoleArgs, inspect } from './execute-cell';
import { registerModule, registerModuleLoader, unregisterModule } from './module-registry';
import { startTestKernel } from './__harness__/kernel-harness';
import type { TestKernel } from './__harness__/kernel-harness';

let kernel: TestKernel;
beforeEach(() => {
  kernel = startTestKernel();
});
afterEach(() => {
  kernel.dispose();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('top-level names persist across cells', () => {
  const scenarios: { name: string; cells: string[]; result: unknown }[] = [
    { name: 'redeclaring a const', cells: ['const x = 1', 'const x = 2', 'x'], result: 2 },
    { name: 'let, reassigned in a later cell', cells: ['let n = 1', 'n = n + 41', 'n'], result: 42 },
    { name: 'type annotations', cells: ['const typed: Array<number> = [1, 2]', 'typed.length'], result: 2 },
    { name: 'object destructuring with renaming', cells: ['const {a, b: renamed} = {a: 1, b: 2}', '[a, renamed]'], result: [1, 2] },
    {
      name: 'array destructuring with holes and rest',
      cells: ['const [first, , third, ...others] = [1, 2, 3, 4, 5]', '[first, third, others]'],
      result: [1, 3, [4, 5]],
    },
    {
      name: 'nested destructuring with defaults',
      cells: ['const {p: {q = 10, r: [s = 20]}, t = 30} = {p: {r: []}} as any', '[q, s, t]'],
      result: [10, 20, 30],
    },
    { name: 'object rest', cells: ['const {k, ...remaining} = {k: 1, l: 2, m: 3}', '[k, remaining]'], result: [1, { l: 2, m: 3 }] },
    { name: 'several declarators', cells: ['let u = 1, v = u + 1, w', '[u, v, w]'], result: [1, 2, undefined] },
    { name: 'let without initializer resets the value', cells: ['let reset = 5', 'let reset', 'reset'], result: undefined },
    { name: 'var without initializer keeps the value', cells: ['var kept = 5', 'var kept', 'kept'], result: 5 },
    {
      name: 'functions are hoisted within their cell',
      cells: ['const early = twice(21)\nfunction twice(n: number): number { return n * 2 }', 'early'],
      result: 42,
    },
    {
      name: 'callers see a function redefined in a later cell',
      cells: ['function helper() { return 1 }\nfunction caller() { return helper() }', 'function helper() { return 2 }', 'caller()'],
      result: 2,
    },
    {
      name: 'recursion through the global name',
      cells: ['function fact(n: number): number { return n <= 1 ? 1 : n * fact(n - 1) }', 'fact(5)'],
      result: 120,
    },
    {
      name: 'async functions',
      cells: ['async function plusOne(v: number): Promise<number> { await null; return v + 1 }', 'await plusOne(1)'],
      result: 2,
    },
    {
      name: 'generators',
      cells: ['function* upTo(limit: number) { for (let i = 0; i < limit; i++) yield i }', '[...upTo(3)]'],
      result: [0, 1, 2],
    },
    {
      name: 'async generators and for await',
      cells: ['async function* pair() { yield 1; yield 2 }', 'const seen: number[] = []\nfor await (const v of pair()) seen.push(v)\nseen'],
      result: [1, 2],
    },
    {
      name: 'a class extending a class from an earlier cell',
      cells: [
        'class Animal { constructor(public label: string) {} speak(): string { return `${this.label} makes a sound` } }',
        'class Dog extends Animal { override speak(): string { return `${this.label} barks` } }',
        'const rex = new Dog("Rex");\n`${rex.speak()} / ${rex instanceof Animal} / ${Dog.name}`',
      ],
      result: 'Rex barks / true / Dog',
    },
    {
      name: 'closures see later updates of a global',
      cells: ['let counter = 1\nconst read = () => counter', 'counter = 5', 'read()'],
      result: 5,
    },
    {
      name: 'top-level await',
      cells: ['const later = await new Promise<number>((resolve) => setTimeout(() => resolve(7), 5))', 'later * 6'],
      result: 42,
    },
    {
      // Without the `;` the transpiler adds, `p1 = 1` followed by `({q1} = ...)` would be a call.
      name: 'semicolon-less code with destructuring',
      cells: ['let p1 = 1\nconst {q1} = {q1: 2}\nconst [r1] = [3]\np1 + q1 + r1'],
      result: 6,
    },
    { name: 'a class followed by a line starting with [', cells: ['class Spaced {}\n[1, 2].length'], result: 2 },
    { name: 'a function followed by a line starting with (', cells: ['function wrapped() { return 3 }\n(wrapped())'], result: 3 },
    { name: 'a line comment after the last expression', cells: ['const z2 = 3\nz2 * 2 // doubled'], result: 6 },
    { name: 'block comments at the end', cells: ['41 + 1 /* the answer */\n/* trailing */'], result: 42 },
    {
      name: 'declarations inside blocks stay local',
      cells: ['const outer = 1\n{ const outer = 2 }\nif (outer) { let inner = 3 }', '`${outer} ${typeof (globalThis as any).inner}`'],
      result: '1 undefined',
    },
    {
      // total: for 0+1+2+3 = 6, for-of +1+2 = 9, for-in +'a'.length = 10; k: while to 3, do-while to 5.
      name: 'loops without braces',
      cells: [
        'let total = 0\nfor (let i = 0; i < 4; i++) total += i\nlet k = 0\nwhile (k < 3) k++\ndo k++; while (k < 5)\nfor (const item of [1, 2]) total += item\nfor (const key in {a: 1}) total += key.length\ntotal * 100 + k',
      ],
      result: 1005,
    },
    { name: 'enums', cells: ['enum Color { Red, Green }', 'Color.Green'], result: 1 },
  ];

  it.each(scenarios)('$name', async ({ cells, result }) => {
    const last = await kernel.runAll(cells);
    expect(last.result).toEqual(result);
  });

  it('keeps names declared before an error, and later names exist as undefined', async () => {
    const failed = await kernel.run('const before = 1\nthrow new Error("stop")\nconst after = 2');
    expect(failed.status).toBe('error');
    const check = await kernel.run('[before, after]');
    expect(check.result).toEqual([1, undefined]);
  });

  it('shadows an accessor global and restores it on dispose', async () => {
    Object.defineProperty(globalThis, 'accessorThing', { get: () => 'original', configurable: true });
    try {
      expect((await kernel.runAll(['const accessorThing = 5', 'accessorThing'])).result).toBe(5);
      kernel.dispose();
      expect((globalThis as Record<string, unknown>).accessorThing).toBe('original');
    } finally {
      delete (globalThis as Record<string, unknown>).accessorThing;
    }
  });

  it('removes the names cells declared when disposed', async () => {
    await kernel.runAll(['const leftover = 1']);
    expect((globalThis as Record<string, unknown>).leftover).toBe(1);
    kernel.dispose();
    expect('leftover' in globalThis).toBe(false);
  });

  it('reports assignments to undeclared names (cells are strict)', async () => {
    const result = await kernel.run('neverDeclared = 1');
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({ name: 'ReferenceError', line: 1 });
  });
});

describe('the value of the last statement', () => {
  const cases: { source: string; hasResult: boolean; result?: unknown }[] = [
    { source: '1 + 1', hasResult: true, result: 2 },
    { source: '1 + 1;', hasResult: false },
    { source: '1 + 1; // note', hasResult: false },
    { source: '1 + 1 // note', hasResult: true, result: 2 },
    { source: 'const v0 = 1', hasResult: false },
    { source: 'let w0 = 1\nw0 = 2', hasResult: false },
    { source: 'console.log("x")', hasResult: false },
    { source: "'text'", hasResult: true, result: 'text' },
    { source: 'null', hasResult: true, result: null },
    { source: '', hasResult: false },
    { source: '// only a comment', hasResult: false },
    { source: 'if (true) { 5 }', hasResult: false },
    { source: 'let q0 = 1\nq0++', hasResult: true, result: 1 },
    { source: 'await Promise.resolve(3)', hasResult: true, result: 3 },
    { source: '[1, 2].map((n: number) => n * 2)', hasResult: true, result: [2, 4] },
    { source: 'function f0() {}\n', hasResult: false },
  ];
  it.each(cases)('$source', async ({ source, hasResult, result }) => {
    const outcome = await kernel.run(source);
    expect(outcome.status).toBe('ok');
    expect(outcome.hasResult).toBe(hasResult);
    expect(outcome.result).toEqual(result);
  });
});

describe('imports through the module registry', () => {
  let sideEffects = 0;
  const fakeLib = { default: { kind: 'default export' }, add: (a: number, b: number) => a + b, version: '1.0' };
  beforeAll(() => {
    registerModule('fake-lib', fakeLib);
    registerModule('no-default', { value: 3 });
    registerModuleLoader('side-effect', async () => {
      sideEffects++;
      return {};
    });
  });
  afterAll(() => {
    for (const name of ['fake-lib', 'no-default', 'side-effect']) unregisterModule(name);
  });

  const scenarios: { name: string; cells: string[]; result: unknown }[] = [
    { name: 'namespace import used in a later cell', cells: ["import * as lib from 'fake-lib'", 'lib.add(1, 2)'], result: 3 },
    { name: 'default import', cells: ["import fl from 'fake-lib'", 'fl'], result: { kind: 'default export' } },
    { name: 'default import of a module without one', cells: ["import nd from 'no-default'", 'nd.value'], result: 3 },
    {
      name: 'named imports with renaming',
      cells: ["import { add, version as libVersion } from 'fake-lib'", '`${add(2, 3)} ${libVersion}`'],
      result: '5 1.0',
    },
    { name: 'default and named together', cells: ["import whole, { add as plus } from 'fake-lib'\nplus(whole === fakeDefault ? 1 : 0, 10)"], result: 11 },
    { name: 'type-only imports are erased', cells: ["import type { Missing } from 'not-registered'\nconst typed: Missing | 1 = 1\ntyped"], result: 1 },
    { name: 'dynamic import()', cells: ["(await import('fake-lib')).version"], result: '1.0' },
  ];
  it.each(scenarios)('$name', async ({ cells, result }) => {
    (globalThis as Record<string, unknown>).fakeDefault = fakeLib.default;
    try {
      expect((await kernel.runAll(cells)).result).toEqual(result);
    } finally {
      delete (globalThis as Record<string, unknown>).fakeDefault;
    }
  });

  it('runs side-effect imports (lazily loaded once)', async () => {
    await kernel.runAll(["import 'side-effect'", "import 'side-effect'"]);
    expect(sideEffects).toBe(1);
  });

  it('names the available modules when one is missing, at the import line', async () => {
    const result = await kernel.run("const before: number = 1\nimport * as nope from 'nope'");
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({
      name: 'ModuleNotFoundError',
      message: "Module 'nope' is not available in Kiln; available: fake-lib, no-default, side-effect",
      line: 2,
      column: 1,
    });
  });

  it('rejects a named import the module does not export', async () => {
    const result = await kernel.run("import { missing } from 'fake-lib'");
    expect(result.error).toMatchObject({
      name: 'SyntaxError',
      message: "The requested module 'fake-lib' does not provide an export named 'missing'",
      line: 1,
    });
  });
});

describe('interrupts', () => {
  it('stops while(true) {} after the flag is set and keeps every variable', async () => {
    await kernel.runAll(["let kept = 'before'\nlet spins = 0\nfunction helper() { return 'still here' }"]);
    kernel.interruptAfterChecks(3);
    const interrupted = await kernel.run("kept = 'during'\nwhile (true) { spins++ }");
    expect(interrupted.status).toBe('interrupted');
    // The guard sits right after the loop's `{` (line 2, column 14).
    expect(interrupted.error).toMatchObject({ name: 'InterruptError', line: 2, column: 14 });
    kernel.clearInterrupt();
    const after = await kernel.run('[kept, spins, helper()]');
    // The third check (tick 3 × 32) throws before that iteration's spins++.
    expect(after.result).toEqual(['during', 3 * TICKS_PER_INTERRUPT_CHECK - 1, 'still here']);
  });

  it('stops a loop without braces', async () => {
    kernel.interruptAfterChecks(1);
    const result = await kernel.run('let bare = 0\nwhile (true) bare++');
    expect(result.status).toBe('interrupted');
    kernel.clearInterrupt();
    expect((await kernel.run('bare')).result).toBe(TICKS_PER_INTERRUPT_CHECK - 1);
  });

  it('cannot be swallowed by a catch inside the loop', async () => {
    kernel.interruptAfterChecks(1);
    const result = await kernel.run('let caught = 0\nwhile (true) {\n  try { for (;;) {} } catch { caught++ }\n}');
    expect(result.status).toBe('interrupted');
    kernel.clearInterrupt();
    expect((await kernel.run('caught')).result).toBe(1);
  });

  it('stops loops inside functions', async () => {
    kernel.interruptAfterChecks(1);
    const result = await kernel.run('function spin(): never { for (;;) {} }\nspin()');
    expect(result).toMatchObject({ status: 'interrupted', error: { line: 1 } });
  });

  it('stops a cell that is awaiting', async () => {
    kernel.interruptAfterChecks(1);
    const result = await kernel.run('await new Promise(() => {})');
    expect(result.status).toBe('interrupted');
    kernel.clearInterrupt();
    expect((await kernel.run('1 + 1')).result).toBe(2);
  });
});

describe('errors', () => {
  it('maps a runtime error through type annotations that shift columns', async () => {
    // Line 3: `throw` starts at index 44, `new` (where V8 places the error) at index 50.
    const line3 = "const a: number = 1; const b: string = 'x'; throw new Error('boom')";
    const result = await kernel.run(`const n: number = 1\nconst s: string = 'x'\n${line3}`);
    expect(result.status).toBe('error');
    expect(result.error).toEqual({
      type: 'error',
      name: 'Error',
      message: 'boom',
      line: 3,
      column: 51,
      traceback: ['at cell-1:3:51', `    3 | ${line3}`, `      | ${' '.repeat(50)}^`],
    });
  });

  it('follows the stack into a function defined by an earlier cell', async () => {
    await kernel.runAll(['function risky(input: { value: number } | null): number {\n  return input!.value * 2\n}']);
    const result = await kernel.run('const fine: number = risky({ value: 1 })\nrisky(null)');
    expect(result.error).toMatchObject({
      name: 'TypeError',
      message: "Cannot read properties of null (reading 'value')",
      // The line to highlight is this cell's call...
      line: 2,
      column: 1,
    });
    // ...and the traceback explains it from the inside out; `value` is column 17 in the TypeScript.
    expect(result.error?.traceback).toEqual([
      'at risky (cell-1:2:17)',
      '    2 |   return input!.value * 2',
      `      | ${' '.repeat(16)}^`,
      'at cell-2:2:1',
      '    2 | risky(null)',
      '      | ^',
    ]);
  });

  it('keeps native frames and drops the kernel below the cell', async () => {
    const result = await kernel.run("[1].map((n: number) => { throw new RangeError('inside map') })");
    expect(result.error?.traceback.filter((line) => line.startsWith('at') || line.startsWith('...'))).toEqual([
      'at cell-1:1:32',
      'at Array.map (native)',
      'at cell-1:1:5',
    ]);
  });

  it('collapses tfjs internals to one line', async () => {
    registerModule('@tensorflow/tfjs', await import('@tensorflow/tfjs'));
    try {
      const result = await kernel.run("import * as tf from '@tensorflow/tfjs'\ntf.tensor([1, 2]).reshape([3])");
      expect(result.status).toBe('error');
      // The call V8 blames is `reshape`, column 19 of line 2.
      expect(result.error).toMatchObject({ line: 2, column: 19 });
      expect(result.error?.traceback).toEqual([
        '... (library frames)',
        'at cell-1:2:19',
        '    2 | tf.tensor([1, 2]).reshape([3])',
        `      | ${' '.repeat(18)}^`,
      ]);
    } finally {
      unregisterModule('@tensorflow/tfjs');
    }
  });

  it('explains thrown strings and objects', async () => {
    expect((await kernel.run("throw 'plain'")).error).toEqual({ type: 'error', name: 'Uncaught', message: 'plain', traceback: [] });
    expect((await kernel.run('throw { code: 42 }')).error).toMatchObject({ name: 'Uncaught', message: '{"code":42}' });
    expect((await kernel.run('throw null')).error).toMatchObject({ name: 'Uncaught', message: 'null' });
  });

  it('ends the cell with an unawaited rejected promise', async () => {
    const result = await kernel.run("Promise.reject(new Error('lost'))\n'finished'");
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({ name: 'Error', message: 'lost', line: 1, column: 16 });
  });

  it('catches a rejection that happens after the body returned', async () => {
    const result = await kernel.run("async function failLater() { await null; throw new Error('later') }\nfailLater()\n'end'");
    expect(result.error).toMatchObject({ message: 'later', line: 1, column: 48 });
  });

  it('does not report a rejection handled within the cell', async () => {
    const result = await kernel.run("const p = Promise.reject(new Error('x'))\nawait null\np.catch(() => {})\n'fine'");
    expect(result).toMatchObject({ status: 'ok', result: 'fine' });
  });

  it('ends the cell with an exception thrown by its timer', async () => {
    const result = await kernel.run(
      "setTimeout(() => { throw new Error('from timer') }, 0)\nawait new Promise((resolve) => setTimeout(resolve, 50))",
    );
    expect(result.error).toMatchObject({ message: 'from timer', line: 1, column: 26 });
  });

  it('runs nothing from a cell with a syntax error', async () => {
    const result = await kernel.run("console.log('ran')\nconst = 1");
    expect(result.error).toMatchObject({ name: 'SyntaxError', line: 2, column: 7 });
    expect(kernel.output.stdout).toBe('');
  });
});

describe('console capture', () => {
  const cases: { source: string; stdout: string }[] = [
    { source: "console.log('text', 42, true, null, undefined)", stdout: 'text 42 true null undefined\n' },
    { source: "console.log({ a: 1, b: 'two', c: [1, 2] })", stdout: "{ a: 1, b: 'two', c: [ 1, 2 ] }\n" },
    { source: 'console.log({ a: { b: { c: { d: 1 } } } })', stdout: '{ a: { b: { c: [Object] } } }\n' },
    { source: "console.log(new Map([['k', 1]]), new Set([1, 2]))", stdout: "Map(1) { 'k' => 1 } Set(2) { 1, 2 }\n" },
    {
      source: 'class Point { constructor(public x: number, public y: number) {} }\nconsole.log(new Point(1, 2))',
      stdout: 'Point { x: 1, y: 2 }\n',
    },
    { source: "const loop: any = { label: 'me' }\nloop.self = loop\nconsole.log(loop)", stdout: "{ label: 'me', self: [Circular] }\n" },
    { source: "console.log('%s has %d items (%i%%)', 'cart', 3, 42.9)", stdout: 'cart has 3 items (42%)\n' },
    { source: "console.log([1, , 3], \"it's\", -0, 10n)", stdout: "[ 1, <1 empty item>, 3 ] it's -0 10n\n" },
    { source: "console.log(['nested', \"it's\"])", stdout: `[ 'nested', "it's" ]\n` },
    { source: 'console.log(function named() {}, () => 1, class K {})', stdout: '[Function: named] [Function (anonymous)] [class K]\n' },
    { source: 'console.log(new Float32Array([1, 2]))', stdout: 'Float32Array(2) [ 1, 2 ]\n' },
    { source: "console.log({ 'needs-quotes': 1, [Symbol('s')]: 2 })", stdout: "{ 'needs-quotes': 1, [Symbol(s)]: 2 }\n" },
    {
      source: "console.log({ alpha: 'aaaaaaaaaa', beta: 'bbbbbbbbbb', gamma: 'cccccccccc', delta: 'dddddddddd' })",
      stdout: "{\n  alpha: 'aaaaaaaaaa',\n  beta: 'bbbbbbbbbb',\n  gamma: 'cccccccccc',\n  delta: 'dddddddddd'\n}\n",
    },
    {
      source: 'console.log(Array.from({ length: 30 }, (_, i) => i))',
      stdout:
        '[\n  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,\n  20, 21, 22, 23, 24, 25, 26, 27, 28, 29\n]\n',
    },
  ];
  it.each(cases)('$source', async ({ source, stdout }) => {
    await kernel.runAll([source]);
    expect(kernel.output.stdout).toBe(stdout);
  });

  it('sends warn and error to stderr', async () => {
    await kernel.runAll(["console.info('i'); console.debug('d'); console.warn('w'); console.error('e')"]);
    expect(kernel.output).toMatchObject({ stdout: 'i\nd\n', stderr: 'w\ne\n' });
  });

  it('prints errors with cell positions', async () => {
    await kernel.runAll(["console.log(new Error('shown'))"]);
    expect(kernel.output.stdout).toContain('Error: shown\n  at cell-1:1:13\n');
  });

  it('delivers output from callbacks that fire after the cell finished', async () => {
    const globals = globalThis as Record<string, unknown>;
    try {
      const result = await kernel.run(
        "new Promise((resolve) => { (globalThis as any).releaseLate = resolve }).then(() => console.log('late'))\n'started'",
      );
      expect(result.result).toBe('started');
      expect(kernel.output.stdout).toBe('');
      (globals.releaseLate as () => void)();
      await sleep(0);
      expect(kernel.output.stdout).toBe('late\n');
    } finally {
      delete globals.releaseLate;
    }
  });

  it('passes display() values to the host', async () => {
    const result = await kernel.runAll(["display(1, 'two')"]);
    expect(kernel.output.displays).toEqual([1, 'two']);
    expect(result.hasResult).toBe(false);
  });

  it('restores console on dispose', () => {
    kernel.dispose();
    const before = console.log;
    const scope = createKernelScope({ onStream() {}, onDisplay() {}, isInterruptRequested: () => false });
    expect(console.log).not.toBe(before);
    scope.dispose();
    expect(console.log).toBe(before);
  });

  it('formats outside a kernel too', () => {
    expect(formatConsoleArgs(['%j', { a: [1] }])).toBe('{"a":[1]}');
    expect(inspect('quoted')).toBe("'quoted'");
    expect(inspect(Object.create(null))).toBe('[Object: null prototype] {}');
  });
});

describe('the kernel scope', () => {
  it('runs queued cells one after another', async () => {
    const first = kernel.run("await new Promise((resolve) => setTimeout(resolve, 20))\nconsole.log('first')");
    const second = kernel.run("console.log('second')");
    await Promise.all([first, second]);
    expect(kernel.output.stdout).toBe('first\nsecond\n');
  });

  it('refuses a second scope while one owns the global object', () => {
    expect(() => createKernelScope({ onStream() {}, onDisplay() {}, isInterruptRequested: () => false })).toThrow(
      /only one kernel scope/,
    );
  });

  it('reports an export it ignored', async () => {
    await kernel.runAll(['export const shared = 1']);
    expect(kernel.output.stderr).toContain("Note: line 1: 'export' has no effect");
  });
});
