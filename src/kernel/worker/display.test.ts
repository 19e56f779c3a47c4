import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DisplayBundle } from '../../core/outputs';
import { DISPLAY_JSON_LIMITS, html, image, md, toDisplayBundle, toJsonSafe } from './display';

/*
 * danfo is loaded with Node's require instead of `import 'danfojs'`: the `danfojs` alias in
 * vite.config.ts points at a path danfo's package.json "exports" does not list, so Vite refuses
 * to resolve it. Node's "node" export condition maps 'danfojs' to the very same CommonJS build
 * (dist/danfojs-browser/src/index.js), whose require('@tensorflow/tfjs') is the module imported above.
 */
const dfd = createRequire(import.meta.url)('danfojs') as typeof import('danfojs');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Narrows a bundle to one kind, failing the test with what it was instead. */
function expectKind<K extends DisplayBundle['kind']>(bundle: DisplayBundle, kind: K): Extract<DisplayBundle, { kind: K }> {
  expect(bundle.kind).toBe(kind);
  return bundle as Extract<DisplayBundle, { kind: K }>;
}

describe('danfo and tfjs', () => {
  it('share one tfjs engine', () => {
    const frame = new dfd.DataFrame({ a: [1, 2], b: [3, 4] });
    const before = tf.memory().numTensors;
    const tensor = frame.tensor;
    expect(tensor).toBeInstanceOf(tf.Tensor);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(tensor.arraySync()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('toDisplayBundle: danfo', () => {
  it('shows a DataFrame with its dtypes, index, shape and marked missing values', async () => {
    const frame = new dfd.DataFrame({ name: ['ada', 'bob', null], score: [1.5, NaN, 3] });
    const bundle = await toDisplayBundle(frame);
    expect(bundle).toEqual({
      kind: 'table',
      columns: [
        { name: 'name', dtype: 'string' },
        { name: 'score', dtype: 'float32' },
      ],
      index: [0, 1, 2],
      rows: [
        ['ada', 1.5],
        ['bob', { $special: 'NaN' }],
        [{ $special: 'null' }, 3],
      ],
      shape: [3, 2],
      isSeries: false,
    });
    // What the main thread and the store receive must survive JSON unchanged.
    expect(JSON.parse(JSON.stringify(bundle))).toEqual(bundle);
  });

  it('sends only the first 1000 rows but the whole shape', async () => {
    const frame = new dfd.DataFrame({ n: Array.from({ length: 1500 }, (_, i) => i) });
    const table = expectKind(await toDisplayBundle(frame), 'table');
    expect(table.rows).toHaveLength(1000);
    expect(table.index).toHaveLength(1000);
    expect(table.rows[999]).toEqual([999]);
    expect(table.shape).toEqual([1500, 1]);
  });

  it('keeps string index labels', async () => {
    const frame = new dfd.DataFrame({ v: [1, 2] }, { index: ['x', 'y'] });
    expect(expectKind(await toDisplayBundle(frame), 'table').index).toEqual(['x', 'y']);
  });

  it('shows a Series as a one-column table', async () => {
    const series = new dfd.Series([1, 2, undefined]);
    expect(await toDisplayBundle(series)).toEqual({
      kind: 'table',
      columns: [{ name: '0', dtype: 'float32' }],
      index: [0, 1, 2],
      rows: [[1], [2], [{ $special: 'undefined' }]],
      shape: [3, 1],
      isSeries: true,
    });
  });
});

describe('toDisplayBundle: tensors', () => {
  const preview = async (tensor: tf.Tensor): Promise<string> => expectKind(await toDisplayBundle(tensor), 'tensor').preview;

  it('writes a float 2x3 tensor like numpy', async () => {
    const tensor = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await toDisplayBundle(tensor)).toEqual({
      kind: 'tensor',
      shape: [2, 3],
      dtype: 'float32',
      size: 6,
      preview: '[[1., 2., 3.],\n [4., 5., 6.]]',
    });
    tensor.dispose();
  });

  const cases: readonly { name: string; make: () => tf.Tensor; text: string }[] = [
    { name: 'int32 matrix', make: () => tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), text: '[[1, 2, 3],\n [4, 5, 6]]' },
    { name: 'shared decimals, right-aligned', make: () => tf.tensor1d([1.5, -2, 3.25]), text: '[ 1.50, -2.00,  3.25]' },
    { name: 'NaN and infinity', make: () => tf.tensor1d([NaN, Infinity, 0.5]), text: '[nan, inf, 0.5]' },
    { name: 'tiny values in scientific notation', make: () => tf.tensor1d([1e-5, 1]), text: '[1e-5, 1e+0]' },
    { name: 'scalar', make: () => tf.scalar(7, 'int32'), text: '7' },
    { name: 'booleans', make: () => tf.tensor1d([true, false], 'bool'), text: '[ true, false]' },
    { name: 'strings', make: () => tf.tensor1d(['a', 'b c']), text: '["a", "b c"]' },
    { name: 'empty', make: () => tf.tensor1d([]), text: '[]' },
    {
      name: 'rank 3 with a blank line between blocks',
      make: () => tf.tensor3d([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2], 'int32'),
      text: '[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]',
    },
    {
      name: 'long vector summarised',
      make: () => tf.range(0, 2000, 1, 'int32'),
      text: '[   0,    1,    2, ..., 1997, 1998, 1999]',
    },
    {
      name: 'long string vector summarised',
      make: () => tf.tensor1d(Array.from({ length: 1001 }, (_, i) => `s${i}`)),
      text: '["s0", "s1", "s2", ..., "s998", "s999", "s1000"]',
    },
  ];

  it.each(cases)('$name', async ({ make, text }) => {
    const tensor = make();
    expect(await preview(tensor)).toBe(text);
    tensor.dispose();
  });

  it('summarises a 100x100 tensor to the first and last 3 of each axis, without leaking or disposing', async () => {
    const tensor = tf.range(0, 10000, 1, 'int32').reshape([100, 100]);
    const before = tf.memory().numTensors;
    const bundle = await toDisplayBundle(tensor);
    expect(bundle).toEqual({
      kind: 'tensor',
      shape: [100, 100],
      dtype: 'int32',
      size: 10000,
      preview: [
        '[[   0,    1,    2, ...,   97,   98,   99],',
        ' [ 100,  101,  102, ...,  197,  198,  199],',
        ' [ 200,  201,  202, ...,  297,  298,  299],',
        ' ...,',
        ' [9700, 9701, 9702, ..., 9797, 9798, 9799],',
        ' [9800, 9801, 9802, ..., 9897, 9898, 9899],',
        ' [9900, 9901, 9902, ..., 9997, 9998, 9999]]',
      ].join('\n'),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tensor.isDisposed).toBe(false);
    tensor.dispose();
  });

  it('summarises only the long axes of a large tensor', async () => {
    const tensor = tf.range(0, 2004, 1, 'int32').reshape([2, 1002]);
    expect(await preview(tensor)).toBe('[[   0,    1,    2, ...,  999, 1000, 1001],\n [1002, 1003, 1004, ..., 2001, 2002, 2003]]');
    tensor.dispose();
  });

  it('does not read a disposed tensor', async () => {
    const tensor = tf.tensor1d([1, 2]);
    tensor.dispose();
    expect(await preview(tensor)).toBe('<disposed tensor>');
  });
});

describe('toDisplayBundle: models', () => {
  it('summarises a Sequential model with hand-counted parameters', async () => {
    const model = tf.sequential({
      name: 'tiny',
      layers: [
        tf.layers.dense({ units: 8, inputShape: [4], name: 'hidden' }), // 4*8 weights + 8 biases = 40
        tf.layers.batchNormalization({ name: 'norm' }), // gamma, beta (trainable) + moving mean, variance: 4*8 = 32
        tf.layers.dense({ units: 3, name: 'out' }), // 8*3 + 3 = 27
      ],
    });
    expect(await toDisplayBundle(model)).toEqual({
      kind: 'model',
      name: 'tiny',
      layers: [
        { name: 'hidden', type: 'Dense', outputShape: '[null,8]', params: 40 },
        { name: 'norm', type: 'BatchNormalization', outputShape: '[null,8]', params: 32 },
        { name: 'out', type: 'Dense', outputShape: '[null,3]', params: 27 },
      ],
      totalParams: 99,
      trainableParams: 83, // 99 minus the 16 moving statistics
    });
    model.dispose();
  });

  it('summarises a functional model, input layer included', async () => {
    const input = tf.input({ shape: [4], name: 'features' });
    const output = tf.layers.dense({ units: 2, name: 'score' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output, name: 'functional' });
    const summary = expectKind(await toDisplayBundle(model), 'model');
    expect(summary.layers).toEqual([
      { name: 'features', type: 'InputLayer', outputShape: '[null,4]', params: 0 },
      { name: 'score', type: 'Dense', outputShape: '[null,2]', params: 10 },
    ]);
    expect(summary.totalParams).toBe(10);
    model.dispose();
  });
});

describe('toDisplayBundle: images', () => {
  /** Reads a PNG back: its size from IHDR and its RGBA pixels from the inflated IDAT (filter bytes removed). */
  function decodePng(base64: string): { width: number; height: number; pixels: number[] } {
    const bytes = Buffer.from(base64, 'base64');
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const idatLength = bytes.readUInt32BE(33);
    expect(bytes.subarray(37, 41).toString('latin1')).toBe('IDAT');
    const raw = inflateSync(bytes.subarray(41, 41 + idatLength));
    const pixels: number[] = [];
    for (let y = 0; y < height; y += 1) {
      expect(raw[y * (width * 4 + 1)]).toBe(0);
      pixels.push(...raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)));
    }
    return { width, height, pixels };
  }

  it('encodes an int32 RGB tensor marked with image() as PNG, leaving the tensor alone', async () => {
    const tensor = tf.tensor3d([[[255, 0, 0], [0, 128, 255]]], [1, 2, 3], 'int32');
    const shown = expectKind(await toDisplayBundle(image(tensor)), 'image');
    expect({ mime: shown.mime, width: shown.width, height: shown.height }).toEqual({ mime: 'image/png', width: 2, height: 1 });
    expect(decodePng(shown.base64)).toEqual({ width: 2, height: 1, pixels: [255, 0, 0, 255, 0, 128, 255, 255] });
    expect(tensor.isDisposed).toBe(false);
    tensor.dispose();
  });

  it('reads a grayscale float tensor (0..1) as soon as image() is called', async () => {
    const tensor = tf.tensor2d([[0, 1], [0.5, 1]]);
    const marked = image(tensor);
    tensor.dispose(); // allowed: the pixels were already read
    const shown = expectKind(await toDisplayBundle(marked), 'image');
    expect(decodePng(shown.base64).pixels).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  });

  it('rejects shapes that are not images when image() is called', () => {
    const vector = tf.tensor1d([1, 2, 3]);
    expect(() => image(vector)).toThrow(/shape \[height, width\] or \[height, width, 1\|3\|4\], got \[3\]/);
    const twoChannels = tf.zeros([2, 2, 2]);
    expect(() => image(twoChannels)).toThrow(/got \[2, 2, 2\]/);
    expect(() => image('cat.png' as unknown as tf.Tensor)).toThrow(TypeError);
    tf.dispose([vector, twoChannels]);
  });

  it('reports out-of-range float pixels when displayed', async () => {
    const tensor = tf.tensor2d([[0, 2]]);
    await expect(toDisplayBundle(image(tensor))).rejects.toThrow(/range \[0 - 1\]/);
    tensor.dispose();
  });

  it('encodes ImageData without a canvas', async () => {
    class FakeImageData {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    }
    vi.stubGlobal('ImageData', FakeImageData);
    const pixels = new Uint8ClampedArray([1, 2, 3, 4]);
    const shown = expectKind(await toDisplayBundle(new FakeImageData(pixels, 1, 1)), 'image');
    expect(decodePng(shown.base64)).toEqual({ width: 1, height: 1, pixels: [1, 2, 3, 4] });
  });
});

describe('toDisplayBundle: text', () => {
  class Animal {}
  class Dog extends Animal {}
  function named(): void {}
  async function fetchLater(): Promise<void> {}
  const anonymous = [(): number => 1][0];

  const cases: readonly { name: string; value: unknown; text: string }[] = [
    { name: 'string, unquoted', value: 'hello', text: 'hello' },
    { name: 'number', value: 42.5, text: '42.5' },
    { name: 'negative zero', value: -0, text: '-0' },
    { name: 'NaN', value: NaN, text: 'NaN' },
    { name: 'bigint', value: 10n, text: '10n' },
    { name: 'boolean', value: true, text: 'true' },
    { name: 'null', value: null, text: 'null' },
    { name: 'undefined', value: undefined, text: 'undefined' },
    { name: 'symbol', value: Symbol('tag'), text: 'Symbol(tag)' },
    { name: 'function', value: named, text: '[Function: named]' },
    { name: 'async function', value: fetchLater, text: '[AsyncFunction: fetchLater]' },
    { name: 'anonymous function', value: anonymous, text: '[Function (anonymous)]' },
    { name: 'class', value: Animal, text: '[class Animal]' },
    { name: 'subclass', value: Dog, text: '[class Dog extends Animal]' },
    { name: 'error', value: new TypeError('bad input'), text: 'TypeError: bad input' },
  ];

  it.each(cases)('$name', async ({ value, text }) => {
    expect(await toDisplayBundle(value)).toEqual({ kind: 'text', text });
  });
});

describe('toDisplayBundle: json', () => {
  it('converts containers and values JSON cannot hold', async () => {
    const value = {
      map: new Map([['a', 1]]),
      numberKeys: new Map([[1, 'one']]),
      set: new Set([1, 2]),
      date: new Date(Date.UTC(2024, 0, 2)),
      floats: new Float32Array([1.5, NaN]),
      specials: [Infinity, -Infinity, undefined, 5n],
      tensor: tf.tensor1d([1, 2]),
      frame: new dfd.DataFrame({ a: [1, 2, 3], b: [4, 5, 6] }),
    };
    expect(await toDisplayBundle(value)).toEqual({
      kind: 'json',
      value: {
        map: { a: 1 },
        numberKeys: [[1, 'one']],
        set: [1, 2],
        date: '2024-01-02T00:00:00.000Z',
        floats: [1.5, 'NaN'],
        specials: ['Infinity', '-Infinity', 'undefined', '5n'],
        tensor: 'Tensor(shape=[2], dtype=float32)',
        frame: 'DataFrame(shape=[3, 2])',
      },
    });
    value.tensor.dispose();
  });

  it('replaces cycles but expands shared objects', () => {
    const shared = { n: 1 };
    const node: Record<string, unknown> = { name: 'root', left: shared, right: shared };
    node['self'] = node;
    expect(toJsonSafe(node)).toEqual({ name: 'root', left: { n: 1 }, right: { n: 1 }, self: '[Circular]' });
  });

  it('limits depth and length', () => {
    expect(toJsonSafe({ a: { b: { c: {} } } }, { ...DISPLAY_JSON_LIMITS, maxDepth: 2 })).toEqual({ a: { b: '[Object]' } });
    const long = toJsonSafe(Array.from({ length: 1005 }, (_, i) => i)) as unknown[];
    expect(long).toHaveLength(1001);
    expect(long[999]).toBe(999);
    expect(long[1000]).toBe('... 5 more items');
  });

  it('survives getters that throw', () => {
    const value = {
      get broken(): never {
        throw new Error('nope');
      },
    };
    expect(toJsonSafe(value)).toEqual({ broken: '[threw Error: nope]' });
  });
});

describe('toDisplayBundle: hooks and markers', () => {
  it('shows md() and html() as markdown and html', async () => {
    expect(await toDisplayBundle(md('# Title'))).toEqual({ kind: 'markdown', markdown: '# Title' });
    expect(await toDisplayBundle(html('<b>x</b>'))).toEqual({ kind: 'html', html: '<b>x</b>' });
  });

  it('uses toDisplay() returning a bundle, a value or a promise', async () => {
    expect(await toDisplayBundle({ toDisplay: () => ({ kind: 'text', text: 'custom' }) })).toEqual({ kind: 'text', text: 'custom' });
    expect(await toDisplayBundle({ toDisplay: () => [1, NaN] })).toEqual({ kind: 'json', value: [1, 'NaN'] });
    expect(await toDisplayBundle({ toDisplay: async () => md('later') })).toEqual({ kind: 'markdown', markdown: 'later' });
  });

  it('refuses a hook that keeps returning hooks', async () => {
    const loop = { toDisplay: (): unknown => loop };
    await expect(toDisplayBundle(loop)).rejects.toThrow(/levels deep/);
  });

  it('passes plotly figures through with typed arrays and NaN made plottable', async () => {
    const figure = { kind: 'plotly', data: [{ x: new Float32Array([1, 2]), y: [NaN, 3] }], layout: { title: 't' } };
    expect(await toDisplayBundle(figure)).toEqual({
      kind: 'plotly',
      data: [{ x: [1, 2], y: [null, 3] }],
      layout: { title: 't' },
    });
  });
});
