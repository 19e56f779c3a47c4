/**
 * Turns whatever a cell threw into an ErrorOutput that speaks in the cell's own TypeScript:
 * V8 stack frames that point into the generated JavaScript (`kiln://cell-3.js:LINE:COL`) are
 * mapped back through the cell's composed source map, the traceback is trimmed to the user's
 * frames, and the offending line is quoted with a caret under the column.
 *
 * This module only parses and formats; it never runs code, so the transpiler can use it for
 * syntax errors before anything executes.
 */
import { GREATEST_LOWER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { EncodedSourceMap } from '@jridgewell/trace-mapping';
import type { ErrorOutput } from '../../core/outputs';

/**
 * Maps positions in the script V8 compiles for a cell (the cell body plus the lines the
 * AsyncFunction wrapper adds above it) to positions in the cell's TypeScript source.
 */
export type CellSourceMap = EncodedSourceMap;

/** What is needed to explain an error in terms of one executed cell. */
export type CellSource = {
  /** The name the cell ran under (`cell-3`); its frames carry `kiln://cell-3.js`. */
  readonly cellName: string;
  readonly sourceMap: CellSourceMap;
  /** The cell's TypeScript, for the quoted line. */
  readonly source: string;
};

export type ErrorMappingContext = {
  /**
   * Finds other cells by name, so a frame inside a function defined by an earlier cell is
   * mapped too. Without it, such frames are listed unmapped.
   */
  readonly resolveCell?: (cellName: string) => CellSource | undefined;
};

/** A 1-based line and column, the way editors and ErrorOutput count. */
export type SourcePosition = { readonly line: number; readonly column: number };

const CELL_URL_PREFIX = 'kiln://';
const CELL_URL_SUFFIX = '.js';

/** The `//# sourceURL` a cell's code carries, so stack frames name the cell. */
export function cellSourceUrl(cellName: string): string {
  return `${CELL_URL_PREFIX}${cellName}${CELL_URL_SUFFIX}`;
}

export function cellNameFromUrl(url: string): string | undefined {
  if (!url.startsWith(CELL_URL_PREFIX) || !url.endsWith(CELL_URL_SUFFIX)) return undefined;
  return url.slice(CELL_URL_PREFIX.length, url.length - CELL_URL_SUFFIX.length);
}

// ---------------------------------------------------------------------------------------------
// Source map lookups

// Building a TraceMap decodes the mappings; cells are looked up repeatedly (console.log of an
// error, tracebacks through earlier cells), so decode each map once.
const traceMaps = new WeakMap<CellSourceMap, TraceMap>();

function traceMapFor(map: CellSourceMap): TraceMap {
  let traceMap = traceMaps.get(map);
  if (!traceMap) {
    traceMap = new TraceMap(map);
    traceMaps.set(map, traceMap);
  }
  return traceMap;
}

/**
 * The TypeScript position of a generated position. Generated text the transpiler inserted
 * (loop guards, `return (`) has no mapping of its own and resolves to the nearest mapped
 * character before it on the same line, which is always on the statement that caused it.
 */
export function originalPosition(map: CellSourceMap, generated: SourcePosition): SourcePosition | undefined {
  const found = originalPositionFor(traceMapFor(map), {
    line: generated.line,
    column: generated.column - 1,
    bias: GREATEST_LOWER_BOUND,
  });
  if (found.line === null) return undefined;
  return { line: found.line, column: found.column + 1 };
}

// ---------------------------------------------------------------------------------------------
// Stack parsing

export type StackFrame = {
  readonly functionName: string | undefined;
  /** Absent for native frames such as `at Array.map (<anonymous>)`. */
  readonly location: { readonly url: string; readonly line: number; readonly column: number } | undefined;
  readonly raw: string;
};

const V8_FRAME = /^\s+at\s+(.*)$/;
/** Firefox and Safari: `name@url:line:col`. Kiln targets V8, but a readable fallback is cheap. */
const AT_SIGN_FRAME = /^(.*?)@(.*):(\d+):(\d+)$/;
const URL_LINE_COLUMN = /^(.*):(\d+):(\d+)$/;

function parseLocation(text: string): StackFrame['location'] {
  // `eval at outer (file.js:1:2), <anonymous>:3:7`: the position inside the evaluated code is last.
  const evalSeparator = text.startsWith('eval at ') ? text.lastIndexOf(', ') : -1;
  const location = evalSeparator >= 0 ? text.slice(evalSeparator + 2) : text;
  const match = URL_LINE_COLUMN.exec(location);
  if (!match) return undefined;
  const [, url = '', line = '0', column = '0'] = match;
  return { url, line: Number(line), column: Number(column) };
}

/** `fn (location)` or `location`; the location may itself contain parentheses (eval frames). */
function splitV8Frame(body: string): { functionName: string | undefined; location: string } {
  if (!body.endsWith(')')) return { functionName: undefined, location: body };
  let depth = 0;
  for (let index = body.length - 1; index >= 0; index--) {
    const char = body[index];
    if (char === ')') depth++;
    else if (char === '(' && --depth === 0) {
      const functionName = body.slice(0, index).trim();
      return { functionName: functionName || undefined, location: body.slice(index + 1, -1) };
    }
  }
  return { functionName: undefined, location: body };
}

export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const raw of stack.split('\n')) {
    const v8 = V8_FRAME.exec(raw);
    if (v8) {
      const { functionName, location } = splitV8Frame(v8[1] ?? '');
      const name = functionName?.replace(/^async\s+/, '');
      frames.push({ functionName: name, location: parseLocation(location), raw: raw.trim() });
      continue;
    }
    const atSign = AT_SIGN_FRAME.exec(raw.trim());
    if (atSign) {
      const [, name = '', url = '', line = '0', column = '0'] = atSign;
      frames.push({
        functionName: name || undefined,
        location: { url, line: Number(line), column: Number(column) },
        raw: raw.trim(),
      });
    }
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const MAX_EXCERPT_WIDTH = 120;

/**
 * Two lines: the source line with its number, and a caret under `column`.
 * Very long lines are cut to a window around the column so the caret stays visible.
 */
export function formatExcerpt(source: string, position: SourcePosition): string[] {
  const text = source.split(/\r?\n/)[position.line - 1];
  if (text === undefined) return [];
  let shown = text;
  let caretIndex = Math.min(Math.max(position.column - 1, 0), text.length);
  if (text.length > MAX_EXCERPT_WIDTH) {
    const start = Math.max(0, caretIndex - MAX_EXCERPT_WIDTH / 2);
    shown = (start > 0 ? '…' : '') + text.slice(start, start + MAX_EXCERPT_WIDTH);
    caretIndex = caretIndex - start + (start > 0 ? 1 : 0);
  }
  const gutter = String(position.line);
  // Keep tabs in the padding so the caret lines up however wide the renderer draws a tab.
  const padding = shown.slice(0, caretIndex).replace(/[^\t]/g, ' ');
  return [`    ${gutter} | ${shown}`, `    ${' '.repeat(gutter.length)} | ${padding}^`];
}

function formatPosition(cellName: string, position: SourcePosition): string {
  return `${cellName}:${position.line}:${position.column}`;
}

/** An error found before the cell ran (sucrase, acorn, or a name the kernel reserves). */
export function syntaxErrorOutput(
  message: string,
  cell: { readonly cellName: string; readonly source: string },
  position: SourcePosition | undefined,
): ErrorOutput {
  if (!position) return { type: 'error', name: 'SyntaxError', message, traceback: [] };
  return {
    type: 'error',
    name: 'SyntaxError',
    message,
    line: position.line,
    column: position.column,
    traceback: [`at ${formatPosition(cell.cellName, position)}`, ...formatExcerpt(cell.source, position)],
  };
}

/** `Name: message` followed by the traceback, for places that can only show text (stderr). */
export function formatErrorText(error: ErrorOutput): string {
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  return [header, ...error.traceback.map((line) => `  ${line}`)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Errors → ErrorOutput

type ErrorLike = { name: string; message: string; stack: string; cause: unknown };

function asErrorLike(value: unknown): ErrorLike | undefined {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack ?? '', cause: value.cause };
  }
  // Errors from another realm, or objects that deliberately look like one.
  if (typeof value === 'object' && value !== null) {
    const { name, message, stack } = value as Record<string, unknown>;
    if (typeof message === 'string' && (typeof name === 'string' || typeof stack === 'string')) {
      return {
        name: typeof name === 'string' ? name : 'Error',
        message,
        stack: typeof stack === 'string' ? stack : '',
        cause: (value as { cause?: unknown }).cause,
      };
    }
  }
  return undefined;
}

/** A short, safe description of a thrown non-Error (`throw 'x'`, `throw {code: 1}`). */
export function describeThrownValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined && json !== '{}') return json;
  } catch {
    // Circular or containing bigints: fall through to the tag.
  }
  const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === 'string' && constructorName !== 'Object'
    ? `[object ${constructorName}]`
    : Object.prototype.toString.call(value);
}

