/**
 * Open Inference Protocol (KServe V2) infer requests for tabular models: one input tensor per raw
 * feature, named after it, of shape [rows] or [rows, 1]; BYTES for categories, numbers for numeric
 * features. Read here into raw rows; whether values suit their features is the pipeline's call.
 */
import type { InputFeature, RawRow } from '../../preprocess';
import type { FieldGuard } from './field-guard';
import { badRequest, describeJson, isJsonObject } from './request-error';
import { rowsFromColumns } from './rows';

export type V2InferRequest = { id: string | undefined; rows: RawRow[] };

type ElementCheck = { accepts: (value: unknown) => boolean; describes: string };

const isNumber = (value: unknown) => typeof value === 'number';
const isInteger = (value: unknown) => Number.isInteger(value);
const isUnsigned = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

const ELEMENTS: Readonly<Record<string, ElementCheck>> = {
  FP16: { accepts: isNumber, describes: 'a number' },
  FP32: { accepts: isNumber, describes: 'a number' },
  FP64: { accepts: isNumber, describes: 'a number' },
  INT8: { accepts: isInteger, describes: 'an integer' },
  INT16: { accepts: isInteger, describes: 'an integer' },
  INT32: { accepts: isInteger, describes: 'an integer' },
  INT64: { accepts: isInteger, describes: 'an integer' },
  UINT8: { accepts: isUnsigned, describes: 'a non-negative integer' },
  UINT16: { accepts: isUnsigned, describes: 'a non-negative integer' },
  UINT32: { accepts: isUnsigned, describes: 'a non-negative integer' },
  UINT64: { accepts: isUnsigned, describes: 'a non-negative integer' },
  BOOL: { accepts: (value) => typeof value === 'boolean', describes: 'a boolean' },
  BYTES: { accepts: (value) => typeof value === 'string', describes: 'a string' },
};

/** Categories may arrive as codes (INT) or flags (BOOL) as well as strings; numbers never as BYTES. */
const DATATYPES_FOR: Readonly<Record<InputFeature['dtype'], readonly string[]>> = {
  number: ['FP32', 'FP64', 'FP16', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'BOOL'],
  category: ['BYTES', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'BOOL'],
};

function datatypeList(dtype: InputFeature['dtype']): string {
  return dtype === 'number' ? 'FP32, FP64 or an INT type' : 'BYTES (or an INT type for coded categories)';
}

/** The tensor's values as a flat array: data may be flat, or nested one level for shape [rows, 1]. */
function flatData(data: unknown, path: string, field: string): unknown[] {
  if (!Array.isArray(data)) throw badRequest(`${path}.data must be an array, got ${describeJson(data)}`, { field, expected: 'array', got: describeJson(data) });
  if (data.length === 0 || !Array.isArray(data[0])) return data;
  return data.map((inner: unknown, index) => {
    if (!Array.isArray(inner) || inner.length !== 1) throw badRequest(`${path}.data[${index}] must hold one value per row, got ${Array.isArray(inner) ? `${inner.length} values` : describeJson(inner)}`, { field, row: index, expected: 'one value per row' });
    return inner[0] as unknown;
  });
}

function rowCountOf(shape: unknown, path: string, field: string): number {
  const isShape = Array.isArray(shape) && shape.every((size) => Number.isInteger(size) && size >= 0);
  if (!isShape || (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1))) {
    throw badRequest(`${path}.shape must be [rows] or [rows, 1] (one value per row), got ${JSON.stringify(shape) ?? 'nothing'}`, { field, expected: '[rows] or [rows, 1]', got: JSON.stringify(shape) ?? 'nothing' });
  }
  return shape[0] as number;
}

