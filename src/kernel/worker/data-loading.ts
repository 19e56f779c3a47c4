/**
 * Loads uploaded or fetched files into danfo DataFrames (parsing lives in core/table-file, with
 * errors that point at the exact place in the file), and fingerprints data so an experiment can
 * record exactly which bytes it trained on.
 */
import type { DataFrame } from 'danfojs';
import type { InferredColumn } from '../../core/csv';
import { readTableFile } from '../../core/table-file';
import { assertNever } from '../../lib/invariant';
import { sha256Hex } from '../../lib/sha256';

/** The part of the danfo module needed here; the kernel passes its own `dfd`. */
export type DanfoModule = { readonly DataFrame: typeof DataFrame };

/** Reads a .csv (RFC 4180, header row first) or .json (records, or {columns, data}) file into a DataFrame. */
export function loadTable(dfd: DanfoModule, bytes: ArrayBuffer | string, fileName: string): DataFrame {
  const { columns, index } = readTableFile(bytes, fileName);
  return frameFromColumns(dfd, columns, index);
}

// ---------------------------------------------------------------------------------------------
// Building the DataFrame

/**
 * danfo infers dtypes from the first values and counts numeric-looking strings and nulls as
 * numbers, so dtypes are always passed explicitly from the inferred column types.
 */
function frameFromColumns(dfd: DanfoModule, columns: readonly InferredColumn[], index?: (string | number)[]): DataFrame {
  // danfo cannot build a frame from columns with no values (it fails making the index), but takes
  // an empty row list with column names.
  const hasRows = (columns[0]?.values.length ?? 0) > 0;
  const data = hasRows ? Object.fromEntries(columns.map((column) => [column.name, [...column.values]])) : [];
  return new dfd.DataFrame(data, {
    columns: columns.map((column) => column.name),
    dtypes: columns.map(danfoDtype),
    ...(index === undefined ? {} : { index }),
  });
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function danfoDtype(column: InferredColumn): string {
  switch (column.type) {
    case 'number':
      return column.values.every((value) => Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)
        ? 'int32'
        : 'float32';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      return assertNever(column, 'column');
  }
}

// ---------------------------------------------------------------------------------------------
// Fingerprints

export type DataFingerprint = { readonly sha256: string; readonly rows: number; readonly columns: number };

/** What an experiment records about its data: the exact file, and the shape it loaded as. */
export async function fingerprint(
  bytes: ArrayBuffer | string,
  table: { readonly shape: readonly number[] },
): Promise<DataFingerprint> {
  const [rows = 0, columns = 0] = table.shape;
  return { sha256: await sha256Hex(bytes), rows, columns };
}
