/** Row problems as data (validateRows lists them) and as errors (transformRows throws the first). */
import { expectedFor, isBlocking, problemCodeFor, type EncodeStatus, type Encoder } from './encoder';
import { PreprocessError } from './errors';
import { rowMessage } from './messages';
import type { RowProblem, TransformPolicy } from './types';
import { describeValue } from './values';

export function valueProblem(
  encoder: Encoder,
  status: Exclude<EncodeStatus, 'ok'>,
  row: object,
  rowIndex: number,
  policy: TransformPolicy,
): RowProblem {
  const field = encoder.name;
  const isFieldAbsent = !Object.hasOwn(row, field);
  const value = isFieldAbsent ? undefined : (row as Record<string, unknown>)[field];
  const expected = expectedFor(encoder, status);
  const got = describeValue(value);
  return {
    row: rowIndex,
    field,
    code: problemCodeFor(status, isFieldAbsent),
    severity: isBlocking(status, policy) ? 'error' : 'warning',
    expected,
    got,
    message: rowMessage(rowIndex, field, expected, got),
  };
}

export function notAnObjectProblem(row: unknown, rowIndex: number): RowProblem {
  const expected = 'an object of named fields';
  const got = describeValue(row);
  return { row: rowIndex, field: null, code: 'not-an-object', severity: 'error', expected, got, message: `Row ${rowIndex}: expected ${expected}, got ${got}` };
}

export function unknownFeatureProblem(field: string, value: unknown, rowIndex: number): RowProblem {
  const expected = 'no such field (it is neither an input of the model nor a dropped column)';
  const got = describeValue(value);
  return {
    row: rowIndex,
    field,
    code: 'unknown-feature',
    severity: 'warning',
    expected,
    got,
    message: `Row ${rowIndex}, field ${JSON.stringify(field)}: not a feature of this model, so it is ignored`,
  };
}

export function problemError(problem: RowProblem): PreprocessError {
  return new PreprocessError(problem.code, problem.message, {
    row: problem.row,
    ...(problem.field === null ? {} : { field: problem.field }),
  });
}
