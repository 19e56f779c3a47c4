/**
 * IntelliSense in cells, on the TypeScript language service Monaco's worker runs (the same
 * TypeScript version), fed the way monaco-setup feeds it: the same compiler options, ignored
 * diagnostics, Kiln globals and library declarations, cells as models at their Monaco URIs, and a
 * host that answers like Monaco's worker (models, then TypeScript's libs, then extra libs).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { modelUriFor } from './cell-models';
import { CELL_COMPILER_OPTIONS, DIAGNOSTICS_THE_KERNEL_ALLOWS, KILN_GLOBALS, loadLibraryDeclarations, type ExtraLib } from './cell-typescript';

const TYPESCRIPT_LIB = fileURLToPath(new URL('../../../node_modules/typescript/lib/', import.meta.url));
const DEMO_NOTEBOOK = fileURLToPath(new URL('../../../public/demo/penguins.ipynb', import.meta.url));
const CURSOR = '|';

/** TypeScript's own lib files, by the names Monaco's worker looks them up by ("es2023" or "lib.es2023.d.ts"). */
function typescriptLib(fileName: string): string | undefined {
  if (fileName.includes('/')) return undefined;
  const name = fileName.startsWith('lib.') ? fileName : `lib.${fileName}.d.ts`;
  try {
    return readFileSync(`${TYPESCRIPT_LIB}${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

type Diagnostic = { code: number; message: string; text: string };

/** Versions are unique across notebooks: a shared registry reuses a parsed file of the same name and version. */
let lastVersion = 0;

/**
 * A notebook's cells as Monaco models, and the language features Monaco asks the worker for.
 * Notebooks sharing a registry parse the library declarations once.
 */
function createNotebook(extraLibs: readonly ExtraLib[], registry: ts.DocumentRegistry) {
  const models = new Map<string, { text: string; version: number }>();
  const libs = new Map(extraLibs.map((lib) => [lib.filePath, lib.content]));
  const textOf = (fileName: string) => models.get(fileName)?.text ?? typescriptLib(fileName) ?? libs.get(fileName);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => CELL_COMPILER_OPTIONS as ts.CompilerOptions,
    getScriptFileNames: () => [...models.keys(), ...libs.keys()],
    getScriptVersion: (fileName) => String(models.get(fileName)?.version ?? 1),
    getScriptSnapshot: (fileName) => {
      const text = textOf(fileName);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => '',
    getDefaultLibFileName: () => 'lib.esnext.full.d.ts',
    readFile: textOf,
    fileExists: (fileName) => textOf(fileName) !== undefined,
  };
  const service = ts.createLanguageService(host, registry);

  /** Sets a cell's source; a `|` in it marks the cursor, whose offset is returned. */
  const cell = (cellId: string, source: string) => {
    const uri = modelUriFor(cellId, 'typescript');
    const cursor = source.indexOf(CURSOR);
    const text = source.replace(CURSOR, '');
    models.set(uri, { text, version: ++lastVersion });
    return { uri, cursor };
  };
  return {
    cell,
    /**
     * The squiggles Monaco would draw: syntactic and semantic diagnostics minus the ignored codes.
     * (Suggestions, such as an unused name, are faded text rather than squiggles.)
     */
    diagnostics(uri: string): Diagnostic[] {
      const text = textOf(uri) ?? '';
      return [...service.getSyntacticDiagnostics(uri), ...service.getSemanticDiagnostics(uri)]
        .filter((diagnostic) => !DIAGNOSTICS_THE_KERNEL_ALLOWS.includes(diagnostic.code))
        .map((diagnostic) => ({
          code: diagnostic.code,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
          text: text.slice(diagnostic.start ?? 0, (diagnostic.start ?? 0) + (diagnostic.length ?? 0)),
        }));
    },
    completionsAt(cellId: string, source: string): string[] {
      const { uri, cursor } = cell(cellId, source);
      return service.getCompletionsAtPosition(uri, cursor, {})?.entries.map((entry) => entry.name) ?? [];
    },
    completionDocs(cellId: string, source: string, name: string): string {
      const { uri, cursor } = cell(cellId, source);
      const details = service.getCompletionEntryDetails(uri, cursor, name, {}, undefined, {}, undefined);
      return ts.displayPartsToString(details?.documentation);
    },
    hoverAt(cellId: string, source: string): { signature: string; docs: string; examples: string[] } {
      const { uri, cursor } = cell(cellId, source);
      const info = service.getQuickInfoAtPosition(uri, cursor);
      return {
        signature: ts.displayPartsToString(info?.displayParts),
        docs: ts.displayPartsToString(info?.documentation),
        examples: (info?.tags ?? []).filter((tag) => tag.name === 'example').map((tag) => ts.displayPartsToString(tag.text)),
      };
    },
    signatureAt(cellId: string, source: string): { parameters: string[]; docs: string } {
      const { uri, cursor } = cell(cellId, source);
      const help = service.getSignatureHelpItems(uri, cursor, undefined);
      const item = help?.items[help.selectedItemIndex];
      return {
        parameters: item?.parameters.map((parameter) => parameter.name) ?? [],
        docs: ts.displayPartsToString(item?.documentation),
      };
    },
  };
}

type Notebook = ReturnType<typeof createNotebook>;

function demoCells(): string[] {
  const notebook = JSON.parse(readFileSync(DEMO_NOTEBOOK, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  return notebook.cells
    .filter((cell) => cell.cell_type === 'code')
    .map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
}

describe('IntelliSense in cells', () => {
  const registry = ts.createDocumentRegistry();
  let libraries: ExtraLib[];
  let notebook: Notebook;
  beforeAll(async () => {
    libraries = await loadLibraryDeclarations();
  }, 60_000);
  beforeEach(() => {
    notebook = createNotebook([KILN_GLOBALS, ...libraries], registry);
  });

  it('completes tf with the TensorFlow.js API and its docs', () => {
    expect(notebook.completionsAt('a', 'tf.|')).toEqual(expect.arrayContaining(['tensor', 'tensor2d', 'sequential', 'layers', 'train', 'Tensor']));
    expect(notebook.completionDocs('a', 'tf.|', 'tensor')).toMatch(/Creates a `tf.Tensor`/);
  }, 60_000);

  it('completes dfd with danfo, and DataFrame methods on what data.load returns', () => {
    expect(notebook.completionsAt('a', 'dfd.|')).toEqual(expect.arrayContaining(['DataFrame', 'Series', 'readCSV', 'StandardScaler']));
    expect(notebook.completionsAt('a', "const penguins = await data.load('penguins.csv');\npenguins.|")).toEqual(
      expect.arrayContaining(['head', 'describe', 'loc', 'groupby']),
    );
  });

  it('offers names declared in an earlier cell, with their types', () => {
    notebook.cell('first', 'const penguinCount = 3;\nfunction mass(grams: number) { return grams / 1000; }');
    expect(notebook.completionsAt('second', 'pen|')).toContain('penguinCount');
    expect(notebook.hoverAt('second', 'mas|s(3750)').signature).toBe('function mass(grams: number): number');
  });

  it('shows what the Kiln APIs do on hover, and their parameters while typing a call', () => {
    const display = notebook.hoverAt('a', 'disp|lay(1)');
    expect(display.signature).toBe('function display(...values: unknown[]): void');
    expect(display.docs).toMatch(/^Shows each value as a rich output below the cell/);
    // Inline code, which Monaco's hover shows as code (it puts tag text after "@example —").
    expect(display.examples).toEqual([expect.stringMatching(/^`display\(.*\);`$/)]);
    const tf = notebook.hoverAt('a', 't|f.tensor([1])');
    expect(tf.docs).toMatch(/^TensorFlow\.js \(`@tensorflow\/tfjs`\): tensors, layers models/);
    expect(tf.docs).not.toMatch(/What the Kiln kernel defines/);
    expect(tf.examples).toHaveLength(1);

    const scatter = notebook.signatureAt('a', 'plot.scatter(|');
    expect(scatter.parameters).toEqual(['source', 'options']);
    expect(scatter.docs).toMatch(/coloured by the groups/);
    expect(notebook.completionsAt('a', 'plot.|')).toEqual(expect.arrayContaining(['line', 'scatter', 'histogram', 'bar']));
    expect(notebook.completionsAt('a', 'data.|')).toEqual(expect.arrayContaining(['load', 'loaded']));
    expect(notebook.completionsAt('a', 'track.|')).toEqual(expect.arrayContaining(['start', 'callback', 'setObjective', 'autolog', 'active']));
    expect(notebook.completionsAt('a', 'track.start().|')).toEqual(expect.arrayContaining(['log', 'logParams', 'logModel', 'end']));
  });

  it('marks type errors and unknown names, and not what the kernel allows', () => {
    const typeError = notebook.cell('a', "const n: number = 'x';");
    expect(notebook.diagnostics(typeError.uri)).toEqual([{ code: 2322, message: "Type 'string' is not assignable to type 'number'.", text: 'n' }]);
    const unknown = notebook.cell('b', 'const total = sumOfEverything + 1;');
    expect(notebook.diagnostics(unknown.uri)).toEqual([{ code: 2304, message: "Cannot find name 'sumOfEverything'.", text: 'sumOfEverything' }]);
    // The kernel is a Web Worker: there is no document.
    const noDocument = notebook.cell('b', 'document.title');
    expect(notebook.diagnostics(noDocument.uri)).toMatchObject([{ message: expect.stringContaining("Cannot find name 'document'"), text: 'document' }]);
    notebook.cell('c', "const penguins = await data.load('penguins.csv');");
    const badOption = notebook.cell('d', "plot.histogram(penguins, { x: 'Body Mass (g)', bins: 'ten' })");
    expect(notebook.diagnostics(badOption.uri)).toMatchObject([{ code: 2322, text: 'bins' }]);

    // Declaring again (as re-running does), top-level await and return are fine in the kernel.
    const again = notebook.cell('e', "const label = 'a';\nconst rows = await data.load('penguins.csv');");
    const later = notebook.cell('f', "const label = 'b';\nreturn;");
    expect([...notebook.diagnostics(again.uri), ...notebook.diagnostics(later.uri)]).toEqual([]);
  });

  it('types imports of the libraries in a cell', () => {
    const imported = notebook.cell('a', "import * as tfjs from '@tensorflow/tfjs';\nimport { DataFrame } from 'danfojs';\nconst t = tfjs.tensor([1, 2]);\nnew DataFrame([[1]]).head()");
    expect(notebook.diagnostics(imported.uri)).toEqual([]);
    expect(notebook.hoverAt('a', "import * as tfjs from '@tensorflow/tfjs';\nconst |t = tfjs.tensor([1, 2]);").signature).toBe('const t: tfjs.Tensor<tfjs.Rank>');
  });

  it('finds nothing wrong in the demo notebook', () => {
    const cells = demoCells().map((source, i) => notebook.cell(`demo-${i}`, source));
    expect(cells.length).toBeGreaterThan(5);
    expect(cells.flatMap((cell) => notebook.diagnostics(cell.uri))).toEqual([]);
  });

  it('marks nothing in the demo notebook while the library declarations are still loading', () => {
    const early = createNotebook([KILN_GLOBALS], registry);
    const cells = demoCells().map((source, i) => early.cell(`demo-${i}`, source));
    expect(cells.flatMap((cell) => early.diagnostics(cell.uri))).toEqual([]);
  });
});
