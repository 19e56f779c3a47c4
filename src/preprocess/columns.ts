/**
 * Reads one raw column out of training rows, before any fill rule: fitting and reference
 * statistics both start here. A value of the wrong type stops the read with an error naming
 * its row and field; missing values are kept as missing (NaN or null) for the caller to judge.
 */
import { PreprocessError } from './errors';
import { EXPECTED_CATEGORY, EXPECTED_NUMBER, listNames, rowMessage } from './messages';
import { describeValue, fieldOf, isMissing, isRowObject, parseNumeric, readCategory } from './values';

export type RawColumn<T> = {
  /** One entry per row; NaN (numbers) or null (categories) where the value is missing. */
  values: T;
  missingCount: number;
  /** The first row with a missing value, or -1. */
  firstMissingRow: number;
};

export function checkRowsAreObjects(rows: readonly unknown[]): asserts rows is readonly object[] {
  rows.forEach((row, index) => {
    if (!isRowObject(row)) {
      throw new PreprocessError('not-an-object', `Row ${index}: expected an object of named fields, got ${describeValue(row)}`, {
        row: index,
      });
    }
  });
}

/** `feature` must be a key of at least one row. */
export function checkColumnExists(rows: readonly object[], feature: string): void {
  if (rows.some((row) => Object.hasOwn(row, feature))) return;
  const columns = rows.length === 0 ? [] : Object.keys(rows[0] as object);
  throw new PreprocessError(
    'missing-feature',
    `Column ${JSON.stringify(feature)} is not in the data; its columns are ${listNames(columns, 30)}`,
    { field: feature },
  );
}

export function readNumericColumn(rows: readonly object[], feature: string): RawColumn<Float64Array> {
  const values = new Float64Array(rows.length);
  let missingCount = 0;
  let firstMissingRow = -1;
  rows.forEach((row, index) => {
    const value = fieldOf(row, feature);
    if (isMissing(value)) {
      values[index] = Number.NaN;
      if (missingCount++ === 0) firstMissingRow = index;
      return;
    }
    const number = parseNumeric(value);
    if (Number.isNaN(number)) throw wrongType(index, feature, EXPECTED_NUMBER, value);
    values[index] = number;
  });
  return { values, missingCount, firstMissingRow };
}

export function readCategoryColumn(rows: readonly object[], feature: string): RawColumn<(string | null)[]> {
  let missingCount = 0;
  let firstMissingRow = -1;
  const values = rows.map((row, index) => {
    const value = fieldOf(row, feature);
    if (isMissing(value)) {
      if (missingCount++ === 0) firstMissingRow = index;
      return null;
    }
    const category = readCategory(value);
    if (category === null) throw wrongType(index, feature, EXPECTED_CATEGORY, value);
    return category;
  });
  return { values, missingCount, firstMissingRow };
}

function wrongType(row: number, field: string, expected: string, value: unknown): PreprocessError {
  return new PreprocessError('wrong-type', rowMessage(row, field, expected, describeValue(value)), { row, field });
}

export function presentNumbers(values: Float64Array): Float64Array {
  return values.filter((value) => !Number.isNaN(value));
}

export function presentCategories(values: readonly (string | null)[]): string[] {
  return values.filter((value): value is string => value !== null);
}
