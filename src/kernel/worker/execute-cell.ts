/**
 * Runs transpiled cells in the current realm: the kernel worker uses it, and so do Node tests.
 *
 * Contract with generated code (see transpile.ts): a non-writable global `__kiln` with
 *   declare(names)             make each name a writable property of globalThis (keeps values)
 *   import(specifier, names?)  resolve a module from module-registry.ts
 *   tick()                     loop guard; throws InterruptError once an interrupt is requested
 *   display(...values)         hand values to the host for rich display (also global `display`)
 *
 * Output routing: console.log/info/debug go to `onStream('stdout')`, warn/error to 'stderr', at
 * the moment they are called (a long synchronous loop still streams its progress). The kernel
 * does not know which request is current, so output from callbacks that fire after their cell
 * finished (timers, unawaited promises) is delivered the same way; the worker entry attributes
 * it to the cell that ran last, as Jupyter does for output between executions.
 *
 * Errors: a throw from the cell body, an unhandled promise rejection, or an uncaught exception
 * in a callback while the cell runs all end the cell with 'error' (the cell does not wait for a
 * body that is still awaiting; that body carries on detached). Afterwards they are written to
 * stderr. In a worker the kernel listens to 'unhandledrejection' / 'error' on the global scope;
 * in Node it takes over process 'unhandledRejection' / 'uncaughtException' while a cell runs
 * (other listeners, such as the test runner's, are set aside until it finishes).
 */
import type { ErrorOutput } from '../../core/outputs';
import { invariant } from '../../lib/invariant';
import { importModule } from './module-registry';
import { formatErrorText, mapErrorToCell } from './source-positions';
import type { CellSource } from './source-positions';
import { KILN_GLOBAL, transpileCell } from './transpile';

export type StreamName = 'stdout' | 'stderr';

export type KernelHost = {
  onStream(name: StreamName, text: string): void;
  /** A value passed to `display(...)`; the host turns it into a display bundle. */
  onDisplay(value: unknown): void;
  /** Cheap and side-effect free: called every few loop iterations (e.g. an Atomics.load). */
  isInterruptRequested(): boolean;
};

export type ExecutionStatus = 'ok' | 'error' | 'interrupted';

export type ExecutionResult = {
  readonly status: ExecutionStatus;
  /** The value of the last expression; only meaningful when hasResult. */
  readonly result?: unknown;
  /** True when there is a value to show: the cell ends with an expression that was not undefined. */
  readonly hasResult: boolean;
  /** Set for 'error', and for 'interrupted' (where the cell stopped). */
  readonly error?: ErrorOutput;
};

export type KernelScope = {
  /** Runs one cell; calls are queued, never interleaved. `cellName` like `cell-3` (unique per run is best). */
  execute(source: string, cellName: string): Promise<ExecutionResult>;
  /** Restores console and the global object (removing the names cells declared). */
  dispose(): void;
};

export type KilnGlobal = {
  declare(names: readonly string[]): void;
  import(specifier: string, requiredExports?: readonly string[]): Promise<unknown>;
  tick(): void;
  display(...values: unknown[]): void;
};

export class InterruptError extends Error {
  override name = 'InterruptError';
  constructor() {
    super('Execution interrupted');
  }
}

/** Loop guards read the interrupt flag once per this many calls: a tight loop pays a decrement. */
export const TICKS_PER_INTERRUPT_CHECK = 32;
/** While a cell awaits (no loop is ticking), the flag is polled on a timer instead. */
const INTERRUPT_POLL_MS = 50;
/** Library frames (tfjs) can be deep; ten frames often end before the user's code is reached. */
const STACK_TRACE_LIMIT = 50;

// ---------------------------------------------------------------------------------------------
// inspect-lite: readable console output, close to Node's util.inspect

export type InspectOptions = {
  /** How errors print; the kernel maps their stacks to cell positions. */
  readonly formatError?: (error: Error) => string;
};

