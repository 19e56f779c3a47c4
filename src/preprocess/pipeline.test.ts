import { describe, expect, it } from 'vitest';
import { PreprocessError } from './errors';
import { fitPipeline } from './pipeline';
import { transformRows } from './transform';
import type { PipelineOptions, RawRow } from './types';

/** The matrix as rows of plain numbers, so expectations read as tables. */
function matrix(result: { values: Float32Array; rows: number; columns: number }): number[][] {
  return Array.from({ length: result.rows }, (_, r) => Array.from(result.values.subarray(r * result.columns, (r + 1) * result.columns)));
}

function expectMatrixClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => {
    expect(row.length).toBe(expected[r]?.length);
    row.forEach((value, c) => expect(value, `row ${r}, column ${c}`).toBeCloseTo(expected[r]?.[c] as number, 6));
  });
}

function thrown(action: () => unknown): PreprocessError {
  try {
    action();
  } catch (error) {
    if (error instanceof PreprocessError) return error;
    throw error;
  }
  throw new Error('expected a PreprocessError, nothing was thrown');
}

// age: mean 4, deviations ±3, so population std 3. height: min 10, max 50. island sorts to Biscoe, Dream, Torgersen.
const TABLE: RawRow[] = [
  { age: 1, height: 10, count: 3, island: 'Dream', id: 'a' },
  { age: 7, height: 20, count: -1, island: 'Biscoe', id: 'b' },
  { age: 1, height: 30, count: 0.5, island: 'Torgersen', id: 'c' },
  { age: 7, height: 50, count: 2, island: 'Biscoe', id: 'd' },
];

describe('fitPipeline + transformRows on a table whose statistics are known by arithmetic', () => {
  const options: PipelineOptions = { oneHot: ['island'], passthrough: ['count'], minMax: ['height'], standardize: ['age'], drop: ['id'] };
  const fitted = fitPipeline(TABLE, options);

  it('records the fitted statistics as plain JSON steps', () => {
    expect(fitted.steps).toEqual([
      { kind: 'standardize', feature: 'age', fill: null, mean: 4, std: 3 },
      { kind: 'minMax', feature: 'height', fill: null, min: 10, max: 50 },
      { kind: 'passthrough', feature: 'count', fill: null },
      { kind: 'oneHot', feature: 'island', fill: null, categories: ['Biscoe', 'Dream', 'Torgersen'] },
    ]);
    expect(fitted.dropped).toEqual(['id']);
  });

  it('orders outputs standardize, minMax, passthrough, oneHot, whatever the order of the options', () => {
    expect(fitted.outputs).toEqual(['age', 'height', 'count', 'island=Biscoe', 'island=Dream', 'island=Torgersen']);
  });

  it('describes the signature of the raw inputs', () => {
    expect(fitted.inputs).toEqual([
      { name: 'age', dtype: 'number', nullable: false, range: { min: 1, max: 7 } },
      { name: 'height', dtype: 'number', nullable: false, range: { min: 10, max: 50 } },
      { name: 'count', dtype: 'number', nullable: false, range: { min: -1, max: 3 } },
      { name: 'island', dtype: 'category', nullable: false, categories: ['Biscoe', 'Dream', 'Torgersen'] },
    ]);
  });

  it('transforms to (x - 4) / 3, (h - 10) / 40, the count unchanged and one-hot islands', () => {
    const result = transformRows(fitted, TABLE);
    expect(result.rows).toBe(4);
    expect(result.columns).toBe(6);
    expect(result.values).toBeInstanceOf(Float32Array);
    expectMatrixClose(matrix(result), [
      [-1, 0, 3, 0, 1, 0],
      [1, 0.25, -1, 1, 0, 0],
      [-1, 0.5, 0.5, 0, 0, 1],
      [1, 1, 2, 1, 0, 0],
    ]);
  });

  it('reads unseen rows with the training statistics, without clipping', () => {
    const result = transformRows(fitted, [{ age: 10, height: 90, count: 7, island: 'Dream' }]);
    expectMatrixClose(matrix(result), [[2, 2, 7, 0, 1, 0]]);
  });

  it('transforms identically after a JSON round trip', () => {
    const restored = JSON.parse(JSON.stringify(fitted)) as typeof fitted;
    expect(restored).toEqual(fitted);
    expect(transformRows(restored, TABLE).values).toEqual(transformRows(fitted, TABLE).values);
  });

  it('gives an empty matrix for no rows', () => {
    expect(transformRows(fitted, [])).toEqual({ values: new Float32Array(0), rows: 0, columns: 6 });
  });
});

