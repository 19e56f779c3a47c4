/**
 * Turns a cell's TypeScript into the body of an AsyncFunction with notebook (REPL) semantics:
 *
 *  1. sucrase strips the types (line numbers survive; columns shift, recorded in its map);
 *  2. acorn parses the JavaScript, so syntax errors surface before anything runs;
 *  3. magic-string rewrites the top level so names outlive the cell:
 *       const x = 1              →  x = 1;                  (x made a property of globalThis first)
 *       const {a, b: [c]} = o    →  ;({a, b: [c]} = o);
 *       let y;                   →  y = undefined;
 *       function f() {}          →  f = function () {};      (moved to the top: still hoisted)
 *       class A {}               →  A = class A {};
 *       import * as tf from 'm'  →  tf = await __kiln.import("m");
 *       last expression `e`      →  return (e)               (unless the line ends with `;`)
 *     and puts `__kiln.tick();` at the start of every loop body so an interrupt can stop it;
 *  4. the sucrase map and the magic-string map are composed into one map from the positions
 *     V8 reports for the compiled function back to the TypeScript.
 *
 * Because no top-level name stays a local binding, every reference, closures included, reads
 * the global, so a later cell that reassigns `x` is seen by functions defined earlier.
 */
import remapping from '@jridgewell/remapping';
import { GREATEST_LOWER_BOUND, TraceMap, decodedMappings, encodedMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { DecodedSourceMap, SourceMapSegment } from '@jridgewell/trace-mapping';
import { parse } from 'acorn';
import type {
  ClassDeclaration,
  ExportDefaultDeclaration,
  FunctionDeclaration,
  Identifier,
  ImportDeclaration,
  Node as AcornNode,
  Options as AcornOptions,
  Pattern,
  Program,
  VariableDeclaration,
} from 'acorn';
import MagicString from 'magic-string';
import { transform } from 'sucrase';
import type { ErrorOutput } from '../../core/outputs';
import { invariant } from '../../lib/invariant';
import { cellSourceUrl, syntaxErrorOutput } from './source-positions';
import type { CellSourceMap, SourcePosition } from './source-positions';

/** The global through which generated code reaches the kernel (see execute-cell.ts). */
export const KILN_GLOBAL = '__kiln';

/**
 * Lines V8 puts above the body of `new AsyncFunction(body)`: the script it compiles is
 * `(async function anonymous(\n) {\n` + body + `\n})`, so body line 1 is script line 3 (columns
 * are unchanged). The source map already includes this offset.
 */
export const CELL_WRAPPER_LINE_OFFSET = 2;

/**
 * Globals a cell may not declare at the top level: rebinding them would break the kernel or the
 * libraries running next to the cell (tfjs uses `Math`, `Promise` and friends through the
 * global object). Declaring them inside a block or function is still fine.
 */
const RESERVED_GLOBALS: ReadonlySet<string> = new Set([
  KILN_GLOBAL, 'globalThis', 'self', 'console', 'postMessage', 'onmessage', 'addEventListener',
  'removeEventListener', 'dispatchEvent', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval',
  'queueMicrotask', 'undefined', 'NaN', 'Infinity', 'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'AggregateError', 'Array',
  'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date',
  'Error', 'EvalError', 'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Function', 'Int8Array',
  'Int16Array', 'Int32Array', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError',
  'ReferenceError', 'Reflect', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError',
  'TypeError', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'URIError', 'WeakMap',
  'WeakRef', 'WeakSet',
]);

/** Cell names end up in a `//# sourceURL` comment and in stack frames: keep them plain. */
const CELL_NAME = /^[\w.-]+$/;

const LOOP_GUARD = `${KILN_GLOBAL}.tick();`;

export type TranspiledCell = {
  readonly ok: true;
  /** The body for `new AsyncFunction(code)`; ends with `//# sourceURL=kiln://<cellName>.js`. */
  readonly code: string;
  /** Top-level names the cell binds (variables, functions, classes, imports), in source order. */
  readonly declaredNames: readonly string[];
  /** From positions in the compiled AsyncFunction (wrapper lines included) to the TypeScript. */
  readonly sourceMap: CellSourceMap;
  /** Whether the body returns the value of its last expression, for display. */
  readonly hasResult: boolean;
  /** Things the author should know that are not errors, e.g. an `export` that was dropped. */
  readonly notes: readonly string[];
};

export type TranspileResult = TranspiledCell | { readonly ok: false; readonly error: ErrorOutput };

// ---------------------------------------------------------------------------------------------
// Positions

function positionAt(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function countNewlines(text: string): number {
  return text.split('\n').length - 1;
}

// ---------------------------------------------------------------------------------------------
// Step 1: strip types

type StrippedCell = { readonly ok: true; readonly code: string; readonly map: DecodedSourceMap };

function stripTypes(source: string, cellName: string): StrippedCell | { readonly ok: false; readonly error: ErrorOutput } {
  try {
    const result = transform(source, {
      transforms: ['typescript'],
      // Keep modern syntax as written: the worker runs ES2022+, and fewer rewrites mean exact columns.
      disableESTransforms: true,
      // A notebook imports in one cell and uses the binding in the next; sucrase would otherwise
      // drop an import whose names this cell does not use, taking it for a type-only import.
      keepUnusedImports: true,
      filePath: `${cellName}.ts`,
      sourceMapOptions: { compiledFilename: `${cellName}.stripped.js` },
    });
    invariant(result.sourceMap, 'sucrase returns a source map when sourceMapOptions is set');
    return { ok: true, code: result.code, map: refineTokenMap(result.sourceMap, result.code, source) };
  } catch (error) {
    // sucrase reports the offset in the TypeScript in `pos` (its `loc` column is off by one).
    const pos = (error as { pos?: unknown }).pos;
    const message = (error instanceof Error ? error.message : String(error))
      .replace(/^Error transforming [^:]*: /, '')
      .replace(/ \(\d+:\d+\)$/, '');
    const position = typeof pos === 'number' ? positionAt(source, pos) : undefined;
    return { ok: false, error: syntaxErrorOutput(message, { cellName, source }, position) };
  }
}

/**
 * sucrase maps only the first character of each token. Type stripping never changes the text
 * inside a token, so extend each mapping character by character while generated and original
 * agree: positions inside tokens then map exactly, through the composition too.
 */
function refineTokenMap(
  map: { version: number; file: string; sources: string[]; names: string[]; mappings: string },
  generated: string,
  original: string,
): DecodedSourceMap {
  const generatedLines = generated.split('\n');
  const originalLines = original.split('\n');
  const refined = decodedMappings(new TraceMap({ ...map, version: 3 })).map((segments, lineIndex) => {
    const generatedLine = generatedLines[lineIndex] ?? '';
    const lineSegments: SourceMapSegment[] = [];
    segments.forEach((segment, index) => {
      lineSegments.push(segment);
      if (segment.length === 1) return;
      const [generatedColumn, sourceIndex, originalLine, originalColumn] = segment;
      const originalText = originalLines[originalLine] ?? '';
      const nextColumn = segments[index + 1]?.[0] ?? generatedLine.length;
      for (
        let offset = 1;
        generatedColumn + offset < nextColumn &&
        originalColumn + offset < originalText.length &&
        generatedLine[generatedColumn + offset] === originalText[originalColumn + offset];
        offset++
      ) {
        lineSegments.push([generatedColumn + offset, sourceIndex, originalLine, originalColumn + offset]);
      }
    });
    return lineSegments;
  });
  return { version: 3, file: map.file, sources: map.sources, names: [], mappings: refined };
}

/** A position in the stripped JavaScript, as a position in the TypeScript. */
function strippedToOriginal(map: DecodedSourceMap, position: SourcePosition): SourcePosition {
  const found = originalPositionFor(new TraceMap(map), {
    line: position.line,
    column: position.column - 1,
    bias: GREATEST_LOWER_BOUND,
  });
  // sucrase keeps line numbers, so an unmapped position (end of input) is on the same line.
  return found.line === null ? position : { line: found.line, column: found.column + 1 };
}

// ---------------------------------------------------------------------------------------------
// Step 2: parse

const ACORN_OPTIONS: AcornOptions = {
  ecmaVersion: 'latest',
  // Module goal: strict mode like TypeScript output, and `import`/`export` parse.
  sourceType: 'module',
  allowAwaitOutsideFunction: true,
  allowReturnOutsideFunction: false,
  allowHashBang: true,
};

// ---------------------------------------------------------------------------------------------
// Step 3: rewrite

function isNode(value: unknown): value is AcornNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function forEachNode(root: AcornNode, visit: (node: AcornNode) => void): void {
  const pending: AcornNode[] = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    visit(node);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) pending.push(item);
      } else if (isNode(value)) {
        pending.push(value);
      }
    }
  }
}

