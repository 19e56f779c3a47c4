/**
 * One batch of raw rows through the pipeline and the model, with the production → fallback rule:
 * if the serving version throws (or answers NaN), the fallback version predicts the same rows and
 * the outcome says so. Rows the pipeline refuses are set aside with their problem, and the rest of
 * the batch is still predicted: one client's typo must not fail its neighbours' requests.
 */
import { PreprocessError, transformRows, validateRows, type FittedPipeline, type RawRow, type ReferenceStats, type RowProblem, type TransformPolicy, type TransformedRows } from '../../preprocess';
import type { ModelSignature } from './manifest';
import type { ModelRunner } from './tf-model';

export type ServingVersion = {
  version: number;
  pipeline: FittedPipeline;
  signature: ModelSignature;
  reference: ReferenceStats;
  model: ModelRunner;
};

export type Role = 'production' | 'fallback';

export type Candidate = { served: ServingVersion; role: Role };

export type BatchOutcome = {
  /** rows × width model outputs in batch order; rows with a problem hold zeros. */
  values: Float32Array;
  width: number;
  served: ServingVersion;
  role: Role;
  /** The first refused value of each refused row, by batch row, ascending; null when every row passed. */
  problems: RowProblem[] | null;
};

export type ServingEvents = {
  /** A version threw while predicting; the batch moves on to the fallback, if there is one. */
  onPredictFailure(version: ServingVersion, error: unknown): void;
  /** A model call answered `rows` (the rows the pipeline accepted). */
  onPredicted(outcome: BatchOutcome, rows: readonly RawRow[]): void;
};

type Screened = { accepted: RawRow[]; acceptedAt: number[]; problems: RowProblem[] };

/** Splits a batch the pipeline refused into the rows it accepts and the first problem of each other row. */
function screen(pipeline: FittedPipeline, rows: readonly RawRow[], policy: TransformPolicy): Screened {
  const refused = new Map<number, RowProblem>();
  for (const problem of validateRows(pipeline, rows, policy)) {
    if (problem.severity === 'error' && !refused.has(problem.row)) refused.set(problem.row, problem);
  }
  const accepted: RawRow[] = [];
  const acceptedAt: number[] = [];
  rows.forEach((row, index) => {
    if (refused.has(index)) return;
    accepted.push(row);
    acceptedAt.push(index);
  });
  return { accepted, acceptedAt, problems: [...refused.values()].sort((a, b) => a.row - b.row) };
}

function predictWith(version: ServingVersion, rows: readonly RawRow[], policy: TransformPolicy): Float32Array {
  const features = transformRows(version.pipeline, rows, policy);
  return version.model.predict(features.values, features.rows);
}

/** Places the accepted rows' outputs at their batch positions. */
function scatter(values: Float32Array, acceptedAt: readonly number[], rowCount: number, width: number): Float32Array {
  const full = new Float32Array(rowCount * width);
  acceptedAt.forEach((row, index) => full.set(values.subarray(index * width, (index + 1) * width), row * width));
  return full;
}

export function createBatchPredictor(primary: Candidate, fallback: Candidate | null, policy: TransformPolicy, events: ServingEvents): (rows: readonly RawRow[]) => BatchOutcome {
  function fallBack(rows: readonly RawRow[], primaryError: unknown): { values: Float32Array; candidate: Candidate } {
    events.onPredictFailure(primary.served, primaryError);
    if (!fallback) throw primaryError;
    try {
      return { values: predictWith(fallback.served, rows, policy), candidate: fallback };
    } catch (error) {
      events.onPredictFailure(fallback.served, error);
      throw error;
    }
  }

  return (rows) => {
    let screened: Screened | null = null;
    let features: TransformedRows;
    try {
      features = transformRows(primary.served.pipeline, rows, policy);
    } catch (error) {
      if (!(error instanceof PreprocessError)) throw error;
      screened = screen(primary.served.pipeline, rows, policy);
      if (screened.accepted.length === 0) {
        const width = primary.served.model.outputWidth;
        return { values: new Float32Array(rows.length * width), width, served: primary.served, role: primary.role, problems: screened.problems };
      }
      features = transformRows(primary.served.pipeline, screened.accepted, policy);
    }
    const accepted = screened ? screened.accepted : rows;
    let predicted: { values: Float32Array; candidate: Candidate };
    try {
      predicted = { values: primary.served.model.predict(features.values, features.rows), candidate: primary };
    } catch (error) {
      predicted = fallBack(accepted, error);
    }
    const width = predicted.candidate.served.model.outputWidth;
    const outcome: BatchOutcome = {
      values: screened ? scatter(predicted.values, screened.acceptedAt, rows.length, width) : predicted.values,
      width,
      served: predicted.candidate.served,
      role: predicted.candidate.role,
      problems: screened?.problems ?? null,
    };
    events.onPredicted(outcome, accepted);
    return outcome;
  };
}
