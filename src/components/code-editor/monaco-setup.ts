/**
 * The one entry point of Monaco into Kiln. Loaded lazily (it is ~1 MB gzip), after the first
 * cell is already editable as plain text; cells upgrade to Monaco when it arrives.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/python/register';
import { typescriptDefaults, ScriptTarget, ModuleKind, ModuleResolutionKind } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker();
  },
};

/**
 * Cells are scripts that share one global scope, like the kernel: a name declared in one cell is
 * known in the next. The kernel allows what a plain TypeScript project would not, so those
 * diagnostics are silenced rather than shown as false errors.
 */
const DIAGNOSTICS_THE_KERNEL_ALLOWS = [
  2451, // Cannot redeclare block-scoped variable (re-running a cell, or declaring again later)
  2300, // Duplicate identifier
  2393, // Duplicate function implementation
  1375, // 'await' at top level only allowed in modules
  1378, // top-level await needs module/target settings
  1108, // A 'return' statement can only be used within a function body
  2304, // Cannot find name: cells may use names the kernel provides before its types load
];

typescriptDefaults.setCompilerOptions({
  target: ScriptTarget.ESNext,
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolutionKind.NodeJs,
  lib: ['es2023', 'webworker'],
  strict: false,
  noImplicitAny: false,
  allowNonTsExtensions: true,
  esModuleInterop: true,
});
typescriptDefaults.setDiagnosticsOptions({
  noSemanticValidation: false,
  noSyntaxValidation: false,
  diagnosticCodesToIgnore: DIAGNOSTICS_THE_KERNEL_ALLOWS,
});
typescriptDefaults.setEagerModelSync(true);

export { monaco };
export type Monaco = typeof monaco;