function bindingIdentifiers(pattern: Pattern): Identifier[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern];
    case 'ObjectPattern':
      return pattern.properties.flatMap((property) =>
        property.type === 'RestElement' ? bindingIdentifiers(property.argument) : bindingIdentifiers(property.value),
      );
    case 'ArrayPattern':
      return pattern.elements.flatMap((element) => (element ? bindingIdentifiers(element) : []));
    case 'RestElement':
      return bindingIdentifiers(pattern.argument);
    case 'AssignmentPattern':
      return bindingIdentifiers(pattern.left);
    case 'MemberExpression':
      // Only valid in assignments, never in declarations.
      return [];
  }
}

/** Valid JavaScript that cannot work in a cell; reported like a syntax error, at `node`. */
class CellRewriteError extends Error {
  constructor(
    readonly node: AcornNode,
    message: string,
  ) {
    super(message);
  }
}

type Rewrite = {
  readonly magic: MagicString;
  readonly declaredNames: string[];
  readonly hasResult: boolean;
  readonly notes: string[];
};

function rewriteCell(js: string, program: Program): Rewrite {
  const magic = new MagicString(js);
  const declaredNames: string[] = [];
  const notes: string[] = [];

  const declare = (identifiers: readonly Identifier[]): void => {
    for (const identifier of identifiers) {
      if (RESERVED_GLOBALS.has(identifier.name)) {
        throw new CellRewriteError(
          identifier,
          `'${identifier.name}' is a global the kernel relies on, so a cell cannot declare it at the top level; ` +
            'rename it, or declare it inside a block or function',
        );
      }
      if (!declaredNames.includes(identifier.name)) declaredNames.push(identifier.name);
    }
  };
  // A declaration ended at its `}` (or by ASI); as an expression statement, `A = class {}` would
  // run on into a next line such as `[1, 2].map(...)`, so end it explicitly.
  const endStatement = (node: AcornNode): void => {
    if (js[node.end - 1] !== ';') magic.appendLeft(node.end, ';');
  };
  // Removed text is replaced by its newlines, so the generated lines stay close to the cell's.
  const blankOut = (start: number, end: number, replacement = ''): void => {
    magic.update(start, end, replacement + '\n'.repeat(countNewlines(js.slice(start, end))));
  };
  const noteExport = (node: AcornNode): void => {
    notes.push(
      `line ${positionAt(js, node.start).line}: 'export' has no effect in a notebook cell and was ignored; ` +
        'top-level names are visible to later cells anyway',
    );
  };

  const rewriteVariables = (node: VariableDeclaration): void => {
    // `using` declarations must stay local to be disposed when the cell ends.
    if (node.kind !== 'var' && node.kind !== 'let' && node.kind !== 'const') return;
    const startsWithPattern = node.declarations[0]?.id.type !== 'Identifier';
    magic.update(node.start, node.start + node.kind.length, startsWithPattern ? ';' : '');
    for (const declarator of node.declarations) {
      declare(bindingIdentifiers(declarator.id));
      if (declarator.id.type !== 'Identifier') {
        // `{a} = o` at the start of a statement would parse as a block.
        magic.prependRight(declarator.start, '(');
        magic.appendLeft(declarator.end, ')');
      } else if (!declarator.init && node.kind === 'let') {
        magic.appendLeft(declarator.end, ' = undefined');
      }
      // `var x;` assigns nothing: redeclaring a var keeps its value.
    }
    endStatement(node);
  };

  const hoistFunction = (node: FunctionDeclaration): void => {
    declare([node.id]);
    // Dropping the name makes the function anonymous, so `f = function () {}` names it `f` and a
    // recursive call inside it reads the global: redefining `f` later redirects those calls,
    // as it would with a top-level function declaration.
    magic.update(node.id.start, node.id.end, '');
    magic.prependRight(node.start, `${node.id.name} = `);
    magic.appendLeft(node.end, ';');
    // Function declarations are hoisted: the cell may call `f` above its definition. (Their
    // order among themselves does not matter: each is only an assignment.)
    if (node.start > 0) magic.move(node.start, node.end, 0);
  };

  const rewriteClass = (node: ClassDeclaration): void => {
    declare([node.id]);
    magic.prependRight(node.start, `${node.id.name} = `);
    magic.appendLeft(node.end, ';');
  };

  const rewriteImport = (node: ImportDeclaration): void => {
    const specifier = JSON.stringify(node.source.value);
    declare(node.specifiers.map((item) => item.local));
    const named = node.specifiers.flatMap((item) => (item.type === 'ImportSpecifier' ? [item] : []));
    const exportName = (imported: Identifier | { value?: unknown }): string =>
      'name' in imported ? imported.name : String(imported.value);
    const required = JSON.stringify(named.map((item) => exportName(item.imported)));
    const load = `await ${KILN_GLOBAL}.import(${specifier}${named.length ? `, ${required}` : ''})`;

    let replacement: string;
    const [only] = node.specifiers;
    if (node.specifiers.length === 0) {
      replacement = `${load};`;
    } else if (node.specifiers.length === 1 && only?.type === 'ImportNamespaceSpecifier') {
      replacement = `${only.local.name} = ${load};`;
    } else {
      const assignments = node.specifiers.map((item) => {
        switch (item.type) {
          case 'ImportNamespaceSpecifier':
            return `${item.local.name} = __kilnModule;`;
          case 'ImportDefaultSpecifier':
            // Libraries without a default export (tfjs) are imported whole, like bundlers do.
            return `${item.local.name} = __kilnModule.default ?? __kilnModule;`;
          case 'ImportSpecifier':
            return `${item.local.name} = __kilnModule[${JSON.stringify(exportName(item.imported))}];`;
        }
      });
      replacement = `{ const __kilnModule = ${load}; ${assignments.join(' ')} }`;
    }
    blankOut(node.start, node.end, `;${replacement}`);
  };

  const rewriteDefaultExport = (node: ExportDefaultDeclaration): void => {
    noteExport(node);
    const { declaration } = node;
    if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id) {
      magic.update(node.start, declaration.start, '');
      if (declaration.type === 'FunctionDeclaration') hoistFunction({ ...declaration, id: declaration.id });
      else rewriteClass({ ...declaration, id: declaration.id });
      return;
    }
    // An anonymous default export is just evaluated: `export default` becomes `void`, which
    // turns `function () {}` into an expression and keeps any parentheses the author wrote.
    const keywordsEnd = js.indexOf('default', node.start) + 'default'.length;
    magic.update(node.start, keywordsEnd, ';void');
    endStatement(node);
  };

  for (const statement of program.body) {
    switch (statement.type) {
      case 'VariableDeclaration':
        rewriteVariables(statement);
        break;
      case 'FunctionDeclaration':
        hoistFunction(statement);
        break;
      case 'ClassDeclaration':
        rewriteClass(statement);
        break;
      case 'ImportDeclaration':
        rewriteImport(statement);
        break;
      case 'ExportNamedDeclaration':
        noteExport(statement);
        if (!statement.declaration) {
          blankOut(statement.start, statement.end);
          break;
        }
        magic.update(statement.start, statement.declaration.start, '');
        if (statement.declaration.type === 'VariableDeclaration') rewriteVariables(statement.declaration);
        else if (statement.declaration.type === 'FunctionDeclaration') hoistFunction(statement.declaration);
        else rewriteClass(statement.declaration);
        break;
      case 'ExportAllDeclaration':
        noteExport(statement);
        blankOut(statement.start, statement.end);
        break;
      case 'ExportDefaultDeclaration':
        rewriteDefaultExport(statement);
        break;
      default:
        break;
    }
  }

  forEachNode(program, (node) => {
    if (node.type === 'MetaProperty' && (node as AcornNode & { meta: Identifier }).meta.name === 'import') {
      throw new CellRewriteError(node, "'import.meta' is not available in a notebook cell: a cell is not a module file");
    }
    if (node.type === 'ImportExpression') {
      // `import('m')` inside a cell cannot resolve bare specifiers either.
      magic.update(node.start, node.start + 'import'.length, `${KILN_GLOBAL}.import`);
      return;
    }
    if (
      node.type !== 'WhileStatement' &&
      node.type !== 'DoWhileStatement' &&
      node.type !== 'ForStatement' &&
      node.type !== 'ForInStatement' &&
      node.type !== 'ForOfStatement'
    ) {
      return;
    }
    const { body } = node as AcornNode & { body: AcornNode };
    if (body.type === 'BlockStatement') {
      magic.appendLeft(body.start + 1, LOOP_GUARD);
    } else {
      // `while (x) i++;` needs braces to take a second statement.
      magic.prependRight(body.start, `{${LOOP_GUARD}`);
      magic.appendLeft(body.end, '}');
    }
  });

  const hasResult = returnLastExpression(js, program, magic);
  return { magic, declaredNames, hasResult, notes };
}