describe('reading values', () => {
  const fitted = fitPipeline(
    [
      { x: 0, flag: 'yes' },
      { x: 10, flag: 'no' },
    ],
    { minMax: ['x'], oneHot: ['flag'] },
  );
  const xOf = (value: RawRow[string]) => transformRows(fitted, [{ x: value, flag: 'yes' }]).values[0];

  it.each([
    ['a numeric string', '2.5', 0.25],
    ['a numeric string with spaces', ' 5 ', 0.5],
    ['exponent notation', '1e1', 1],
    ['a leading dot', '.5', 0.05],
    ['true as 1', true, 0.1],
    ['false as 0', false, 0],
  ])('accepts %s', (_, value, expected) => {
    expect(xOf(value)).toBeCloseTo(expected, 6);
  });

  it.each([
    ['a word', 'heavy', 'string "heavy"'],
    ['a number with a unit', '3 kg', 'string "3 kg"'],
    ['hexadecimal', '0x10', 'string "0x10"'],
    ['Infinity', Infinity, 'number Infinity'],
    ['the string Infinity', 'Infinity', 'string "Infinity"'],
  ])('rejects %s, naming the row and field', (_, value, got) => {
    const error = thrown(() =>
      transformRows(fitted, [
        { x: 1, flag: 'no' },
        { x: value, flag: 'no' },
      ]),
    );
    expect(error).toMatchObject({ code: 'wrong-type', row: 1, field: 'x' });
    expect(error.message).toBe(`Row 1, field "x": expected a number (or a numeric string such as "3.5"), got ${got}`);
  });

  it('rejects an object where a category belongs', () => {
    const error = thrown(() => transformRows(fitted, [{ x: 1, flag: {} as unknown as string }]));
    expect(error).toMatchObject({ code: 'wrong-type', row: 0, field: 'flag' });
  });

  it('reads numbers and booleans in a one-hot column as their strings', () => {
    const codes = fitPipeline([{ code: 3 }, { code: true }, { code: '3' }, { code: 10 }], { oneHot: ['code'] });
    expect(codes.outputs).toEqual(['code=10', 'code=3', 'code=true']);
    expect(matrix(transformRows(codes, [{ code: '3' }, { code: 3 }, { code: 'true' }]))).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('keeps categories exactly as written (case and spaces matter)', () => {
    const error = thrown(() => transformRows(fitted, [{ x: 1, flag: 'Yes' }], { onUnknownCategory: 'error' }));
    expect(error).toMatchObject({ code: 'unknown-category', row: 0, field: 'flag' });
  });

  it('does not read inherited members as values of a feature named like one', () => {
    const prototypeNames = fitPipeline([{ constructor: 1 }, { constructor: 3 }], {
      standardize: ['constructor'],
      fillNull: { constructor: 'mean' },
    });
    expect(transformRows(prototypeNames, [{}]).values[0]).toBe(0);
  });
});

describe('missing values', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['NaN (danfo)', Number.NaN],
    ['a blank string', '  '],
  ])('%s without a fill rule is an error at transform, not NaN', (_, value) => {
    const fitted = fitPipeline([{ x: 1 }, { x: 2 }], { standardize: ['x'] });
    const error = thrown(() => transformRows(fitted, [{ x: 1 }, { x: 2 }, { x: value }]));
    expect(error).toMatchObject({ code: 'missing-value', row: 2, field: 'x' });
  });

  it('an absent field without a fill rule is a missing feature', () => {
    const fitted = fitPipeline([{ x: 1 }, { x: 2 }], { standardize: ['x'] });
    expect(thrown(() => transformRows(fitted, [{ y: 1 }]))).toMatchObject({ code: 'missing-feature', row: 0, field: 'x' });
  });

  it('a missing training value without a fill rule stops the fit, naming the first row, the count and the fix', () => {
    const error = thrown(() => fitPipeline([{ x: 1 }, { x: null }, { x: 3 }, { x: null }], { minMax: ['x'] }));
    expect(error).toMatchObject({ code: 'missing-value', row: 1, field: 'x' });
    expect(error.message).toContain('Row 1, field "x": expected a number, got null');
    expect(error.message).toContain('2 of 4 rows lack "x"');
    expect(error.message).toContain('fillNull');
  });

  // Present values 1, 1, 6, 8: mean 4, median (1 + 6) / 2 = 3.5, mode 1 (the most frequent).
  const rows: RawRow[] = [{ x: 1 }, { x: 1 }, { x: 6 }, { x: 8 }, { x: null }];
  it.each([
    ['mean', 4],
    ['median', 3.5],
    ['mode', 1],
    [-1, -1],
  ] as const)('fillNull %s fills with %s, resolved at fit', (rule, value) => {
    const fitted = fitPipeline(rows, { passthrough: ['x'], fillNull: { x: rule } });
    expect(fitted.steps[0]).toEqual({ kind: 'passthrough', feature: 'x', fill: { value, from: typeof rule === 'number' ? 'constant' : rule } });
    expect(fitted.inputs[0]).toMatchObject({ nullable: true, range: { min: 1, max: 8 } });
    expect(Array.from(transformRows(fitted, [{ x: null }, {}, { x: 2 }]).values)).toEqual([value, value, 2]);
  });

  it('fits the scaler on the filled column, as the model will see it', () => {
    // Filled with the mean: 1, 1, 6, 8, 4. Squared deviations 9 + 9 + 4 + 16 + 0 = 38 over 5 rows.
    const fitted = fitPipeline(rows, { standardize: ['x'], fillNull: { x: 'mean' } });
    expect(fitted.steps[0]).toMatchObject({ mean: 4 });
    expect((fitted.steps[0] as { std: number }).std).toBeCloseTo(Math.sqrt(38 / 5), 12);
  });

  it('breaks mode ties towards the smallest number and the first category in code-unit order', () => {
    const fitted = fitPipeline(
      [
        { n: 2, c: 'y' },
        { n: 1, c: 'x' },
        { n: 2, c: 'y' },
        { n: 1, c: 'x' },
        { n: null, c: null },
      ],
      { passthrough: ['n'], oneHot: ['c'], fillNull: { n: 'mode', c: 'mode' } },
    );
    expect(fitted.steps.map((step) => step.fill?.value)).toEqual([1, 'x']);
  });

  it('a category fill seen in training (because it filled training rows) gets its own column', () => {
    const fitted = fitPipeline([{ sex: 'F' }, { sex: null }, { sex: 'M' }], { oneHot: ['sex'], fillNull: { sex: 'unknown' } });
    expect(fitted.outputs).toEqual(['sex=F', 'sex=M', 'sex=unknown']);
    expect(Array.from(transformRows(fitted, [{ sex: null }]).values)).toEqual([0, 0, 1]);
  });

  it('a category fill never seen in training is an unknown category (zeros by default)', () => {
    const fitted = fitPipeline([{ sex: 'F' }, { sex: 'M' }], { oneHot: ['sex'], fillNull: { sex: 'unknown' } });
    expect(fitted.outputs).toEqual(['sex=F', 'sex=M']);
    expect(Array.from(transformRows(fitted, [{ sex: null }]).values)).toEqual([0, 0]);
    expect(thrown(() => transformRows(fitted, [{ sex: null }], { onUnknownCategory: 'error' }))).toMatchObject({ code: 'unknown-category' });
  });

  it('needs a value to take a statistic of', () => {
    expect(thrown(() => fitPipeline([{ x: null }, { x: null }], { passthrough: ['x'], fillNull: { x: 'median' } }))).toMatchObject({
      code: 'empty-data',
      field: 'x',
    });
    const constant = fitPipeline([{ x: null }, { x: null }], { passthrough: ['x'], fillNull: { x: 0 } });
    expect(constant.inputs[0]).toEqual({ name: 'x', dtype: 'number', nullable: true });
  });
});

