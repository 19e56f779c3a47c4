/**
 * nbformat 4 -> Notebook. The file is untrusted: every value is checked before use, and any
 * problem yields an error naming its JSON path. Nothing partial is ever returned.
 */
import { newCellId, newNotebookId } from '../../lib/ids';
import type { CellId, NotebookId } from '../../lib/ids';
import { assertNever } from '../../lib/invariant';
import type { Cell, CodeCell, ForeignMetadata, Notebook } from '../notebook/types';
import type { CellOutput, DisplayBundle, ErrorOutput } from '../outputs';
import { readCellKilnMetadata, readNotebookKilnMetadata, readOutputKilnMetadata, withoutUndefined } from './kilnMetadata';
import type { CellKilnMetadata, NotebookKilnMetadata } from './kilnMetadata';
import {
  CELL_ID_PATTERN,
  KILN_DISPLAY_MIME,
  KILN_KERNELSPEC,
  KILN_LANGUAGE_INFO,
  KILN_METADATA_KEY,
  NBFORMAT,
  OUTPUT_METADATA_MIME,
  isJsonMime,
} from './nbformat';
import type { JsonObject, MimeBundle } from './nbformat';
import { indexPath, keyPath } from './path';
import { IpynbReadError, ObjectReader, describe, fail, isRecord } from './read';
import type { ImportError } from './read';
import { readKilnBundle } from './readBundle';

export type { ImportError, ImportErrorCode } from './read';

export type ImportOptions = {
  /** The file's name; without its ".ipynb" it names the notebook, ahead of any name stored inside. */
  readonly fileName?: string;
  /** Forces the notebook's id, e.g. so importing a file twice does not overwrite the first copy. */
  readonly notebookId?: NotebookId;
  /** Used as createdAt/updatedAt for notebooks that do not carry their own; injectable for tests. */
  readonly now?: number;
};

export type ImportResult =
  | { readonly ok: true; readonly notebook: Notebook }
  | { readonly ok: false; readonly error: ImportError };

/** The language Jupyter assumes when a notebook does not say (IPython's, historically). */
const DEFAULT_JUPYTER_LANGUAGE = 'python';
const DEFAULT_NAME = 'Untitled';
const CELL_TYPES = ['code', 'markdown', 'raw'] as const;
const STREAM_NAMES = ['stdout', 'stderr'] as const;

export function importIpynb(text: string, options: ImportOptions = {}): ImportResult {
  let json: unknown;
  try {
    // Some Windows editors save JSON with a byte-order mark, which JSON.parse rejects.
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'not-json', path: '', message: `notebook: the file is not valid JSON (${reason})` } };
  }
  try {
    return { ok: true, notebook: readNotebook(json, options) };
  } catch (error) {
    if (error instanceof IpynbReadError) return { ok: false, error: error.toImportError() };
    // JSON.parse copes with any depth, but the recursive checks do not: a hostile file could nest
    // arrays a million deep. That is bad input, not a crash.
    if (error instanceof RangeError) {
      return { ok: false, error: { code: 'bad-notebook', path: '', message: 'notebook: values are nested too deeply to read' } };
    }
    throw error;
  }
}

function readNotebook(json: unknown, options: ImportOptions): Notebook {
  if (!isRecord(json)) fail('not-object', '', `expected a JSON object (a Jupyter notebook), got ${describe(json)}`);
  const root = new ObjectReader(json, '', 'bad-notebook');
  checkFormatVersion(root);

  const metadata = root.has('metadata') ? root.withCode('bad-metadata').object('metadata') : undefined;
  const kilnReader = metadata?.optionalObject(KILN_METADATA_KEY);
  const kiln: NotebookKilnMetadata = kilnReader === undefined ? {} : readNotebookKilnMetadata(kilnReader);

  const usedIds = new Set<string>();
  const cells = root.array('cells').map((cell, index) => readCell(cell, indexPath('cells', index), usedIds));

  const now = options.now ?? Date.now();
  const foreign = foreignNotebookMetadata(metadata);
  return {
    id: options.notebookId ?? (kiln.id as NotebookId | undefined) ?? newNotebookId(),
    name: notebookName(options.fileName, kiln, metadata),
    language: kiln.language !== undefined && kiln.language.trim() !== '' ? kiln.language : languageOf(metadata),
    cells,
    createdAt: kiln.createdAt ?? now,
    updatedAt: kiln.updatedAt ?? now,
    ...(foreign === undefined ? {} : { metadata: foreign }),
  };
}

