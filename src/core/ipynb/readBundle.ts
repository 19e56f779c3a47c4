/**
 * Reads a Kiln display bundle back from its .ipynb form, checking every field: the file may have
 * been edited by hand or by another tool, and renderers trust the DisplayBundle type.
 */
import { assertNever } from '../../lib/invariant';
import { DISPLAY_KINDS, type DisplayBundle, type TableColumn } from '../outputs';
import type { MimeBundle } from './nbformat';
import { indexPath, keyPath } from './path';
import { ObjectReader, describe, fail } from './read';
import { SpecialValueError, decodeSpecialValues } from './specialValues';


const IMAGE_MIMES = ['image/png', 'image/jpeg'] as const;
const PROGRESS_STATES = ['running', 'done', 'stopped'] as const;

/**
 * `stored` is the value under KILN_DISPLAY_MIME; `data` is the rest of the output's mime bundle
 * (lines already joined), where an image's pixels live so they are not stored twice.
 */
export function readKilnBundle(stored: unknown, data: MimeBundle, path: string): DisplayBundle {
  let decoded: unknown;
  try {
    decoded = decodeSpecialValues(stored, path);
  } catch (error) {
    if (error instanceof SpecialValueError) fail('bad-output', error.path, error.message);
    throw error;
  }
  const bundle = ObjectReader.of(decoded, path, 'bad-output');
  const kind = bundle.oneOf('kind', DISPLAY_KINDS);
  switch (kind) {
    case 'text':
      return { kind, text: bundle.string('text') };
    case 'markdown':
      return { kind, markdown: bundle.string('markdown') };
    case 'html':
      return { kind, html: bundle.string('html') };
    case 'json':
      return { kind, value: bundle.raw('value') };
    case 'table':
      return readTable(bundle);
    case 'tensor':
      return {
        kind,
        shape: readArray(bundle, 'shape', (item, itemPath) => readDimension(item, itemPath)),
        dtype: bundle.string('dtype'),
        preview: bundle.string('preview'),
        size: bundle.integer('size'),
      };
    case 'plotly':
      return { kind, data: bundle.array('data'), layout: bundle.object('layout').value };
    case 'image': {
      const mime = bundle.oneOf('mime', IMAGE_MIMES);
      const base64 = data[mime];
      if (typeof base64 !== 'string') {
        fail('bad-output', keyPath(pathOfData(path), mime), `expected the ${mime} image data as a string, got ${describe(base64)}`);
      }
      return { kind, mime, base64, width: bundle.number('width'), height: bundle.number('height') };
    }
    case 'model':
      return {
        kind,
        name: bundle.string('name'),
        layers: readArray(bundle, 'layers', (item, itemPath) => {
          const layer = ObjectReader.of(item, itemPath, 'bad-output');
          return {
            name: layer.string('name'),
            type: layer.string('type'),
            outputShape: layer.string('outputShape'),
            params: layer.integer('params'),
          };
        }),
        totalParams: bundle.integer('totalParams'),
        trainableParams: bundle.integer('trainableParams'),
      };
    case 'progress':
      return {
        kind,
        label: bundle.string('label'),
        epoch: bundle.number('epoch'),
        epochs: bundle.number('epochs'),
        batch: bundle.number('batch'),
        batchesPerEpoch: bundle.number('batchesPerEpoch'),
        elapsedMs: bundle.number('elapsedMs'),
        history: readHistory(bundle.object('history')),
        state: bundle.oneOf('state', PROGRESS_STATES),
      };
    case 'mime':
      return { kind, data: bundle.object('data').value };
    default:
      return assertNever(kind, 'display kind');
  }
}

/** The path of the mime bundle that holds `path` (which ends in ["application/vnd.kiln.display+json"]). */
function pathOfData(path: string): string {
  const end = path.lastIndexOf('[');
  return end === -1 ? path : path.slice(0, end);
}

function readArray<T>(reader: ObjectReader, key: string, readItem: (item: unknown, path: string) => T): T[] {
  return reader.array(key).map((item, i) => readItem(item, indexPath(reader.pathOf(key), i)));
}

function readDimension(item: unknown, path: string): number {
  if (typeof item === 'number' && Number.isInteger(item) && item >= 0) return item;
  return fail('bad-output', path, `expected a dimension (an integer of at least 0), got ${describe(item)}`);
}

function readTable(bundle: ObjectReader): DisplayBundle {
  const columns = readArray(bundle, 'columns', (item, path): TableColumn => {
    const column = ObjectReader.of(item, path, 'bad-output');
    return { name: column.string('name'), dtype: column.string('dtype') };
  });
  const index = readArray(bundle, 'index', (item, path) =>
    typeof item === 'string' || typeof item === 'number' ? item : fail('bad-output', path, `expected a string or a number, got ${describe(item)}`),
  );
  const rows = readArray(bundle, 'rows', (item, path) =>
    Array.isArray(item) ? (item as unknown[]) : fail('bad-output', path, `expected an array (one table row), got ${describe(item)}`),
  );
  const shape = readArray(bundle, 'shape', readDimension);
  const [rowCount, columnCount] = shape;
  if (shape.length !== 2 || rowCount === undefined || columnCount === undefined) {
    bundle.fail('shape', `expected [rows, columns], got ${shape.length} numbers`);
  }
  return { kind: 'table', columns, index, rows, shape: [rowCount, columnCount], isSeries: bundle.boolean('isSeries') };
}

/** Metric name -> values per epoch; NaN is allowed (a diverged loss is still a data point). */
function readHistory(history: ObjectReader): Record<string, number[]> {
  return Object.fromEntries(
    Object.keys(history.value).map((metric) => [
      metric,
      readArray(history, metric, (item, path) =>
        typeof item === 'number' ? item : fail('bad-output', path, `expected a number, got ${describe(item)}`),
      ),
    ]),
  );
}