describe('edge cases of scaling', () => {
  it('a constant column standardizes and min-max scales to 0', () => {
    const fitted = fitPipeline([{ a: 0.1, b: 5 }, { a: 0.1, b: 5 }, { a: 0.1, b: 5 }], { standardize: ['a'], minMax: ['b'] });
    expect(fitted.steps).toMatchObject([{ std: 0 }, { min: 5, max: 5 }]);
    expect(Array.from(transformRows(fitted, [{ a: 0.1, b: 5 }, { a: 3, b: -2 }]).values)).toEqual([0, 0, 0, 0]);
  });
});

describe('unknown categories and out-of-range values follow the policy', () => {
  const fitted = fitPipeline(
    [
      { island: 'Biscoe', mass: 3000 },
      { island: 'Dream', mass: 5000 },
    ],
    { oneHot: ['island'], standardize: ['mass'] },
  );
  const unseen = [{ island: 'Atlantis', mass: 4000 }];

  it('encodes an unknown category as all zeros by default', () => {
    expect(Array.from(transformRows(fitted, unseen).values)).toEqual([0, 0, 0]);
  });

  it('rejects an unknown category with onUnknownCategory: error, listing the known ones', () => {
    const error = thrown(() => transformRows(fitted, unseen, { onUnknownCategory: 'error' }));
    expect(error).toMatchObject({ code: 'unknown-category', row: 0, field: 'island' });
    expect(error.message).toBe('Row 0, field "island": expected one of the training categories "Biscoe", "Dream", got string "Atlantis"');
  });

  it('scales out-of-range values by default and rejects them with onOutOfRange: error', () => {
    const far = [{ island: 'Dream', mass: 7000 }];
    expect(transformRows(fitted, far).values[0]).toBeCloseTo(3, 6);
    const error = thrown(() => transformRows(fitted, far, { onOutOfRange: 'error' }));
    expect(error).toMatchObject({ code: 'out-of-range', row: 0, field: 'mass' });
    expect(error.message).toContain('expected a number from 3000 to 5000 (the training range), got number 7000');
  });

  it('rejects a misspelt policy instead of silently using the default', () => {
    expect(thrown(() => transformRows(fitted, unseen, { onUnknownCategory: 'ignore' as 'zeros' }))).toMatchObject({ code: 'bad-argument' });
    expect(thrown(() => transformRows(fitted, unseen, { onUnknown: 'error' } as never))).toMatchObject({ code: 'bad-argument' });
  });

  it('rejects a row that is not an object', () => {
    expect(thrown(() => transformRows(fitted, [unseen[0] as RawRow, null as unknown as RawRow]))).toMatchObject({ code: 'not-an-object', row: 1 });
  });
});