function checkFormatVersion(root: ObjectReader): void {
  const version = root.raw('nbformat');
  if (version === undefined) {
    fail('not-nbformat-4', 'nbformat', 'missing; this is not a Jupyter notebook (Kiln reads nbformat 4 files)');
  }
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    fail('not-nbformat-4', 'nbformat', `expected the format version 4, got ${describe(version)}`);
  }
  if (version < NBFORMAT) {
    fail(
      'not-nbformat-4',
      'nbformat',
      `this is an nbformat ${version} notebook, and Kiln reads only nbformat 4. ` +
        'Upgrade it with `jupyter nbconvert --to notebook --nbformat 4 file.ipynb`, or open and save it in Jupyter.',
    );
  }
  if (version > NBFORMAT) {
    fail('not-nbformat-4', 'nbformat', `nbformat ${version} is newer than Kiln understands (it reads nbformat 4)`);
  }
  // Minor versions are backward compatible, so any is read; only its type is checked.
  if (root.has('nbformat_minor')) root.withCode('not-nbformat-4').integer('nbformat_minor');
}

/** What Kiln keeps verbatim: everything but its own key and the kernel description it writes itself. */
function foreignNotebookMetadata(metadata: ObjectReader | undefined): ForeignMetadata | undefined {
  if (metadata === undefined) return undefined;
  const isKilnDefault = (key: string, expected: Readonly<Record<string, string>>): boolean =>
    sameFlatRecord(metadata.raw(key), expected);
  const drop = [KILN_METADATA_KEY];
  if (isKilnDefault('kernelspec', KILN_KERNELSPEC)) drop.push('kernelspec');
  if (isKilnDefault('language_info', KILN_LANGUAGE_INFO)) drop.push('language_info');
  return metadata.without(...drop);
}

function sameFlatRecord(value: unknown, expected: Readonly<Record<string, string>>): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === Object.keys(expected).length && keys.every((key) => value[key] === expected[key]);
}

/** Foreign metadata we only read when it has the expected shape; odd values are kept, not rejected. */
function languageOf(metadata: ObjectReader | undefined): string {
  const candidates = [stringAt(metadata?.raw('kernelspec'), 'language'), stringAt(metadata?.raw('language_info'), 'name')];
  for (const candidate of candidates) {
    const language = candidate?.trim().toLowerCase();
    if (language !== undefined && language !== '') return language;
  }
  return DEFAULT_JUPYTER_LANGUAGE;
}

function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const inner = value[key];
  return typeof inner === 'string' ? inner : undefined;
}

function notebookName(fileName: string | undefined, kiln: NotebookKilnMetadata, metadata: ObjectReader | undefined): string {
  const fromFile = fileName
    ?.split(/[\\/]/)
    .at(-1)
    ?.replace(/\.ipynb$/i, '')
    .trim();
  const title = stringAt(metadata?.value, 'title')?.trim();
  for (const name of [fromFile, kiln.name, title]) {
    if (name !== undefined && name !== '') return name;
  }
  return DEFAULT_NAME;
}

function readCell(value: unknown, path: string, usedIds: Set<string>): Cell {
  const cell = ObjectReader.of(value, path, 'bad-cell');
  const type = cell.oneOf('cell_type', CELL_TYPES);
  const source = cell.multiline('source');
  const metadataReader = cell.optionalObject('metadata');
  const kilnReader = metadataReader?.optionalObject(KILN_METADATA_KEY);
  const metadata = metadataReader?.without(KILN_METADATA_KEY);
  const common = { id: cellId(cell.raw('id'), usedIds), source, ...(metadata === undefined ? {} : { metadata }) };
  switch (type) {
    case 'code': {
      const kiln = kilnReader === undefined ? {} : readCellKilnMetadata(kilnReader);
      return readCodeCell(cell, common, kiln, metadataReader);
    }
    case 'markdown':
    case 'raw': {
      const attachments = readAttachments(cell);
      return { ...common, type, ...(attachments === undefined ? {} : { attachments }) };
    }
    default:
      return assertNever(type, 'cell type');
  }
}

/** Fresh ids replace missing (nbformat < 4.5), malformed and repeated ones, so ids stay unique keys. */
function cellId(raw: unknown, usedIds: Set<string>): CellId {
  let id = typeof raw === 'string' && CELL_ID_PATTERN.test(raw) && !usedIds.has(raw) ? (raw as CellId) : newCellId();
  while (usedIds.has(id)) id = newCellId();
  usedIds.add(id);
  return id;
}

function readAttachments(cell: ObjectReader): JsonObject | undefined {
  const attachments = cell.optionalObject('attachments');
  if (attachments === undefined) return undefined;
  // Each attachment is a mime bundle; it is kept verbatim, so only its shape is checked.
  for (const name of Object.keys(attachments.value)) attachments.object(name);
  return attachments.value;
}