/**
 * Jupyter shows the value of a cell's last expression unless the line ends with `;`, and never
 * for assignments (`x = 5` is a statement there; reassigning a model should not print it).
 */
function returnLastExpression(js: string, program: Program, magic: MagicString): boolean {
  const last = program.body.at(-1);
  if (last?.type !== 'ExpressionStatement') return false;
  const { expression } = last;
  if (expression.type === 'AssignmentExpression' || js[last.end - 1] === ';') return false;
  // The parenthesis right after `return` keeps ASI from ending the statement at a line break.
  // Wrap the statement, not the expression: `(f())` parses to an expression that starts inside
  // its parentheses. (The statement has no `;` here, so it ends where the expression does.)
  magic.prependRight(last.start, 'return (');
  magic.appendLeft(last.end, ')');
  return true;
}

// ---------------------------------------------------------------------------------------------
// Step 4: compose the maps

function composeSourceMap(
  cellName: string,
  source: string,
  rewritten: MagicString,
  stripped: DecodedSourceMap,
): CellSourceMap {
  const rewriteMap = rewritten.generateDecodedMap({ hires: true, source: `${cellName}.stripped.js` });
  const composed = remapping(
    [
      { version: 3, sources: [`${cellName}.stripped.js`], names: [], mappings: rewriteMap.mappings as SourceMapSegment[][] },
      stripped,
    ],
    () => null,
    { decodedMappings: true },
  );
  const mappings = composed.mappings as SourceMapSegment[][];
  const wrapperLines: SourceMapSegment[][] = Array.from({ length: CELL_WRAPPER_LINE_OFFSET }, () => []);
  return encodedMap(
    new TraceMap({
      version: 3,
      file: cellSourceUrl(cellName),
      sources: [`${cellName}.ts`],
      sourcesContent: [source],
      names: [],
      mappings: [...wrapperLines, ...mappings],
    }),
  );
}

