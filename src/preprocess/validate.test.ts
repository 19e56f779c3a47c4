import { describe, expect, it } from 'vitest';
import { fitPipeline } from './pipeline';
import { transformRows } from './transform';
import type { RawRow, TransformPolicy } from './types';
import { validateRows } from './validate';

const fitted = fitPipeline(
  [
    { mass: 3000, island: 'Biscoe', sex: 'F', id: 1 },
    { mass: 5000, island: 'Dream', sex: null, id: 2 },
  ],
  { standardize: ['mass'], oneHot: ['island', 'sex'], fillNull: { sex: 'mode' }, drop: ['id'] },
);

describe('validateRows', () => {
  it('finds nothing wrong with good rows, dropped columns and nulls that have a fill rule', () => {
    expect(validateRows(fitted, [{ mass: '4000', island: 'Dream', sex: null, id: 7 }, { mass: 3500, island: 'Biscoe' }])).toEqual([]);
  });

  it('lists every problem of every row with row, field, expected and got', () => {
    const problems = validateRows(fitted, [
      { island: 'Dream', sex: 'M' },
      { mass: 'heavy', island: 7, sex: 'F', bodyMass: 4000 },
      [1, 2],
      { mass: 9000, island: null, sex: 'F' },
    ]);
    expect(problems).toEqual([
      {
        row: 0,
        field: 'mass',
        code: 'missing-feature',
        severity: 'error',
        expected: 'a number (this feature has no fill rule)',
        got: 'nothing (the field is absent)',
        message: 'Row 0, field "mass": expected a number (this feature has no fill rule), got nothing (the field is absent)',
      },
      {
        row: 0,
        field: 'sex',
        code: 'unknown-category',
        severity: 'warning',
        expected: 'one of the training categories "F"',
        got: 'string "M"',
        message: 'Row 0, field "sex": expected one of the training categories "F", got string "M"',
      },
      expect.objectContaining({ row: 1, field: 'mass', code: 'wrong-type', severity: 'error', got: 'string "heavy"' }),
      expect.objectContaining({ row: 1, field: 'island', code: 'unknown-category', severity: 'warning', got: 'number 7' }),
      expect.objectContaining({
        row: 1,
        field: 'bodyMass',
        code: 'unknown-feature',
        severity: 'warning',
        message: 'Row 1, field "bodyMass": not a feature of this model, so it is ignored',
      }),
      expect.objectContaining({ row: 2, field: null, code: 'not-an-object', severity: 'error', got: 'an array' }),
      expect.objectContaining({
        row: 3,
        field: 'mass',
        code: 'out-of-range',
        severity: 'warning',
        expected: 'a number from 3000 to 5000 (the training range)',
      }),
      expect.objectContaining({ row: 3, field: 'island', code: 'missing-value', severity: 'error', got: 'null' }),
    ]);
  });

  it('makes unknown categories and out-of-range values errors under the strict policy', () => {
    const strict = { onUnknownCategory: 'error', onOutOfRange: 'error' } as const;
    const severities = validateRows(fitted, [{ mass: 9000, island: 'Atlantis', sex: 'F' }], strict).map((problem) => [problem.code, problem.severity]);
    expect(severities).toEqual([
      ['out-of-range', 'error'],
      ['unknown-category', 'error'],
    ]);
  });

  // The promise that lets a server validate first and transform after: an error ⇔ transform throws.
  const samples: readonly RawRow[] = [
    { mass: 4000, island: 'Dream' },
    { mass: 9000, island: 'Dream' },
    { mass: 4000, island: 'Atlantis' },
    { mass: 4000, island: 'Dream', sex: 'X' },
    { mass: null, island: 'Dream' },
    { mass: 'x', island: 'Dream' },
    { mass: 4000, island: 'Dream', extra: 1 },
  ];
  const policies: readonly TransformPolicy[] = [{}, { onUnknownCategory: 'error' }, { onOutOfRange: 'error' }, { onUnknownCategory: 'error', onOutOfRange: 'error' }];
  it.each(policies.flatMap((policy) => samples.map((row) => ({ policy, row }))))('agrees with transformRows: $row under $policy', ({ policy, row }) => {
    const hasError = validateRows(fitted, [row], policy).some((problem) => problem.severity === 'error');
    const transform = () => transformRows(fitted, [row], policy);
    if (hasError) expect(transform).toThrow();
    else expect(transform).not.toThrow();
  });
});