describe('other columns', () => {
  it('ignores columns no option names, at fit and at transform', () => {
    const fitted = fitPipeline([{ x: 1, label: 'a' }, { x: 2, label: 'b' }], { passthrough: ['x'] });
    expect(fitted.outputs).toEqual(['x']);
    expect(Array.from(transformRows(fitted, [{ x: 5, label: { anything: true } as unknown as string }]).values)).toEqual([5]);
  });

  it('a feature absent from every training row is an error listing the columns there are', () => {
    const error = thrown(() => fitPipeline([{ mass: 1, island: 'x' }], { standardize: ['Mass'] }));
    expect(error).toMatchObject({ code: 'missing-feature', field: 'Mass' });
    expect(error.message).toBe('Column "Mass" is not in the data; its columns are "mass", "island"');
  });
});

describe('fit options are checked', () => {
  it.each([
    ['an unknown option (a typo)', { standardise: ['x'] }, 'standardise', /not an option/],
    ['a feature in two transforms', { standardize: ['x'], minMax: ['x'] }, 'minMax[0]', /already listed at standardize\[0\]/],
    ['a dropped feature that is also transformed', { passthrough: ['x'], drop: ['x'] }, 'drop[0]', /already listed/],
    ['a column name that is not a string', { standardize: [3] }, 'standardize[0]', /expected a column name, got number 3/],
    ['a list that is not an array', { oneHot: 'island' }, 'oneHot', /expected an array/],
    ['no features at all', { drop: ['x'] }, '', /no features/],
    ['a fill rule for a feature nothing reads', { passthrough: ['x'], fillNull: { y: 0 } }, 'fillNull.y', /has no transform/],
    ['a mean for a category', { oneHot: ['c'], fillNull: { c: 'mean' } }, 'fillNull.c', /needs numbers/],
    ['a word for a number', { passthrough: ['x'], fillNull: { x: 'average' } }, 'fillNull.x', /"mean", "median" or "mode"/],
    ['a blank category fill', { oneHot: ['c'], fillNull: { c: '' } }, 'fillNull.c', /blank/],
  ])('rejects %s, naming where', (_, options, path, message) => {
    const error = thrown(() => fitPipeline([{ x: 1, c: 'a' }], options as PipelineOptions));
    expect(error).toMatchObject({ code: 'bad-options', path });
    expect(error.message).toMatch(message);
  });

  it('needs rows to fit on', () => {
    expect(thrown(() => fitPipeline([], { passthrough: ['x'] }))).toMatchObject({ code: 'empty-data' });
    expect(thrown(() => fitPipeline([{ x: 1 }, 'x' as unknown as RawRow], { passthrough: ['x'] }))).toMatchObject({ code: 'not-an-object', row: 1 });
  });

  it('rejects a wrong value in the training data, naming its row and field', () => {
    const error = thrown(() => fitPipeline([{ x: 1 }, { x: 2 }, { x: 'n/a' }], { standardize: ['x'] }));
    expect(error).toMatchObject({ code: 'wrong-type', row: 2, field: 'x' });
    expect(error.message).toBe('Row 2, field "x": expected a number (or a numeric string such as "3.5"), got string "n/a"');
  });
});
