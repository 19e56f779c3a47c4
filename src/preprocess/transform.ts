/**
 * Applies a fitted pipeline to raw rows: one preallocated Float32Array, row-major, one pass over
 * the rows, no per-row objects. The first value the policy rejects throws a PreprocessError naming
 * its row and field; `validateRows` lists every problem instead.
 */
import { checkPolicy, compilePipeline, encodeValue, isBlocking } from './encoder';
import { PreprocessError } from './errors';
import { notAnObjectProblem, problemError, valueProblem } from './problems';
import type { FittedPipeline, RawRow, TransformPolicy } from './types';
import { describeValue, fieldOf, isRowObject } from './values';

export type TransformedRows = {
  /** rows × columns values, row-major: row r's columns are values[r * columns ... (r + 1) * columns). */
  values: Float32Array;
  rows: number;
  columns: number;
};

export function transformRows(pipeline: FittedPipeline, rows: readonly RawRow[], policy: TransformPolicy = {}): TransformedRows {
  checkPolicy(policy);
  if (!Array.isArray(rows)) throw new PreprocessError('bad-argument', `rows: expected an array of rows, got ${describeValue(rows)}`);
  const { encoders, columns } = compilePipeline(pipeline);
  const values = new Float32Array(rows.length * columns);
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row: unknown = rows[rowIndex];
    if (!isRowObject(row)) throw problemError(notAnObjectProblem(row, rowIndex));
    const base = rowIndex * columns;
    for (const encoder of encoders) {
      const status = encodeValue(encoder, fieldOf(row, encoder.name), values, base);
      if (status !== 'ok' && isBlocking(status, policy)) throw problemError(valueProblem(encoder, status, row, rowIndex, policy));
    }
  }
  return { values, rows: rows.length, columns };
}