const INSPECT_DEPTH = 2;
const MAX_ITEMS = 100;
const LINE_WIDTH = 72;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function quoteString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

function formatKey(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? key : quoteString(key);
}

function formatFunction(fn: Function): string {
  const name = fn.name || '(anonymous)';
  if (/^class\b/.test(Function.prototype.toString.call(fn))) return `[class ${name}]`;
  // AsyncFunction, GeneratorFunction, AsyncGeneratorFunction read better than plain Function.
  const kind = (Object.getPrototypeOf(fn) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'Function';
  return fn.name ? `[${kind}: ${name}]` : `[${kind} ${name}]`;
}

function constructorName(value: object): string | undefined {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  if (prototype === null) return undefined;
  const name = prototype.constructor?.name;
  return typeof name === 'string' && name ? name : 'Object';
}

/** tfjs tensors print their values through toString(); their fields are engine internals. */
function isTensorLike(value: object): boolean {
  const candidate = value as { dataSync?: unknown; shape?: unknown; dtype?: unknown };
  return typeof candidate.dataSync === 'function' && Array.isArray(candidate.shape) && typeof candidate.dtype === 'string';
}

function layout(prefix: string, open: string, close: string, entries: readonly string[], indent: number, pack: boolean): string {
  if (entries.length === 0) return `${prefix}${open}${close}`;
  const single = `${prefix}${open} ${entries.join(', ')} ${close}`;
  if (indent + single.length <= LINE_WIDTH && !single.includes('\n')) return single;
  const padding = ' '.repeat(indent + 2);
  let lines = entries;
  // Long arrays of short items (numbers) fill rows instead of one item per line.
  if (pack && entries.every((entry) => !entry.includes('\n') && entry.length <= 16)) {
    const rows: string[] = [];
    let row = '';
    for (const entry of entries) {
      const next = row ? `${row}, ${entry}` : entry;
      if (row && padding.length + next.length > LINE_WIDTH) {
        rows.push(row);
        row = entry;
      } else {
        row = next;
      }
    }
    rows.push(row);
    lines = rows;
  }
  return `${prefix}${open}\n${padding}${lines.join(`,\n${padding}`)}\n${' '.repeat(indent)}${close}`;
}

function formatValue(value: unknown, depth: number, seen: Set<object>, indent: number, options: InspectOptions): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return formatFunction(value);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  if (isTensorLike(object)) return String(object);
  if (object instanceof Error) return options.formatError ? options.formatError(object) : (object.stack ?? String(object));
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof RegExp) return String(object);
  if (object instanceof Promise) return 'Promise {}';
  if (object instanceof WeakMap || object instanceof WeakSet) return `${constructorName(object)} { <items unknown> }`;
  if (object instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${object.byteLength} }`;

  const name = constructorName(object);
  if (depth > INSPECT_DEPTH) return Array.isArray(object) ? '[Array]' : `[${name ?? 'Object'}]`;

  seen.add(object);
  try {
    const child = (item: unknown): string => formatValue(item, depth + 1, seen, indent + 2, options);
    const truncated = (total: number): string[] =>
      total > MAX_ITEMS ? [`... ${total - MAX_ITEMS} more item${total - MAX_ITEMS === 1 ? '' : 's'}`] : [];

    if (Array.isArray(object)) {
      const entries: string[] = [];
      let holes = 0;
      const flushHoles = (): void => {
        if (holes) entries.push(`<${holes} empty item${holes === 1 ? '' : 's'}>`);
        holes = 0;
      };
      for (let index = 0; index < Math.min(object.length, MAX_ITEMS); index++) {
        if (!(index in object)) {
          holes++;
          continue;
        }
        flushHoles();
        entries.push(child(object[index]));
      }
      flushHoles();
      return layout(name === 'Array' ? '' : `${name ?? 'Array'}(${object.length}) `, '[', ']', [...entries, ...truncated(object.length)], indent, true);
    }
    if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
      const items = Array.from(object as unknown as ArrayLike<number | bigint>);
      const entries = items.slice(0, MAX_ITEMS).map(child);
      return layout(`${name}(${items.length}) `, '[', ']', [...entries, ...truncated(items.length)], indent, true);
    }
    if (object instanceof Map) {
      const entries = [...object].slice(0, MAX_ITEMS).map(([key, item]) => `${child(key)} => ${child(item)}`);
      return layout(`${name}(${object.size}) `, '{', '}', [...entries, ...truncated(object.size)], indent, false);
    }
    if (object instanceof Set) {
      const entries = [...object].slice(0, MAX_ITEMS).map(child);
      return layout(`${name}(${object.size}) `, '{', '}', [...entries, ...truncated(object.size)], indent, false);
    }

    const keys = Reflect.ownKeys(object).filter((key) => Object.getOwnPropertyDescriptor(object, key)?.enumerable);
    const entries = keys.slice(0, MAX_ITEMS).map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (descriptor && !('value' in descriptor)) {
        const accessor = descriptor.get && descriptor.set ? 'Getter/Setter' : descriptor.get ? 'Getter' : 'Setter';
        return `${formatKey(key)}: [${accessor}]`;
      }
      return `${formatKey(key)}: ${child(descriptor?.value)}`;
    });
    const prefix = name === undefined ? '[Object: null prototype] ' : name === 'Object' ? '' : `${name} `;
    return layout(prefix, '{', '}', [...entries, ...truncated(keys.length)], indent, false);
  } finally {
    seen.delete(object);
  }
}

/** One value, the way console.log shows it nested (strings quoted). */
export function inspect(value: unknown, options: InspectOptions = {}): string {
  return formatValue(value, 0, new Set(), 0, options);
}

function formatTopLevel(value: unknown, options: InspectOptions): string {
  return typeof value === 'string' ? value : inspect(value, options);
}

/** console.log's arguments as one line of text: printf-style `%s %d %i %f %j %o %O %c` when the first is a string. */
export function formatConsoleArgs(args: readonly unknown[], options: InspectOptions = {}): string {
  const [first, ...rest] = args;
  if (typeof first !== 'string' || rest.length === 0 || !first.includes('%')) {
    return args.map((arg) => formatTopLevel(arg, options)).join(' ');
  }
  let remaining = rest;
  const text = first.replace(/%([sdifjoOc%])/g, (match, specifier: string) => {
    if (specifier === '%') return '%';
    if (remaining.length === 0) return match;
    const [arg, ...others] = remaining;
    remaining = others;
    switch (specifier) {
      case 's':
        return typeof arg === 'object' && arg !== null ? inspect(arg, options) : typeof arg === 'bigint' ? `${arg}n` : String(arg);
      case 'd':
      case 'i':
        if (typeof arg === 'bigint') return `${arg}n`;
        if (typeof arg === 'symbol') return 'NaN';
        return String(specifier === 'i' ? Math.trunc(Number(arg)) : Number(arg));
      case 'f':
        return typeof arg === 'symbol' ? 'NaN' : String(parseFloat(String(arg)));
      case 'j':
        try {
          return JSON.stringify(arg) ?? 'undefined';
        } catch {
          return '[Circular]';
        }
      case 'c':
        return ''; // CSS has no meaning in a text stream.
      default:
        return inspect(arg, options);
    }
  });
  return [text, ...remaining.map((arg) => formatTopLevel(arg, options))].join(' ');
}

// ---------------------------------------------------------------------------------------------
// Uncaught errors: worker events or Node process events

type UncaughtHandlers = {
  readonly onUnhandledRejection: (reason: unknown) => void;
  readonly onUncaughtException: (error: unknown) => void;
};

type UncaughtHooks = { beginCell(): void; endCell(): void; dispose(): void };

function installWorkerHooks(handlers: UncaughtHandlers): UncaughtHooks {
  // preventDefault keeps the browser from logging them, and the worker from reporting the
  // exception to the page: the kernel reports them itself.
  const onRejection = (event: PromiseRejectionEvent): void => {
    event.preventDefault();
    handlers.onUnhandledRejection(event.reason);
  };
  const onError = (event: ErrorEvent): void => {
    event.preventDefault();
    handlers.onUncaughtException(event.error ?? event.message);
  };
  globalThis.addEventListener('unhandledrejection', onRejection);
  globalThis.addEventListener('error', onError);
  return {
    beginCell() {},
    endCell() {},
    dispose() {
      globalThis.removeEventListener('unhandledrejection', onRejection);
      globalThis.removeEventListener('error', onError);
    },
  };
}

const NODE_EVENTS = ['unhandledRejection', 'uncaughtException'] as const;
type NodeListener = (...args: unknown[]) => void;
/** The slice of `process` used here, typed loosely: its overloads are per event name. */
type NodeEventRegistry = {
  on(event: string, listener: NodeListener): unknown;
  removeListener(event: string, listener: NodeListener): unknown;
  listeners(event: string): NodeListener[];
};

/**
 * Node has no per-realm events, and other listeners (a test runner's) would report the cell's
 * errors a second time; so the kernel holds these events alone while a cell runs, and leaves
 * Node's own behaviour in place between cells.
 */
function installNodeHooks(handlers: UncaughtHandlers): UncaughtHooks {
  const ours: Record<(typeof NODE_EVENTS)[number], NodeListener> = {
    unhandledRejection: (reason) => handlers.onUnhandledRejection(reason),
    uncaughtException: (error) => handlers.onUncaughtException(error),
  };
  const events = process as unknown as NodeEventRegistry;
  let setAside: { event: (typeof NODE_EVENTS)[number]; listener: NodeListener }[] = [];
  const restore = (): void => {
    for (const event of NODE_EVENTS) events.removeListener(event, ours[event]);
    for (const { event, listener } of setAside) events.on(event, listener);
    setAside = [];
  };
  return {
    beginCell() {
      for (const event of NODE_EVENTS) {
        for (const listener of events.listeners(event)) {
          setAside.push({ event, listener });
          events.removeListener(event, listener);
        }
        events.on(event, ours[event]);
      }
    },
    endCell: restore,
    dispose: restore,
  };
}

function installUncaughtHooks(handlers: UncaughtHandlers): UncaughtHooks {
  // Workers first: a bundled library may define a `process` shim in the worker.
  if (typeof globalThis.addEventListener === 'function') return installWorkerHooks(handlers);
  if (typeof process !== 'undefined' && typeof process.on === 'function') return installNodeHooks(handlers);
  return { beginCell() {}, endCell() {}, dispose() {} };
}

// ---------------------------------------------------------------------------------------------
// The scope

type CellBody = () => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (body: string) => CellBody;

type Outcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'failed-elsewhere'; readonly error: unknown }
  | { readonly kind: 'interrupted' };

type RunState = {
  /** The first unhandled rejection or uncaught exception seen while the cell ran. */
  failure: { readonly error: unknown } | undefined;
  onFailure: () => void;
};

const CONSOLE_STREAMS = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' } as const;
type ConsoleMethod = keyof typeof CONSOLE_STREAMS;

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Drops the kernel's own frames (tick, import) so an error's stack starts in the cell. */
function startStackAt<T extends object>(error: T, boundary: Function): T {
  Error.captureStackTrace?.(error, boundary);
  return error;
}

let activeScope: KernelScope | undefined;

export function createKernelScope(host: KernelHost): KernelScope {
  invariant(!activeScope, 'only one kernel scope may own the global object; dispose the previous one first');
  const globals = globalThis as unknown as Record<string, unknown>;

  const cells = new Map<string, CellSource>();
  let lastCell: CellSource | undefined;
  let run: RunState | undefined;
  let interruptLatched = false;
  let ticksUntilCheck = TICKS_PER_INTERRUPT_CHECK;
  /** Original descriptors of globals the cells shadowed (undefined: there was none). */
  const shadowed = new Map<string, PropertyDescriptor | undefined>();

  const mapError = (error: unknown, cell: CellSource): ErrorOutput =>
    mapErrorToCell(error, cell, { resolveCell: (cellName) => cells.get(cellName) });
  const inspectOptions: InspectOptions = {
    formatError: (error) => (lastCell ? formatErrorText(mapError(error, lastCell)) : (error.stack ?? String(error))),
  };

  const reportLate = (what: string, error: unknown): void => {
    const text = lastCell ? formatErrorText(mapError(error, lastCell)) : String(error);
    host.onStream('stderr', `${what} after its cell finished:\n${text}\n`);
  };
  const hooks = installUncaughtHooks({
    onUnhandledRejection: (reason) => {
      if (!run) return reportLate('Unhandled promise rejection', reason);
      run.failure ??= { error: reason };
      run.onFailure();
    },
    onUncaughtException: (error) => {
      if (!run) return reportLate('Uncaught exception', error);
      run.failure ??= { error };
      run.onFailure();
    },
  });

  function declare(names: readonly string[]): void {
    for (const name of names) {
      const own = Object.getOwnPropertyDescriptor(globalThis, name);
      if (!shadowed.has(name)) shadowed.set(name, own);
      // Already a plain variable: keep its value, as redeclaring does in a REPL.
      if (own && 'value' in own && own.writable) continue;
      if (own && !own.configurable) {
        throw startStackAt(new TypeError(`Cannot declare '${name}': the global object has a read-only '${name}'`), declare);
      }
      // Replaces accessors such as a worker's `name`, which cannot hold a user's value.
      Object.defineProperty(globalThis, name, { value: undefined, writable: true, enumerable: true, configurable: true });
    }
  }

  function importForCell(specifier: string, requiredExports?: readonly string[]): Promise<unknown> {
    try {
      return importModule(specifier, requiredExports);
    } catch (error) {
      throw error instanceof Error ? startStackAt(error, importForCell) : error;
    }
  }

  function tick(): void {
    if (!interruptLatched) {
      if (--ticksUntilCheck > 0) return;
      ticksUntilCheck = TICKS_PER_INTERRUPT_CHECK;
      if (!host.isInterruptRequested()) return;
      // Latched until the next cell, so a `catch` inside the loop cannot swallow the interrupt:
      // the next iteration's guard throws again.
      interruptLatched = true;
    }
    throw startStackAt(new InterruptError(), tick);
  }

  const display = (...values: unknown[]): void => {
    for (const value of values) host.onDisplay(value);
  };
  const kiln: KilnGlobal = { declare, import: importForCell, tick, display };

  // Install, remembering what was there.
  const previousKiln = Object.getOwnPropertyDescriptor(globalThis, KILN_GLOBAL);
  const previousDisplay = Object.getOwnPropertyDescriptor(globalThis, 'display');
  Object.defineProperty(globalThis, KILN_GLOBAL, { value: kiln, writable: false, enumerable: false, configurable: true });
  Object.defineProperty(globalThis, 'display', { value: display, writable: true, enumerable: false, configurable: true });
  const previousStackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(previousStackTraceLimit, STACK_TRACE_LIMIT);
  const consoleMethods = console as unknown as Record<ConsoleMethod, (...args: unknown[]) => void>;
  const originalConsole = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of Object.keys(CONSOLE_STREAMS) as ConsoleMethod[]) {
    originalConsole.set(method, consoleMethods[method]);
    consoleMethods[method] = (...args: unknown[]) =>
      host.onStream(CONSOLE_STREAMS[method], `${formatConsoleArgs(args, inspectOptions)}\n`);
  }

  /** Waits for the body, an interrupt while it awaits, or an error raised outside it. */
  function settle(body: CellBody, state: RunState): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const poll = setInterval(() => {
        if (interruptLatched || host.isInterruptRequested()) {
          interruptLatched = true;
          finish({ kind: 'interrupted' });
        }
      }, INTERRUPT_POLL_MS);
      function finish(outcome: Outcome): void {
        clearInterval(poll);
        resolve(outcome);
      }
      state.onFailure = () => {
        if (state.failure) finish({ kind: 'failed-elsewhere', error: state.failure.error });
      };
      body.call(undefined).then(
        (value) => finish({ kind: 'returned', value }),
        (error: unknown) => finish({ kind: 'threw', error }),
      );
    });
  }

  async function runCell(source: string, cellName: string): Promise<ExecutionResult> {
    const transpiled = transpileCell(source, { cellName });
    if (!transpiled.ok) return { status: 'error', hasResult: false, error: transpiled.error };
    const cell: CellSource = { cellName, sourceMap: transpiled.sourceMap, source };
    cells.set(cellName, cell);
    lastCell = cell;
    for (const note of transpiled.notes) host.onStream('stderr', `Note: ${note}\n`);

    let body: CellBody;
    try {
      body = new AsyncFunction(transpiled.code);
    } catch (error) {
      // The engine rejected what acorn accepted (rare): report it without running anything.
      return { status: 'error', hasResult: false, error: mapError(error, cell) };
    }

    const state: RunState = { failure: undefined, onFailure: () => {} };
    run = state;
    interruptLatched = false;
    ticksUntilCheck = TICKS_PER_INTERRUPT_CHECK;
    hooks.beginCell();
    try {
      const outcome = await settle(body, state);
      if (outcome.kind === 'interrupted') {
        return { status: 'interrupted', hasResult: false, error: mapError(new InterruptError(), cell) };
      }
      if (outcome.kind === 'threw') {
        const interrupted = outcome.error instanceof InterruptError || interruptLatched;
        return { status: interrupted ? 'interrupted' : 'error', hasResult: false, error: mapError(outcome.error, cell) };
      }
      if (outcome.kind === 'failed-elsewhere') {
        return { status: 'error', hasResult: false, error: mapError(outcome.error, cell) };
      }
      // Rejections are reported after the microtask queue drains (Node) or in a task queued then
      // (browsers): give an unawaited promise that already failed the chance to say so.
      await nextMacrotask();
      await nextMacrotask();
      if (state.failure) return { status: 'error', hasResult: false, error: mapError(state.failure.error, cell) };
      // Like Jupyter with None, an undefined result (console.log(...) as the last line) shows nothing.
      return transpiled.hasResult && outcome.value !== undefined
        ? { status: 'ok', result: outcome.value, hasResult: true }
        : { status: 'ok', hasResult: false };
    } finally {
      run = undefined;
      hooks.endCell();
    }
  }

  let queue: Promise<unknown> = Promise.resolve();
  const scope: KernelScope = {
    execute(source, cellName) {
      const next = queue.then(() => runCell(source, cellName));
      queue = next.catch(() => undefined);
      return next;
    },
    dispose() {
      if (activeScope !== scope) return;
      activeScope = undefined;
      hooks.dispose();
      for (const [method, original] of originalConsole) consoleMethods[method] = original;
      Error.stackTraceLimit = previousStackTraceLimit;
      for (const [name, original] of shadowed) {
        if (original) Object.defineProperty(globalThis, name, original);
        else delete globals[name];
      }
      for (const [name, previous] of [[KILN_GLOBAL, previousKiln], ['display', previousDisplay]] as const) {
        if (previous) Object.defineProperty(globalThis, name, previous);
        else delete globals[name];
      }
    },
  };
  activeScope = scope;
  return scope;
}
