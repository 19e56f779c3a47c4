import { describe, expect, it } from 'vitest';
import { PreprocessError } from './errors';
import { parsePipeline } from './parse';
import { fitPipeline } from './pipeline';

const fitted = fitPipeline(
  [
    { mass: 3000, island: 'Biscoe', sex: 'F' },
    { mass: 5000, island: 'Dream', sex: null },
  ],
  { standardize: ['mass'], oneHot: ['island', 'sex'], fillNull: { sex: 'mode' }, drop: ['id'] },
);

type Key = string | number;
const DELETE = Symbol('delete');

/** A deep copy of the valid document with the value at `keys` replaced (or deleted). */
function edited(keys: readonly Key[], value: unknown): unknown {
  const document: unknown = JSON.parse(JSON.stringify(fitted));
  const parent = keys.slice(0, -1).reduce<unknown>((node, key) => (node as Record<Key, unknown>)[key], document) as Record<Key, unknown>;
  const last = keys[keys.length - 1] as Key;
  if (value === DELETE) delete parent[last];
  else parent[last] = value;
  return document;
}

describe('parsePipeline', () => {
  it('accepts a fitted pipeline, as an object or as JSON text', () => {
    expect(parsePipeline(JSON.parse(JSON.stringify(fitted)))).toEqual(fitted);
    expect(parsePipeline(JSON.stringify(fitted))).toEqual(fitted);
  });

  it('keeps only the fields it knows', () => {
    expect(parsePipeline(edited(['note'], 'hello'))).toEqual(fitted);
  });

  it('rejects a document that is not an object', () => {
    expect(() => parsePipeline([1, 2])).toThrow('Bad preprocessing pipeline: the document: expected an object, got an array');
  });

  it.each<[string, readonly Key[], unknown, string, RegExp]>([
    ['the wrong format', ['format'], 'onnx', 'format', /expected "kiln-preprocess", got string "onnx"/],
    ['a newer version', ['version'], 2, 'version', /version 2 was written by a newer Kiln/],
    ['no steps', ['steps'], [], 'steps', /at least one step/],
    ['an unknown step kind', ['steps', 0, 'kind'], 'log', 'steps[0].kind', /expected "standardize" or "minMax" or "passthrough" or "oneHot"/],
    ['a mean that is not a number', ['steps', 0, 'mean'], '4', 'steps[0].mean', /expected a finite number, got string "4"/],
    ['a null mean', ['steps', 0, 'mean'], null, 'steps[0].mean', /expected a finite number, got null/],
    ['a negative std', ['steps', 0, 'std'], -1, 'steps[0].std', /at least 0/],
    ['a missing fill', ['steps', 0, 'fill'], DELETE, 'steps[0].fill', /expected an object, got nothing/],
    ['a fill of the wrong origin', ['steps', 2, 'fill', 'from'], 'mean', 'steps[2].fill.from', /expected "constant" or "mode"/],
    ['a repeated category', ['steps', 1, 'categories'], ['Biscoe', 'Biscoe'], 'steps[1].categories[1]', /appears twice/],
    ['a feature with two steps', ['steps', 1, 'feature'], 'mass', 'steps[1].feature', /already has a step/],
    ['inputs that do not match the steps', ['inputs'], fitted.inputs.slice(0, 2), 'inputs', /expected 3 inputs \(one per step\), got 2/],
    ['an input named differently from its step', ['inputs', 1, 'name'], 'Island', 'inputs[1].name', /expected "island"/],
    ['an input of the wrong dtype', ['inputs', 0, 'dtype'], 'category', 'inputs[0].dtype', /expected "number"/],
    ['nullable that contradicts the fill rule', ['inputs', 2, 'nullable'], false, 'inputs[2].nullable', /has a fill rule/],
    ['a reversed range', ['inputs', 0, 'range'], { min: 5, max: 1 }, 'inputs[0].range.max', /expected at least min \(5\)/],
    ['input categories unlike the step', ['inputs', 1, 'categories'], ['Biscoe', 'Torgersen'], 'inputs[1].categories[1]', /expected "Dream"/],
    ['an output the steps do not produce', ['outputs', 2], 'island=Torgersen', 'outputs[2]', /expected "island=Dream" \(from the steps\)/],
    ['too few outputs', ['outputs'], fitted.outputs.slice(0, 3), 'outputs', /expected 4 names/],
    ['a dropped column that is an input', ['dropped'], ['id', 'mass'], 'dropped[1]', /also an input feature/],
  ])('rejects %s, naming the path', (_, keys, value, path, problem) => {
    let error: unknown;
    try {
      parsePipeline(edited(keys, value));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PreprocessError);
    expect(error).toMatchObject({ code: 'bad-pipeline', path });
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message.startsWith(`Bad preprocessing pipeline: ${path}: `)).toBe(true);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parsePipeline('{"format":')).toThrow(/Bad preprocessing pipeline: the document: not valid JSON/);
  });
});
