/**
 * The modules a cell may import. Cells cannot resolve bare specifiers themselves (they run as
 * AsyncFunction bodies, not as modules, and the worker has no import map), so the transpiler
 * turns `import * as tf from '@tensorflow/tfjs'` into a lookup here. The worker entry registers
 * what it bundles (tfjs, danfo); tests register fakes.
 */

type ModuleEntry =
  | { readonly kind: 'loaded'; readonly module: unknown }
  /** Loaded on first import, so heavy libraries cost nothing until a cell asks for them. */
  | { readonly kind: 'lazy'; readonly load: () => Promise<unknown>; pending?: Promise<unknown> };

const modules = new Map<string, ModuleEntry>();

export class ModuleNotFoundError extends Error {
  override name = 'ModuleNotFoundError';
}

export function registerModule(specifier: string, module: unknown): void {
  modules.set(specifier, { kind: 'loaded', module });
}

export function registerModuleLoader(specifier: string, load: () => Promise<unknown>): void {
  modules.set(specifier, { kind: 'lazy', load });
}

export function unregisterModule(specifier: string): void {
  modules.delete(specifier);
}

export function availableModules(): string[] {
  return [...modules.keys()].sort();
}

function checkExports(specifier: string, module: unknown, requiredExports: readonly string[]): unknown {
  for (const name of requiredExports) {
    const present = typeof module === 'object' || typeof module === 'function' ? module !== null && name in module : false;
    // The same words V8 uses for a missing ESM export, since that is what the cell's author wrote.
    if (!present) throw new SyntaxError(`The requested module '${specifier}' does not provide an export named '${name}'`);
  }
  return module;
}

/**
 * Resolves a registered module. Unknown specifiers throw synchronously (not as a rejected
 * promise) so the error's stack still runs through the cell that asked for it.
 * `requiredExports` are the names a `import {a, b} from ...` expects, checked like ESM would.
 */
export function importModule(specifier: string, requiredExports: readonly string[] = []): Promise<unknown> {
  const entry = modules.get(specifier);
  if (!entry) {
    const available = availableModules();
    throw new ModuleNotFoundError(
      `Module '${specifier}' is not available in Kiln; available: ${available.length ? available.join(', ') : '(none)'}`,
    );
  }
  if (entry.kind === 'loaded') {
    return Promise.resolve(checkExports(specifier, entry.module, requiredExports));
  }
  entry.pending ??= entry.load().then((module) => {
    modules.set(specifier, { kind: 'loaded', module });
    return module;
  });
  // A failed load is not cached, so the next import tries again.
  entry.pending.catch(() => {
    if (modules.get(specifier) === entry) entry.pending = undefined;
  });
  return entry.pending.then((module) => checkExports(specifier, module, requiredExports));
}
