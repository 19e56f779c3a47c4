/**
 * Notebook -> nbformat 4.5. The file must open well in Jupyter, VS Code and GitHub, and must come
 * back into Kiln exactly; Kiln-only state rides along under `metadata.kiln`.
 */
import { assertNever } from '../../lib/invariant';
import { KILN_LANGUAGE } from '../notebook/create';
import type { Cell, CodeCell, Notebook } from '../notebook/types';
import type { CellOutput, DisplayOutput, ErrorOutput } from '../outputs';
import { exportBundle } from './exportBundle';
import { withoutUndefined } from './kilnMetadata';
import type { CellKilnMetadata, ErrorLocation, NotebookKilnMetadata, OutputKilnMetadata } from './kilnMetadata';
import { splitLines } from './multiline';
import {
  KILN_KERNELSPEC,
  KILN_LANGUAGE_INFO,
  KILN_METADATA_KEY,
  NBFORMAT,
  NBFORMAT_MINOR,
} from './nbformat';
import type { IpynbCell, IpynbErrorOutput, IpynbNotebook, IpynbOutput, JsonObject } from './nbformat';

export function exportIpynb(notebook: Notebook): IpynbNotebook {
  // Only Kiln's kernel runs TypeScript notebooks; other languages' outputs came from Jupyter and go back untouched.
  const fromKilnKernel = notebook.language === KILN_LANGUAGE;
  return {
    cells: notebook.cells.map((cell) => exportCell(cell, fromKilnKernel)),
    metadata: notebookMetadata(notebook),
    nbformat: NBFORMAT,
    nbformat_minor: NBFORMAT_MINOR,
  };
}

/** The file's text, laid out as Jupyter writes it (one-space indent, trailing newline) to keep diffs small. */
export function serializeIpynb(notebook: Notebook): string {
  return `${JSON.stringify(exportIpynb(notebook), null, 1)}\n`;
}

function notebookMetadata(notebook: Notebook): JsonObject {
  const kiln: NotebookKilnMetadata = {
    createdAt: notebook.createdAt,
    id: notebook.id,
    language: notebook.language,
    name: notebook.name,
    updatedAt: notebook.updatedAt,
  };
  // Imported notebooks keep the metadata they came with; Kiln's own describe its kernel so
  // Jupyter and GitHub highlight the code as TypeScript.
  const base: JsonObject =
    notebook.metadata !== undefined
      ? { ...notebook.metadata }
      : notebook.language === KILN_LANGUAGE
        ? { kernelspec: { ...KILN_KERNELSPEC }, language_info: { ...KILN_LANGUAGE_INFO } }
        : {};
  return { ...base, [KILN_METADATA_KEY]: kiln };
}

/** The cell's own metadata plus Kiln's fields; `kiln` is left out when there is nothing to say. */
function cellMetadata(cell: Cell, kiln: CellKilnMetadata): JsonObject {
  const ownKiln = withoutUndefined(kiln);
  return { ...cell.metadata, ...(Object.keys(ownKiln).length === 0 ? {} : { [KILN_METADATA_KEY]: ownKiln }) };
}

function exportCell(cell: Cell, fromKilnKernel: boolean): IpynbCell {
  switch (cell.type) {
    case 'code':
      return {
        cell_type: 'code',
        execution_count: cell.executionCount,
        id: cell.id,
        metadata: cellMetadata(cell, codeCellKilnMetadata(cell, fromKilnKernel)),
        outputs: cell.outputs.map((output) => exportOutput(output, cell.executionCount, fromKilnKernel)),
        source: splitLines(cell.source),
      };
    case 'markdown':
    case 'raw':
      return {
        ...(cell.attachments === undefined ? {} : { attachments: { ...cell.attachments } }),
        cell_type: cell.type,
        id: cell.id,
        metadata: cellMetadata(cell, {}),
        source: splitLines(cell.source),
      };
    default:
      return assertNever(cell, 'cell');
  }
}

function codeCellKilnMetadata(cell: CodeCell, fromKilnKernel: boolean): CellKilnMetadata {
  const errors = cell.outputs.flatMap((output, index): ErrorLocation[] =>
    // Only Kiln's kernel knows source positions, and the entry also marks the added traceback line.
    output.type === 'error' && fromKilnKernel
      ? [withoutUndefined({ output: index, line: output.line, column: output.column })]
      : [],
  );
  return {
    lastRun: cell.lastRun,
    isInputCollapsed: cell.isInputCollapsed,
    isOutputCollapsed: cell.isOutputCollapsed,
    errors: errors.length === 0 ? undefined : errors,
  };
}

function exportOutput(output: CellOutput, executionCount: number | null, fromKilnKernel: boolean): IpynbOutput {
  switch (output.type) {
    case 'stream':
      return { name: output.name, output_type: 'stream', text: splitLines(output.text) };
    case 'error':
      return fromKilnKernel ? exportKilnError(output) : exportForeignError(output);
    case 'display':
      return exportDisplay(output, executionCount);
    default:
      return assertNever(output, 'output');
  }
}

function exportForeignError(error: ErrorOutput): IpynbErrorOutput {
  return { ename: error.name, evalue: error.message, output_type: 'error', traceback: [...error.traceback] };
}

/**
 * Jupyter shows only the traceback of an error, and Kiln's holds just the stack frames, so a
 * first line carries the name and message. The cell's kiln.errors entry tells import to drop it.
 */
function exportKilnError(error: ErrorOutput): IpynbErrorOutput {
  return {
    ename: error.name,
    evalue: error.message,
    output_type: 'error',
    traceback: [`${error.name}: ${error.message}`, ...error.traceback],
  };
}

function exportDisplay(output: DisplayOutput, executionCount: number | null): IpynbOutput {
  const { data, metadata } = exportBundle(output.bundle);
  const kiln: OutputKilnMetadata = withoutUndefined({
    displayId: output.displayId,
    isResult: output.isResult === false ? false : undefined,
  });
  const withKiln = Object.keys(kiln).length === 0 ? metadata : { ...metadata, [KILN_METADATA_KEY]: kiln };
  return output.isResult === true
    ? { data, execution_count: executionCount, metadata: withKiln, output_type: 'execute_result' }
    : { data, metadata: withKiln, output_type: 'display_data' };
}
