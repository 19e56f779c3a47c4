/**
 * The notebook's adapter from a column table to rows, without importing danfo: a DataFrame's
 * `df.columns` and `df.values` have exactly these shapes, so the kernel can call
 * `fitPipeline(rowsFromColumns(df.columns, df.values), options)`.
 */
import { PreprocessError } from './errors';
import type { RawRow, RawValue } from './types';
import { describeValue } from './values';

export function rowsFromColumns(columns: readonly string[], values: readonly (readonly RawValue[])[]): RawRow[] {
  if (!Array.isArray(columns)) throw new PreprocessError('bad-table', `columns: expected an array of names, got ${describeValue(columns)}`);
  if (!Array.isArray(values)) throw new PreprocessError('bad-table', `values: expected an array of rows, got ${describeValue(values)}`);
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (typeof name !== 'string') throw new PreprocessError('bad-table', `columns[${i}]: expected a column name, got ${describeValue(name)}`);
    if (seen.has(name)) throw new PreprocessError('bad-table', `columns[${i}]: ${JSON.stringify(name)} appears twice`);
    seen.add(name);
  });
  return values.map((row, rowIndex) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      const got = Array.isArray(row) ? String(row.length) : describeValue(row);
      throw new PreprocessError('bad-table', `values[${rowIndex}]: expected ${columns.length} values (one per column), got ${got}`, { row: rowIndex });
    }
    // fromEntries defines own properties, so even a column named "__proto__" stays a plain field.
    return Object.fromEntries(columns.map((name, i) => [name, row[i] as RawValue]));
  });
}
