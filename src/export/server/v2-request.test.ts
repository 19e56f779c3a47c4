import { describe, expect, it } from 'vitest';
import type { InputFeature } from '../../preprocess';
import { thrownRequestError } from '../testing/thrown-request-error';
import { FieldGuard } from './field-guard';
import { parseV2Request } from './v2-request';

const inputs: InputFeature[] = [
  { name: 'size', dtype: 'number', nullable: false },
  { name: 'colour', dtype: 'category', nullable: true, categories: ['red', 'blue'] },
];
const features = new Map(inputs.map((input) => [input.name, input]));
const guard = new FieldGuard({ inputs, dropped: ['label'] });
const parse = (body: unknown) => parseV2Request(body, features, guard, 'probabilities');

const size = (data: unknown[], datatype = 'FP32', shape: unknown = [data.length]) => ({ name: 'size', shape, datatype, data });
const colour = (data: unknown[], datatype = 'BYTES', shape: unknown = [data.length]) => ({ name: 'colour', shape, datatype, data });

describe('parseV2Request reads one tensor per feature into rows', () => {
  it.each([
    ['flat data of shape [rows]', { inputs: [size([1.5, 2]), colour(['red', null])] }],
    ['nested data of shape [rows, 1]', { inputs: [size([[1.5], [2]], 'FP64', [2, 1]), colour([['red'], [null]], 'BYTES', [2, 1])] }],
    ['other float datatypes', { inputs: [size([1.5, 2], 'FP16'), colour(['red', null])] }],
  ])('%s', (_case, body) => {
    expect(parse(body).rows).toEqual([
      { size: 1.5, colour: 'red' },
      { size: 2, colour: null },
    ]);
  });

  it('echoes the request id and accepts a request for the model output', () => {
    expect(parse({ id: 'abc', inputs: [size([1]), colour(['blue'])], outputs: [{ name: 'probabilities' }] })).toEqual({ id: 'abc', rows: [{ size: 1, colour: 'blue' }] });
  });

  it('takes coded categories as integers and a dropped column in any datatype', () => {
    const body = { inputs: [size([3], 'INT32'), colour([2], 'INT64'), { name: 'label', shape: [1], datatype: 'BYTES', data: ['x'] }] };
    expect(parse(body).rows).toEqual([{ size: 3, colour: 2, label: 'x' }]);
  });
});

describe('parseV2Request refuses bad requests, naming the feature', () => {
  it.each<[string, unknown, Partial<{ field: string; row: number; expected: string; got: string }>, string]>([
    ['a body that is not an object', 'hi', { expected: 'object' }, 'must be a JSON object'],
    ['no inputs', { id: 'x' }, { field: 'inputs', got: 'nothing' }, 'non-empty array of tensors'],
    ['empty inputs', { inputs: [] }, { field: 'inputs', got: 'an array' }, 'non-empty array'],
    ['an id that is not a string', { id: 3, inputs: [size([1])] }, { field: 'id', got: 'number 3' }, 'id must be a string'],
    ['a tensor that is not an object', { inputs: [5] }, { expected: 'object' }, 'inputs[0] must be a tensor object'],
    ['a tensor without a name', { inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }, { expected: 'string' }, 'inputs[0].name'],
    ['an unknown feature', { inputs: [size([1]), { name: 'weight', shape: [1], datatype: 'FP32', data: [1] }] }, { field: 'weight' }, 'unknown feature "weight"; the model takes size, colour'],
    ['BYTES for a number', { inputs: [size(['1'], 'BYTES')] }, { field: 'size', expected: 'FP32, FP64 or an INT type', got: 'string "BYTES"' }, 'does not suit a number feature'],
    ['FP32 for a category', { inputs: [size([1]), colour([0.5], 'FP32')] }, { field: 'colour', got: 'string "FP32"' }, 'does not suit a category feature'],
    ['an unknown datatype', { inputs: [size([1], 'FLOAT')] }, { field: 'size' }, 'datatype string "FLOAT"'],
    ['a shape of two columns', { inputs: [size([1, 2], 'FP32', [1, 2])] }, { field: 'size', expected: '[rows] or [rows, 1]', got: '[1,2]' }, 'shape must be [rows] or [rows, 1]'],
    ['a shape that is missing', { inputs: [{ name: 'size', datatype: 'FP32', data: [1] }] }, { field: 'size', got: 'nothing' }, 'shape must be'],
    ['a shape that disagrees with the data', { inputs: [size([1, 2], 'FP32', [3])] }, { field: 'size', expected: '3 values', got: '2 values' }, 'shape says 3 rows but data has 2 values'],
    ['data that is not an array', { inputs: [{ name: 'size', shape: [1], datatype: 'FP32', data: 1 }] }, { field: 'size', expected: 'array' }, 'inputs[0].data must be an array'],
    ['nested data with two values in a row', { inputs: [size([[1, 2]], 'FP32', [1, 1])] }, { field: 'size', row: 0 }, 'data[0] must hold one value per row'],
    ['a string in FP32 data', { inputs: [size([1, 'two'])] }, { field: 'size', row: 1, got: 'string "two"' }, 'inputs[0].data[1] ("size"): expected FP32 (a number)'],
    ['a fraction in INT32 data', { inputs: [size([1.5], 'INT32')] }, { field: 'size', row: 0, got: 'number 1.5' }, 'expected INT32 (an integer)'],
    ['a negative UINT8', { inputs: [size([-1], 'UINT8')] }, { field: 'size', got: 'number -1' }, 'a non-negative integer'],
    ['a number in BYTES data', { inputs: [size([1]), colour([7])] }, { field: 'colour', row: 0, got: 'number 7' }, 'expected BYTES (a string)'],
    ['tensors of different lengths', { inputs: [size([1, 2]), colour(['red'])] }, { field: 'colour', expected: '2 rows', got: '1 rows' }, 'every tensor needs one value per row'],
    ['zero rows', { inputs: [size([])] }, { field: 'size', got: 'shape [0]' }, 'has no rows'],
    ['a feature sent twice', { inputs: [size([1]), size([2])] }, { field: 'size' }, 'names "size" twice'],
    ['an output the model lacks', { inputs: [size([1])], outputs: [{ name: 'logits' }] }, { field: 'outputs' }, 'outputs may only ask for "probabilities"'],
  ])('%s', (_case, body, detail, message) => {
    const error = thrownRequestError(() => parse(body));
    expect(error.status).toBe(400);
    expect(error.detail).toMatchObject(detail);
    expect(error.message).toContain(message);
  });
});