// ---------------------------------------------------------------------------------------------

export function transpileCell(source: string, options: { readonly cellName: string }): TranspileResult {
  const { cellName } = options;
  invariant(CELL_NAME.test(cellName), `cell names are letters, digits, '_', '.', '-' (got ${JSON.stringify(cellName)})`);

  const stripped = stripTypes(source, cellName);
  if (!stripped.ok) return stripped;
  const js = stripped.code;
  const cell = { cellName, source };

  let program: Program;
  try {
    program = parse(js, ACORN_OPTIONS);
  } catch (error) {
    const pos = (error as { pos?: unknown }).pos;
    if (!(error instanceof SyntaxError) || typeof pos !== 'number') throw error;
    const message = error.message.replace(/ \(\d+:\d+\)$/, '');
    return { ok: false, error: syntaxErrorOutput(message, cell, strippedToOriginal(stripped.map, positionAt(js, pos))) };
  }

  let rewrite: Rewrite;
  try {
    rewrite = rewriteCell(js, program);
  } catch (error) {
    if (!(error instanceof CellRewriteError)) throw error;
    const position = strippedToOriginal(stripped.map, positionAt(js, error.node.start));
    return { ok: false, error: syntaxErrorOutput(error.message, cell, position) };
  }

  const { magic, declaredNames } = rewrite;
  // One line with the user's first line, so generated line numbers stay close to the cell's.
  const declaration = declaredNames.length ? `${KILN_GLOBAL}.declare(${JSON.stringify(declaredNames)});` : '';
  magic.prepend(`"use strict";${declaration}`);
  // A line comment at the end of the cell must not swallow what follows.
  magic.append(`\n//# sourceURL=${cellSourceUrl(cellName)}`);

  return {
    ok: true,
    code: magic.toString(),
    declaredNames,
    sourceMap: composeSourceMap(cellName, source, magic, stripped.map),
    hasResult: rewrite.hasResult,
    notes: rewrite.notes,
  };
}