function readCodeCell(
  cell: ObjectReader,
  common: Pick<CodeCell, 'id' | 'source' | 'metadata'>,
  kiln: CellKilnMetadata,
  metadata: ObjectReader | undefined,
): CodeCell {
  const executionCount = cell.executionCount('execution_count');
  const outputsPath = cell.pathOf('outputs');
  const kilnErrorsPath = keyPath(keyPath(cell.pathOf('metadata'), KILN_METADATA_KEY), 'errors');
  const rawOutputs = cell.has('outputs') ? cell.array('outputs') : [];
  const errorLocations = new Map((kiln.errors ?? []).map((location) => [location.output, location]));
  for (const [output] of errorLocations) {
    if (output >= rawOutputs.length) {
      fail('bad-cell', kilnErrorsPath, `names output ${output}, but the cell has ${rawOutputs.length}`);
    }
  }
  const outputs = rawOutputs.map((raw, index) => {
    const output = readOutput(raw, indexPath(outputsPath, index));
    const location = errorLocations.get(index);
    if (location === undefined) return output;
    if (output.type !== 'error') {
      return fail('bad-cell', kilnErrorsPath, `names output ${index}, which is not an error`);
    }
    return restoreKilnError(output, location.line, location.column);
  });
  const isInputCollapsed = kiln.isInputCollapsed ?? jupyterFlag(metadata, 'source_hidden');
  const isOutputCollapsed = kiln.isOutputCollapsed ?? jupyterFlag(metadata, 'outputs_hidden') ?? classicCollapsed(metadata);
  return withoutUndefined({
    ...common,
    type: 'code' as const,
    outputs,
    executionCount,
    lastRun: kiln.lastRun,
    isInputCollapsed,
    isOutputCollapsed,
  });
}

/** JupyterLab stores hidden input/output as metadata.jupyter.source_hidden / outputs_hidden. */
function jupyterFlag(metadata: ObjectReader | undefined, key: 'source_hidden' | 'outputs_hidden'): true | undefined {
  const jupyter = metadata?.raw('jupyter');
  return isRecord(jupyter) && jupyter[key] === true ? true : undefined;
}

/** The classic notebook's metadata.collapsed means the output is hidden. */
function classicCollapsed(metadata: ObjectReader | undefined): true | undefined {
  return metadata?.raw('collapsed') === true ? true : undefined;
}

/** Undoes exportError: drops the "Name: message" line Kiln put first for Jupyter and restores the source position. */
function restoreKilnError(error: ErrorOutput, line: number | undefined, column: number | undefined): ErrorOutput {
  const [first, ...rest] = error.traceback;
  const traceback = first === `${error.name}: ${error.message}` ? rest : error.traceback;
  return withoutUndefined({ ...error, traceback, line, column });
}

function readOutput(value: unknown, path: string): CellOutput {
  const output = ObjectReader.of(value, path, 'bad-output');
  const outputType = output.string('output_type');
  switch (outputType) {
    case 'stream':
      return { type: 'stream', name: output.oneOf('name', STREAM_NAMES), text: output.multiline('text') };
    case 'error':
      return {
        type: 'error',
        name: output.string('ename'),
        message: output.string('evalue'),
        traceback: output.stringArray('traceback'),
      };
    case 'execute_result':
      output.executionCount('execution_count');
      return readDisplay(output, true);
    case 'display_data':
      return readDisplay(output, false);
    default:
      // Output types from newer or other tools: shown as their mime bundle when they have one.
      if (!output.has('data')) {
        output.fail('output_type', `unknown output type ${JSON.stringify(outputType)}, with no data to show`);
      }
      return readDisplay(output, false);
  }
}

function readDisplay(output: ObjectReader, isExecuteResult: boolean): CellOutput {
  const data = readMimeBundle(output.object('data'));
  const metadata = output.optionalObject('metadata');
  const kilnReader = metadata?.optionalObject(KILN_METADATA_KEY);
  const kiln = kilnReader === undefined ? {} : readOutputKilnMetadata(kilnReader);
  const stored = data[KILN_DISPLAY_MIME];
  const bundle: DisplayBundle =
    stored === undefined
      ? foreignBundle(data, metadata?.without(KILN_METADATA_KEY))
      : readKilnBundle(stored, data, keyPath(output.pathOf('data'), KILN_DISPLAY_MIME));
  const isResult = kiln.isResult ?? (isExecuteResult ? true : undefined);
  return withoutUndefined({ type: 'display' as const, bundle, displayId: kiln.displayId, isResult });
}

/** Text mime types may be split into lines on disk; JSON ones hold any JSON value. */
function readMimeBundle(data: ObjectReader): MimeBundle {
  return Object.fromEntries(
    Object.keys(data.value).map((mime) => [mime, isJsonMime(mime) ? data.raw(mime) : data.multiline(mime)]),
  );
}

function foreignBundle(data: MimeBundle, metadata: JsonObject | undefined): DisplayBundle {
  return { kind: 'mime', data: metadata === undefined ? data : { ...data, [OUTPUT_METADATA_MIME]: metadata } };
}
