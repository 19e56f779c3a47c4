/**
 * Row objects from the column-named wire formats (dataframe_split, columnar inputs, V2 tensors):
 * the pipeline reads rows.
 */
import type { RawRow } from '../../preprocess';
import { badRequest } from './request-error';

export function checkUniqueNames(names: readonly string[], path: string): void {
  // Few columns: a quadratic scan allocates nothing, unlike a Set, and this runs on every request.
  for (let column = 1; column < names.length; column++) {
    const name = names[column] as string;
    if (names.lastIndexOf(name, column - 1) !== -1) throw badRequest(`${path} names "${name}" twice`, { field: name, expected: 'each feature once', got: `"${name}" twice` });
  }
}

/** A feature named "__proto__" becomes an own property instead of replacing the row's prototype. */
export function setField(row: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
  else row[name] = value;
}

/** Rows from column-major data: columns[c][r] is row r's value of names[c]. */
export function rowsFromColumns(names: readonly string[], columns: readonly (readonly unknown[])[], rowCount: number, path: string): RawRow[] {
  checkUniqueNames(names, path);
  const rows = new Array<RawRow>(rowCount);
  for (let row = 0; row < rowCount; row++) {
    const record: Record<string, unknown> = {};
    for (let column = 0; column < names.length; column++) setField(record, names[column] as string, (columns[column] as readonly unknown[])[row]);
    rows[row] = record as RawRow;
  }
  return rows;
}
