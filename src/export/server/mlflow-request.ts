/**
 * The four body shapes of MLflow's scoring protocol (POST /invocations), read into raw rows:
 *   {"dataframe_split": {"columns": [...], "data": [[...], ...]}}
 *   {"dataframe_records": [{...}, ...]}
 *   {"instances": [{...}, ...]}
 *   {"inputs": {"feature": [...], ...}}  or  {"inputs": [{...}, ...]}
 * The shape and the field names are checked here; whether each value suits its feature is the
 * pipeline's call, made for the whole batch.
 */
import type { RawRow } from '../../preprocess';
import type { FieldGuard } from './field-guard';
import { badRequest, describeJson, isJsonObject } from './request-error';
import { checkUniqueNames, rowsFromColumns, setField } from './rows';

const SHAPES = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
type Shape = (typeof SHAPES)[number];
const SHAPE_LIST = SHAPES.join(', ');

function isShape(key: string): key is Shape {
  return (SHAPES as readonly string[]).includes(key);
}

function nonEmptyArray(value: unknown, path: string, whatRowsAre: string): unknown[] {
  if (!Array.isArray(value)) throw badRequest(`${path} must be an array of ${whatRowsAre}, got ${describeJson(value)}`, { field: path, expected: 'array', got: describeJson(value) });
  if (value.length === 0) throw badRequest(`${path} is empty: send at least one row`, { field: path, expected: 'at least one row', got: 'an empty array' });
  return value;
}

function recordRows(value: unknown, path: string, guard: FieldGuard): RawRow[] {
  const rows = nonEmptyArray(value, path, 'objects (one per row)');
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    if (!isJsonObject(row)) throw badRequest(`${path}[${index}] must be an object of feature values, got ${describeJson(row)}`, { field: path, row: index, expected: 'object', got: describeJson(row) });
  }
  guard.checkRecords(rows as RawRow[]);
  return rows as RawRow[];
}

function columnNames(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw badRequest(`${path} must be an array of feature names, got ${describeJson(value)}`, { field: path, expected: 'array of strings', got: describeJson(value) });
  for (let index = 0; index < value.length; index++) {
    const name: unknown = value[index];
    if (typeof name !== 'string') throw badRequest(`${path}[${index}] must be a feature name, got ${describeJson(name)}`, { field: path, expected: 'string', got: describeJson(name) });
  }
  return value as string[];
}

function splitRows(value: unknown, guard: FieldGuard): RawRow[] {
  if (!isJsonObject(value)) throw badRequest(`dataframe_split must be an object with columns and data, got ${describeJson(value)}`, { field: 'dataframe_split', expected: 'object', got: describeJson(value) });
  const columns = columnNames(value.columns, 'dataframe_split.columns');
  checkUniqueNames(columns, 'dataframe_split.columns');
  guard.checkNames(columns);
  const data = nonEmptyArray(value.data, 'dataframe_split.data', 'rows');
  const rows = new Array<RawRow>(data.length);
  for (let row = 0; row < data.length; row++) {
    const cells: unknown = data[row];
    if (!Array.isArray(cells) || cells.length !== columns.length) {
      const got = Array.isArray(cells) ? `${cells.length} values` : describeJson(cells);
      throw badRequest(`dataframe_split.data[${row}] must be an array of ${columns.length} values (one per column), got ${got}`, { field: 'dataframe_split.data', row, expected: `array of ${columns.length} values`, got });
    }
    const record: Record<string, unknown> = {};
    for (let column = 0; column < columns.length; column++) setField(record, columns[column] as string, cells[column]);
    rows[row] = record as RawRow;
  }
  return rows;
}

function inputsRows(value: unknown, guard: FieldGuard): RawRow[] {
  if (Array.isArray(value)) return recordRows(value, 'inputs', guard);
  if (!isJsonObject(value)) throw badRequest(`inputs must be an object of feature columns or an array of row objects, got ${describeJson(value)}`, { field: 'inputs', expected: 'object or array', got: describeJson(value) });
  const names = Object.keys(value);
  if (names.length === 0) throw badRequest('inputs has no features', { field: 'inputs', expected: 'at least one feature column', got: 'an empty object' });
  guard.checkNames(names);
  const columns = names.map((name) => nonEmptyArray(value[name], `inputs.${name}`, 'values (one per row)'));
  const rows = (columns[0] as unknown[]).length;
  columns.forEach((column, index) => {
    if (column.length !== rows) throw badRequest(`inputs.${names[index]} has ${column.length} values but inputs.${names[0]} has ${rows}: every column needs one value per row`, { field: names[index], expected: `${rows} values`, got: `${column.length} values` });
  });
  return rowsFromColumns(names, columns, rows, 'inputs');
}

/** Raw rows from a parsed /invocations body, or a 400 that names the key at fault. */
export function parseMlflowRows(body: unknown, guard: FieldGuard): RawRow[] {
  if (!isJsonObject(body)) throw badRequest(`the body must be a JSON object with one of ${SHAPE_LIST}, got ${describeJson(body)}`, { expected: 'object', got: describeJson(body) });
  let shape: Shape | null = null;
  for (const key in body) {
    if (!isShape(key)) throw badRequest(`unknown key "${key}": the body takes exactly one of ${SHAPE_LIST}`, { field: key, expected: SHAPE_LIST, got: key });
    if (shape !== null) throw badRequest(`the body has both ${shape} and ${key}: send exactly one of ${SHAPE_LIST}`, { field: key, expected: `one of ${SHAPE_LIST}`, got: `${shape} and ${key}` });
    shape = key;
  }
  switch (shape) {
    case null:
      throw badRequest(`the body is an empty object: send one of ${SHAPE_LIST}`, { expected: SHAPE_LIST, got: 'an empty object' });
    case 'dataframe_split':
      return splitRows(body.dataframe_split, guard);
    case 'dataframe_records':
      return recordRows(body.dataframe_records, 'dataframe_records', guard);
    case 'instances':
      return recordRows(body.instances, 'instances', guard);
    case 'inputs':
      return inputsRows(body.inputs, guard);
  }
}