function readTensor(entry: unknown, index: number, features: ReadonlyMap<string, InputFeature>, guard: FieldGuard): { name: string; values: unknown[] } {
  const path = `inputs[${index}]`;
  if (!isJsonObject(entry)) throw badRequest(`${path} must be a tensor object {name, shape, datatype, data}, got ${describeJson(entry)}`, { expected: 'object', got: describeJson(entry) });
  const name = entry.name;
  if (typeof name !== 'string') throw badRequest(`${path}.name must be a feature name, got ${describeJson(name)}`, { expected: 'string', got: describeJson(name) });
  guard.checkNames([name]);
  // Dropped columns (an id, the label) are accepted in any datatype and never read.
  const dtype = features.get(name)?.dtype;
  const datatype = entry.datatype;
  const element = typeof datatype === 'string' && (dtype === undefined || DATATYPES_FOR[dtype].includes(datatype)) ? ELEMENTS[datatype] : undefined;
  if (!element) {
    const expected = dtype === undefined ? Object.keys(ELEMENTS).join(', ') : datatypeList(dtype);
    throw badRequest(`${path} ("${name}"): datatype ${describeJson(datatype)} does not suit a ${dtype ?? 'dropped'} feature; use ${expected}`, { field: name, expected, got: describeJson(datatype) });
  }
  const rows = rowCountOf(entry.shape, path, name);
  const values = flatData(entry.data, path, name);
  if (values.length !== rows) throw badRequest(`${path} ("${name}"): shape says ${rows} rows but data has ${values.length} values`, { field: name, expected: `${rows} values`, got: `${values.length} values` });
  for (let row = 0; row < values.length; row++) {
    const value = values[row];
    // null passes: the pipeline decides whether the feature may be missing.
    if (value !== null && !element.accepts(value)) {
      throw badRequest(`${path}.data[${row}] ("${name}"): expected ${datatype as string} (${element.describes}), got ${describeJson(value)}`, { field: name, row, expected: `${datatype as string} (${element.describes})`, got: describeJson(value) });
    }
  }
  return { name, values };
}

/** Raw rows from a parsed V2 infer body, or a 400 that names the tensor and the feature at fault. */
export function parseV2Request(body: unknown, features: ReadonlyMap<string, InputFeature>, guard: FieldGuard, outputName: string): V2InferRequest {
  if (!isJsonObject(body)) throw badRequest(`the body must be a JSON object with inputs, got ${describeJson(body)}`, { expected: 'object', got: describeJson(body) });
  const id = body.id;
  if (id !== undefined && typeof id !== 'string') throw badRequest(`id must be a string, got ${describeJson(id)}`, { field: 'id', expected: 'string', got: describeJson(id) });
  const requestedOutputs = body.outputs;
  if (requestedOutputs !== undefined) {
    const asksForOurs = Array.isArray(requestedOutputs) && requestedOutputs.length > 0 && requestedOutputs.every((output: unknown) => isJsonObject(output) && output.name === outputName);
    if (!asksForOurs) throw badRequest(`outputs may only ask for "${outputName}", got ${JSON.stringify(requestedOutputs)}`, { field: 'outputs', expected: `[{"name": "${outputName}"}]`, got: JSON.stringify(requestedOutputs) });
  }
  const inputs = body.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw badRequest(`inputs must be a non-empty array of tensors, one per feature, got ${describeJson(inputs)}`, { field: 'inputs', expected: 'array of tensors', got: describeJson(inputs) });
  }
  const tensors = inputs.map((entry: unknown, index) => readTensor(entry, index, features, guard));
  const first = tensors[0]!;
  const rowCount = first.values.length;
  if (rowCount === 0) throw badRequest(`inputs[0] ("${first.name}") has no rows: send at least one`, { field: first.name, expected: 'at least one row', got: 'shape [0]' });
  tensors.forEach((tensor, index) => {
    if (tensor.values.length !== rowCount) throw badRequest(`inputs[${index}] ("${tensor.name}") has ${tensor.values.length} rows but inputs[0] has ${rowCount}: every tensor needs one value per row`, { field: tensor.name, expected: `${rowCount} rows`, got: `${tensor.values.length} rows` });
  });
  const rows = rowsFromColumns(
    tensors.map((tensor) => tensor.name),
    tensors.map((tensor) => tensor.values),
    rowCount,
    'inputs',
  );
  return { id, rows };
}
