/**
 * How Monaco's TypeScript worker sees cells: compiler options, the diagnostics the kernel makes
 * moot, and the declarations of what the kernel provides. Plain data without Monaco, so the Node
 * tests run a TypeScript language service with exactly these settings.
 */
import type { CompilerOptions, DiagnosticsOptions } from 'monaco-editor/languages/features/typescript/register';
import kilnGlobalsSource from './kiln-globals.d.ts.txt?raw';

/** A declaration file for the TypeScript worker, as Monaco's `addExtraLib` takes it. */
export type ExtraLib = { readonly filePath: string; readonly content: string };

/**
 * Cells are scripts sharing one global scope, as in the kernel, which runs them in a Web Worker
 * (hence the webworker lib: `document` is rightly unknown). The numbers are TypeScript's enum
 * values (Monaco's enums mirror them): ESNext target and modules, Node module resolution.
 */
export const CELL_COMPILER_OPTIONS: CompilerOptions = {
  target: 99,
  module: 99,
  moduleResolution: 2,
  lib: ['es2023', 'webworker'],
  strict: false,
  noImplicitAny: false,
  allowNonTsExtensions: true,
  esModuleInterop: true,
};

/** Diagnostics for what a plain TypeScript project forbids and the kernel allows. */
export const DIAGNOSTICS_THE_KERNEL_ALLOWS: readonly number[] = [
  2451, // Cannot redeclare block-scoped variable (re-running a cell, or declaring again later)
  2300, // Duplicate identifier
  2393, // Duplicate function implementation
  1375, // 'await' at top level only allowed in modules
  1378, // top-level await needs module/target settings
  1108, // A 'return' statement can only be used within a function body
];

export const CELL_DIAGNOSTICS_OPTIONS: DiagnosticsOptions = {
  noSemanticValidation: false,
  noSyntaxValidation: false,
  diagnosticCodesToIgnore: [...DIAGNOSTICS_THE_KERNEL_ALLOWS],
};

/** What the kernel defines for cells (`tf`, `dfd`, `display`, `plot`, `data`, `track`, ...): see kiln-globals.d.ts.txt. */
export const KILN_GLOBALS: ExtraLib = { filePath: 'file:///kiln/globals.d.ts', content: kilnGlobalsSource };

/** The tfjs and danfo declarations (a separate lazy chunk, ~0.3 MB gzipped). */
export async function loadLibraryDeclarations(): Promise<ExtraLib[]> {
  const { libraryDeclarations } = await import('./library-declarations');
  return libraryDeclarations();
}