type ClassifiedFrame =
  | { readonly kind: 'cell'; readonly frame: StackFrame; readonly cellName: string; readonly cell: CellSource | undefined; readonly position: SourcePosition | undefined }
  | { readonly kind: 'native'; readonly frame: StackFrame }
  | { readonly kind: 'library'; readonly frame: StackFrame };

function classifyFrame(frame: StackFrame, cell: CellSource, context: ErrorMappingContext): ClassifiedFrame {
  if (!frame.location) return { kind: 'native', frame };
  const cellName = cellNameFromUrl(frame.location.url);
  if (cellName === undefined) return { kind: 'library', frame };
  const frameCell = cellName === cell.cellName ? cell : context.resolveCell?.(cellName);
  const position = frameCell
    ? originalPosition(frameCell.sourceMap, { line: frame.location.line, column: frame.location.column })
    : undefined;
  return { kind: 'cell', frame, cellName, cell: frameCell, position };
}

/** The cell body is an anonymous AsyncFunction, which V8 names `eval` (or `anonymous`). */
const TOP_LEVEL_FRAME_NAMES = new Set(['eval', 'anonymous', '<anonymous>', 'Object.<anonymous>']);

function cellFrameLines(frame: Extract<ClassifiedFrame, { kind: 'cell' }>): string[] {
  const name = frame.frame.functionName;
  const shownName = name === undefined || TOP_LEVEL_FRAME_NAMES.has(name) ? undefined : name;
  const where = frame.position
    ? formatPosition(frame.cellName, frame.position)
    : `${frame.cellName} (generated ${frame.frame.location?.line}:${frame.frame.location?.column})`;
  const header = shownName ? `at ${shownName} (${where})` : `at ${where}`;
  const excerpt = frame.position && frame.cell ? formatExcerpt(frame.cell.source, frame.position) : [];
  return [header, ...excerpt];
}

