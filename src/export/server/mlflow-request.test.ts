import { describe, expect, it } from 'vitest';
import type { InputFeature } from '../../preprocess';
import { FieldGuard } from './field-guard';
import { parseMlflowRows } from './mlflow-request';
import { thrownRequestError } from '../testing/thrown-request-error';

const inputs: InputFeature[] = [
  { name: 'size', dtype: 'number', nullable: false },
  { name: 'colour', dtype: 'category', nullable: true, categories: ['red', 'blue'] },
];
const guard = new FieldGuard({ inputs, dropped: ['label'] });
const rows = [
  { size: 1.5, colour: 'red' },
  { size: 2, colour: null },
];

describe('parseMlflowRows reads every MLflow body shape into rows', () => {
  it.each([
    ['dataframe_split', { dataframe_split: { columns: ['size', 'colour'], data: [[1.5, 'red'], [2, null]] } }],
    ['dataframe_split with an index', { dataframe_split: { index: [7, 8], columns: ['size', 'colour'], data: [[1.5, 'red'], [2, null]] } }],
    ['dataframe_records', { dataframe_records: rows }],
    ['instances', { instances: rows }],
    ['inputs as columns', { inputs: { size: [1.5, 2], colour: ['red', null] } }],
    ['inputs as records', { inputs: rows }],
  ])('%s', (_shape, body) => {
    expect(parseMlflowRows(body, guard)).toEqual(rows);
  });

  it('accepts a column the pipeline drops', () => {
    expect(parseMlflowRows({ dataframe_records: [{ size: 1, colour: 'red', label: 'x' }] }, guard)).toEqual([{ size: 1, colour: 'red', label: 'x' }]);
  });

  it('keeps a field named __proto__ as data, not as the row prototype', () => {
    const unusual = new FieldGuard({ inputs: [{ name: '__proto__', dtype: 'number', nullable: false }], dropped: [] });
    const [row] = parseMlflowRows({ dataframe_split: { columns: ['__proto__'], data: [[3]] } }, unusual);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(3);
  });
});

describe('parseMlflowRows refuses bad bodies, naming the field', () => {
  it.each<[string, unknown, Partial<{ field: string; row: number; expected: string; got: string }>, string]>([
    ['a JSON array', [1, 2], { expected: 'object', got: 'an array' }, 'must be a JSON object'],
    ['an empty object', {}, { got: 'an empty object' }, 'send one of dataframe_split'],
    ['an unknown key', { data: [] }, { field: 'data' }, 'unknown key "data"'],
    ['two shapes at once', { instances: rows, inputs: rows }, { field: 'inputs', got: 'instances and inputs' }, 'send exactly one'],
    ['dataframe_split that is not an object', { dataframe_split: [] }, { field: 'dataframe_split', expected: 'object' }, 'must be an object'],
    ['dataframe_split without columns', { dataframe_split: { data: [[1, 'red']] } }, { field: 'dataframe_split.columns', got: 'nothing' }, 'array of feature names'],
    ['a column name that is not a string', { dataframe_split: { columns: ['size', 3], data: [[1, 2]] } }, { field: 'dataframe_split.columns', got: 'number 3' }, 'columns[1]'],
    ['a column named twice', { dataframe_split: { columns: ['size', 'size'], data: [[1, 2]] } }, { field: 'size' }, 'names "size" twice'],
    ['an unknown column', { dataframe_split: { columns: ['size', 'weight'], data: [[1, 2]] } }, { field: 'weight' }, 'unknown feature "weight"; the model takes size, colour'],
    ['empty data', { dataframe_split: { columns: ['size'], data: [] } }, { field: 'dataframe_split.data', got: 'an empty array' }, 'send at least one row'],
    ['a ragged row', { dataframe_split: { columns: ['size', 'colour'], data: [[1, 'red'], [2]] } }, { field: 'dataframe_split.data', row: 1, got: '1 values' }, 'data[1] must be an array of 2 values'],
    ['records that are not an array', { dataframe_records: { size: 1 } }, { field: 'dataframe_records', expected: 'array' }, 'must be an array'],
    ['empty records', { dataframe_records: [] }, { field: 'dataframe_records', got: 'an empty array' }, 'is empty'],
    ['a record that is not an object', { dataframe_records: [rows[0], 'x'] }, { row: 1, got: 'string "x"' }, 'dataframe_records[1] must be an object'],
    ['an unknown field in a record', { instances: [rows[0], { size: 1, weight: 2 }] }, { field: 'weight', row: 1 }, 'row 1: unknown feature "weight"'],
    ['columns of different lengths', { inputs: { size: [1, 2], colour: ['red'] } }, { field: 'colour', got: '1 values' }, 'one value per row'],
    ['a column that is not an array', { inputs: { size: 1 } }, { field: 'inputs.size', expected: 'array' }, 'inputs.size must be an array'],
    ['inputs that is a number', { inputs: 3 }, { field: 'inputs', got: 'number 3' }, 'object of feature columns'],
  ])('%s', (_case, body, detail, message) => {
    const error = thrownRequestError(() => parseMlflowRows(body, guard));
    expect(error.status).toBe(400);
    expect(error.detail).toMatchObject(detail);
    expect(error.message).toContain(message);
  });
});
