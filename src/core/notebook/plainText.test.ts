import { describe, expect, it } from 'vitest';
import type { DisplayBundle } from '../outputs';
import { formatNumber, formatValue, groupThousands } from './formatValue';
import { formatDuration, htmlToText, toPlainText } from './plainText';

describe('toPlainText', () => {
  const cases: { name: string; bundle: DisplayBundle; expected: string }[] = [
    { name: 'text', bundle: { kind: 'text', text: '42' }, expected: '42' },
    { name: 'markdown keeps its source', bundle: { kind: 'markdown', markdown: '# Hi *there*' }, expected: '# Hi *there*' },
    {
      name: 'html loses its tags and decodes entities',
      bundle: { kind: 'html', html: '<h1>Title</h1><p>a &amp; b &lt;3</p><script>alert(1)</script><br/>end&#33;' },
      expected: 'Title\na & b <3\n\nend!',
    },
    { name: 'json is pretty-printed', bundle: { kind: 'json', value: { a: [1, 2] } }, expected: '{\n  "a": [\n    1,\n    2\n  ]\n}' },
    { name: 'json undefined', bundle: { kind: 'json', value: undefined }, expected: 'undefined' },
    {
      name: 'json shows values JSON cannot hold as they are',
      bundle: { kind: 'json', value: { b: [undefined, Number.NEGATIVE_INFINITY, Number.NaN], c: {}, d: [], e: 'x' } },
      expected: '{\n  "b": [\n    undefined,\n    -Infinity,\n    NaN\n  ],\n  "c": {},\n  "d": [],\n  "e": "x"\n}',
    },
    {
      name: 'a data frame prefix, aligned, with its shape',
      bundle: {
        kind: 'table',
        columns: [
          { name: 'name', dtype: 'string' },
          { name: 'score', dtype: 'float32' },
        ],
        index: [0, 1, 2],
        rows: [
          ['alice', 0.5],
          ['bob', Number.NaN],
          ['christina', 12.25],
        ],
        shape: [100, 2],
        isSeries: false,
      },
      expected: [
        '        name  score', //
        '0      alice    0.5',
        '1        bob    NaN',
        '2  christina  12.25',
        '...',
        '[100 rows x 2 columns]',
      ].join('\n'),
    },
    {
      name: 'a whole data frame has no ellipsis',
      bundle: { kind: 'table', columns: [{ name: 'x', dtype: 'int32' }], index: ['r1'], rows: [[1]], shape: [1, 1], isSeries: false },
      expected: '    x\nr1  1\n[1 rows x 1 columns]',
    },
    {
      name: 'a series',
      bundle: { kind: 'table', columns: [{ name: 'price', dtype: 'float64' }], index: [0, 1], rows: [[1.5], [20]], shape: [2, 1], isSeries: true },
      expected: '0  1.5\n1   20\nName: price, Length: 2, dtype: float64',
    },
    {
      name: 'a tensor',
      bundle: { kind: 'tensor', shape: [2, 2], dtype: 'float32', preview: '[[1, 2],\n [3, 4]]', size: 4 },
      expected: 'Tensor shape=[2, 2] dtype=float32 size=4\n[[1, 2],\n [3, 4]]',
    },
    {
      name: 'a plotly figure with a title object',
      bundle: { kind: 'plotly', data: [{ type: 'bar' }, { y: [1] }, { type: 'bar' }], layout: { title: { text: 'Loss' } } },
      expected: '<Plotly figure "Loss" with 3 traces (bar, scatter)>',
    },
    { name: 'an empty plotly figure', bundle: { kind: 'plotly', data: [], layout: {} }, expected: '<Plotly figure with 0 traces>' },
    {
      name: 'an image',
      bundle: { kind: 'image', mime: 'image/png', base64: 'iVBOR', width: 640, height: 480 },
      expected: '<image/png image, 640x480>',
    },
    {
      name: 'a model summary',
      bundle: {
        kind: 'model',
        name: 'mlp',
        layers: [
          { name: 'dense_1', type: 'Dense', outputShape: '[null,64]', params: 50240 },
          { name: 'dense_2', type: 'Dense', outputShape: '[null,10]', params: 650 },
        ],
        totalParams: 50890,
        trainableParams: 50000,
      },
      expected: [
        'Model: "mlp"',
        '_____________________________________',
        'Layer (type)     Output shape  Params',
        '=====================================',
        'dense_1 (Dense)  [null,64]     50,240',
        'dense_2 (Dense)  [null,10]        650',
        '=====================================',
        'Total params: 50,890',
        'Trainable params: 50,000',
        'Non-trainable params: 890',
      ].join('\n'),
    },
    {
      name: 'training progress with the latest metrics',
      bundle: {
        kind: 'progress',
        label: 'fit',
        epoch: 3,
        epochs: 10,
        batch: 40,
        batchesPerEpoch: 100,
        elapsedMs: 12_345,
        history: { loss: [0.9, 0.51234567], acc: [], val_loss: [Number.NaN] },
        state: 'running',
      },
      expected: 'fit: epoch 3/10, batch 40/100, 12.3s, loss=0.512346, val_loss=NaN [running]',
    },
    { name: 'an imported mime bundle shows its text/plain', bundle: { kind: 'mime', data: { 'text/plain': '<Figure>', 'image/png': 'x' } }, expected: '<Figure>' },
    {
      name: 'an imported mime bundle without text lists its types',
      bundle: { kind: 'mime', data: { 'image/png': 'x', 'application/vnd.kiln.output-metadata+json': {} } },
      expected: '<output: image/png>',
    },
  ];
  it.each(cases)('$name', ({ bundle, expected }) => {
    expect(toPlainText(bundle)).toBe(expected);
  });
});

describe('formatting helpers', () => {
  it.each([
    [3, '3'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.333333'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('formatNumber(%s) = %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [-1234567, '-1,234,567'],
  ])('groupThousands(%s) = %s', (value, expected) => {
    expect(groupThousands(value)).toBe(expected);
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'true'],
    ['a\nb', 'a\\nb'],
    [{ a: 1 }, '{"a":1}'],
    ['x'.repeat(60), `${'x'.repeat(49)}…`],
  ])('formatValue(%j)', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });

  it.each([
    [850, '850ms'],
    [12_345, '12.3s'],
    [125_000, '2m 05s'],
    [3_723_000, '1h 02m'],
  ])('formatDuration(%s) = %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('htmlToText turns table cells into tab-separated lines', () => {
    expect(htmlToText('<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>')).toBe('a\tb\n1\t2');
  });
});