const LIBRARY_FRAMES_LINE = '... (library frames)';

/**
 * User frames only: everything below the outermost cell frame is the kernel calling the cell
 * and is dropped; library code between or above cell frames (tfjs, danfo, or anything bundled
 * with them, which in a production build cannot be told apart by URL) collapses to one line per
 * run; native frames like `Array.map` stay because they explain how a callback was reached.
 * Recursion is folded so a stack overflow does not print a hundred identical frames.
 */
function buildTraceback(frames: readonly ClassifiedFrame[]): string[] {
  let lastCellIndex = -1;
  frames.forEach((frame, index) => {
    if (frame.kind === 'cell') lastCellIndex = index;
  });
  if (lastCellIndex < 0) return [];

  const blocks: string[][] = [];
  for (const frame of frames.slice(0, lastCellIndex + 1)) {
    if (frame.kind === 'cell') blocks.push(cellFrameLines(frame));
    else if (frame.kind === 'native') blocks.push([`at ${frame.frame.functionName ?? '<native>'} (native)`]);
    else if (blocks.at(-1)?.[0] !== LIBRARY_FRAMES_LINE) blocks.push([LIBRARY_FRAMES_LINE]);
  }

  const lines: string[] = [];
  let repeats = 0;
  blocks.forEach((block, index) => {
    const previous = blocks[index - 1];
    if (previous && previous.join('\n') === block.join('\n')) {
      repeats++;
      return;
    }
    if (repeats > 0) lines.push(`... (previous frame repeated ${repeats} more time${repeats === 1 ? '' : 's'})`);
    repeats = 0;
    lines.push(...block);
  });
  if (repeats > 0) lines.push(`... (previous frame repeated ${repeats} more time${repeats === 1 ? '' : 's'})`);
  return lines;
}

function causeLines(cause: unknown): string[] {
  if (cause === undefined) return [];
  const causeError = asErrorLike(cause);
  return [`Caused by: ${causeError ? `${causeError.name}: ${causeError.message}` : describeThrownValue(cause)}`];
}

/**
 * Explains `error`, thrown while `cell` ran, as an ErrorOutput. `line`/`column` point at the
 * innermost frame inside `cell` itself (the line to highlight in the editor); frames in other
 * cells appear in the traceback only.
 */
export function mapErrorToCell(error: unknown, cell: CellSource, context: ErrorMappingContext = {}): ErrorOutput {
  const errorLike = asErrorLike(error);
  if (!errorLike) {
    // `throw 'x'` carries no stack, so there is nothing to map: say what was thrown.
    return { type: 'error', name: 'Uncaught', message: describeThrownValue(error), traceback: [] };
  }
  const frames = parseStack(errorLike.stack).map((frame) => classifyFrame(frame, cell, context));
  const ownFrame = frames.find(
    (frame): frame is Extract<ClassifiedFrame, { kind: 'cell' }> =>
      frame.kind === 'cell' && frame.cellName === cell.cellName && frame.position !== undefined,
  );
  const traceback = [...buildTraceback(frames), ...causeLines(errorLike.cause)];
  return {
    type: 'error',
    name: errorLike.name || 'Error',
    message: errorLike.message,
    ...(ownFrame?.position ? { line: ownFrame.position.line, column: ownFrame.position.column } : {}),
    traceback,
  };
}
