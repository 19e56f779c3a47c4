import { describe, expect, it } from 'vitest';
import { rowsFromColumns } from './table-rows';

describe('rowsFromColumns', () => {
  it('turns columns and row values into one object per row', () => {
    expect(
      rowsFromColumns(
        ['mass', 'island'],
        [
          [3000, 'Biscoe'],
          [Number.NaN, null],
        ],
      ),
    ).toEqual([
      { mass: 3000, island: 'Biscoe' },
      { mass: Number.NaN, island: null },
    ]);
  });

  it('keeps a column named __proto__ as a plain field', () => {
    const [row] = rowsFromColumns(['__proto__'], [[1]]);
    expect(Object.hasOwn(row as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it.each([
    ['a row of the wrong length', ['a', 'b'], [[1, 2], [3]], /values\[1\]: expected 2 values \(one per column\), got 1$/],
    ['a repeated column', ['a', 'a'], [], /columns\[1\]: "a" appears twice/],
    ['a column name that is not a string', [1], [], /columns\[0\]: expected a column name/],
    ['values that are not rows', ['a'], [5], /values\[0\]: expected 1 values \(one per column\), got number 5/],
  ])('rejects %s', (_, columns, values, message) => {
    expect(() => rowsFromColumns(columns as string[], values as number[][])).toThrow(message);
  });
});
