import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { plot } from './plot';
import type { TableSource } from './plot';

// Loaded through Node's require: see display.test.ts for why `import 'danfojs'` fails under Vite.
const dfd = createRequire(import.meta.url)('danfojs') as typeof import('danfojs');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('plot(traces, layout)', () => {
  it('wraps traces and layout as a plotly bundle', () => {
    expect(plot([{ x: [1, 2], y: [3, 4] }], { title: 'T' })).toEqual({
      kind: 'plotly',
      data: [{ x: [1, 2], y: [3, 4] }],
      layout: { title: 'T' },
    });
  });

  it('accepts one trace and keeps the figure JSON-serialisable', () => {
    const figure = plot({ x: new Float64Array([1, 2]), y: [NaN, 1] });
    expect(figure).toEqual({ kind: 'plotly', data: [{ x: [1, 2], y: [null, 1] }], layout: {} });
    expect(JSON.parse(JSON.stringify(figure))).toEqual(figure);
  });

  it('rejects a trace that is not an object', () => {
    expect(() => plot([{ x: [1] }, 3 as unknown as Record<string, unknown>])).toThrow(/trace 1 must be an object/);
  });
});

describe('plot shortcuts on a DataFrame', () => {
  const frame = (): TableSource =>
    new dfd.DataFrame({ day: [1, 2, 3], a: [10, 20, 30], b: [1, NaN, 3], city: ['Oslo', 'Rome', 'Oslo'] });

  it('line: one trace per y column, NaN as a gap', () => {
    expect(plot.line(frame(), { x: 'day', y: ['a', 'b'], title: 'Growth' })).toEqual({
      kind: 'plotly',
      data: [
        { type: 'scatter', mode: 'lines', name: 'a', x: [1, 2, 3], y: [10, 20, 30] },
        { type: 'scatter', mode: 'lines', name: 'b', x: [1, 2, 3], y: [1, null, 3] },
      ],
      layout: { title: { text: 'Growth' }, xaxis: { title: { text: 'day' } } },
    });
  });

  it('line: a single y names the y axis', () => {
    expect(plot.line(frame(), { x: 'day', y: 'a' }).layout).toEqual({
      xaxis: { title: { text: 'day' } },
      yaxis: { title: { text: 'a' } },
    });
  });

  it('bar: several y columns are grouped', () => {
    expect(plot.bar(frame(), { x: 'city', y: ['a', 'b'] })).toEqual({
      kind: 'plotly',
      data: [
        { type: 'bar', name: 'a', x: ['Oslo', 'Rome', 'Oslo'], y: [10, 20, 30] },
        { type: 'bar', name: 'b', x: ['Oslo', 'Rome', 'Oslo'], y: [1, null, 3] },
      ],
      layout: { xaxis: { title: { text: 'city' } }, barmode: 'group' },
    });
  });

  it('histogram: counts one column, with a bin count', () => {
    expect(plot.histogram(frame(), { x: 'a', bins: 5 })).toEqual({
      kind: 'plotly',
      data: [{ type: 'histogram', name: 'a', x: [10, 20, 30], nbinsx: 5 }],
      layout: { xaxis: { title: { text: 'a' } }, yaxis: { title: { text: 'count' } } },
    });
  });

  it('histogram: a Series needs no column name', () => {
    const series = new dfd.Series([3, 1, 2]);
    expect(plot.histogram(series).data).toEqual([{ type: 'histogram', name: '0', x: [3, 1, 2] }]);
  });

  it('names the available columns when one is misspelt', () => {
    expect(() => plot.line(frame(), { x: 'day', y: 'sales' })).toThrow(
      'plot.line: no column "sales" (option y). Available columns: day, a, b, city',
    );
    expect(() => plot.scatter(frame(), { x: 'Day', y: 'a' })).toThrow(/no column "Day" \(option x\)\. Available columns: day, a, b, city/);
    expect(() => plot.histogram(frame())).toThrow(/say which column.*Available columns: day, a, b, city/);
  });

  it('rejects a bin count that is not a positive whole number', () => {
    expect(() => plot.histogram(frame(), { x: 'a', bins: 0 })).toThrow(/bins must be a positive whole number/);
    expect(() => plot.histogram(frame(), { x: 'a', bins: 2.5 })).toThrow(/bins/);
  });
});

describe('plot shortcuts on records', () => {
  const flowers = [
    { petal: 1.4, sepal: 5.1, species: 'setosa' },
    { petal: 4.7, sepal: 7.0, species: 'versicolor' },
    { petal: 1.3, sepal: 4.9, species: 'setosa' },
  ];

  it('scatter: color makes one trace per category, in order of appearance', () => {
    expect(plot.scatter(flowers, { x: 'petal', y: 'sepal', color: 'species' })).toEqual({
      kind: 'plotly',
      data: [
        { type: 'scatter', mode: 'markers', name: 'setosa', x: [1.4, 1.3], y: [5.1, 4.9] },
        { type: 'scatter', mode: 'markers', name: 'versicolor', x: [4.7], y: [7.0] },
      ],
      layout: {
        xaxis: { title: { text: 'petal' } },
        yaxis: { title: { text: 'sepal' } },
        legend: { title: { text: 'species' } },
      },
    });
  });

  it('scatter without color is a single trace', () => {
    expect(plot.scatter(flowers, { x: 'petal', y: 'sepal' }).data).toEqual([
      { type: 'scatter', mode: 'markers', name: 'sepal', x: [1.4, 4.7, 1.3], y: [5.1, 7.0, 4.9] },
    ]);
  });

  it('fills keys a record lacks with null and lists every key seen', () => {
    const records = [{ t: 1, v: 2 }, { t: 2 }, { t: 3, v: 4, extra: true }];
    expect(plot.line(records, { x: 't', y: 'v' }).data).toEqual([
      { type: 'scatter', mode: 'lines', name: 'v', x: [1, 2, 3], y: [2, null, 4] },
    ]);
    expect(() => plot.bar(records, { x: 't', y: 'w' })).toThrow('Available columns: t, v, extra');
  });

  it('rejects a source that is not a table', () => {
    expect(() => plot.line('sales.csv' as unknown as TableSource, { x: 'a', y: 'b' })).toThrow(
      /expected a danfo DataFrame or Series, or an array of records; got string sales\.csv/,
    );
  });
});
