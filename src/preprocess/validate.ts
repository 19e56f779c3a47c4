/**
 * Checks rows (a server's request body, say) against the pipeline's signature without throwing:
 * every problem of every row, each naming its row, field, what was expected and what was got.
 * A problem is an 'error' exactly when transformRows with the same policy would throw on it.
 */
import { checkPolicy, compilePipeline, encodeValue } from './encoder';
import { PreprocessError } from './errors';
import { notAnObjectProblem, unknownFeatureProblem, valueProblem } from './problems';
import type { FittedPipeline, RowProblem, TransformPolicy } from './types';
import { describeValue, fieldOf, isRowObject } from './values';

export function validateRows(pipeline: FittedPipeline, rows: readonly unknown[], policy: TransformPolicy = {}): RowProblem[] {
  checkPolicy(policy);
  if (!Array.isArray(rows)) throw new PreprocessError('bad-argument', `rows: expected an array of rows, got ${describeValue(rows)}`);
  const { encoders, columns } = compilePipeline(pipeline);
  const known = new Set([...encoders.map((encoder) => encoder.name), ...pipeline.dropped]);
  const scratch = new Float32Array(columns);
  const problems: RowProblem[] = [];
  rows.forEach((row, rowIndex) => {
    if (!isRowObject(row)) {
      problems.push(notAnObjectProblem(row, rowIndex));
      return;
    }
    for (const encoder of encoders) {
      const status = encodeValue(encoder, fieldOf(row, encoder.name), scratch, 0);
      if (status !== 'ok') problems.push(valueProblem(encoder, status, row, rowIndex, policy));
    }
    for (const [field, value] of Object.entries(row)) {
      if (!known.has(field)) problems.push(unknownFeatureProblem(field, value, rowIndex));
    }
  });
  return problems;
}
