/**
 * The one entry point of Monaco into Kiln. Loaded lazily (it is ~1 MB gzip), after the first
 * cell is already editable as plain text; cells upgrade to Monaco when it arrives.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/python/register';
import { typescriptDefaults } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import { CELL_COMPILER_OPTIONS, CELL_DIAGNOSTICS_OPTIONS, KILN_GLOBALS, loadLibraryDeclarations, type ExtraLib } from './cell-typescript';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker();
  },
};

typescriptDefaults.setCompilerOptions(CELL_COMPILER_OPTIONS);
typescriptDefaults.setDiagnosticsOptions(CELL_DIAGNOSTICS_OPTIONS);
// Every model reaches the worker, whether or not its editor is open: names declared in one cell
// are known in the others.
typescriptDefaults.setEagerModelSync(true);

const addExtraLib = (lib: ExtraLib) => typescriptDefaults.addExtraLib(lib.content, lib.filePath);

// The Kiln globals are small and come now; until the tfjs and danfo declarations follow (a
// separate chunk), `tf` and `dfd` are known names of type `any`, so nothing is marked meanwhile.
addExtraLib(KILN_GLOBALS);
loadLibraryDeclarations().then(
  (libs) => libs.forEach(addExtraLib),
  (error: unknown) => console.warn('kiln: tfjs and danfo types could not load; cells still run, without their completions', error),
);

export { monaco };
export type Monaco = typeof monaco;
