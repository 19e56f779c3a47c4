import { describe, expect, it } from 'vitest';
import { computeReferenceStats, fitPipeline, type RawRow } from '../../preprocess';
import { createBatchPredictor, type Candidate, type ServingEvents, type ServingVersion } from './serving';
import type { ModelRunner } from './tf-model';

const training: RawRow[] = [
  { size: 1, colour: 'red' },
  { size: 2, colour: 'blue' },
  { size: 3, colour: 'red' },
];
const pipeline = fitPipeline(training, { passthrough: ['size'], oneHot: ['colour'] });

/** A model that answers `size × factor` per row (the passthrough column), or throws when told to. */
function runner(factor: number, failure?: () => Error): ModelRunner {
  return {
    inputWidth: 3,
    outputWidth: 1,
    predict(values, rows) {
      if (failure) throw failure();
      return Float32Array.from({ length: rows }, (_, row) => (values[row * 3] as number) * factor);
    },
  };
}

function version(number: number, model: ModelRunner): ServingVersion {
  return { version: number, pipeline, signature: { inputs: pipeline.inputs, outputs: [{ name: 'y', meaning: 'a number' }] }, reference: computeReferenceStats(pipeline, training), model };
}

function recorder() {
  const failures: number[] = [];
  const predicted: { version: number; role: string; rows: number }[] = [];
  const events: ServingEvents = {
    onPredictFailure: (served) => failures.push(served.version),
    onPredicted: (outcome, rows) => predicted.push({ version: outcome.served.version, role: outcome.role, rows: rows.length }),
  };
  return { failures, predicted, events };
}

const strict = { onUnknownCategory: 'error', onOutOfRange: 'error' } as const;
const production = (model: ModelRunner): Candidate => ({ served: version(2, model), role: 'production' });
const fallback = (model: ModelRunner): Candidate => ({ served: version(1, model), role: 'fallback' });

describe('createBatchPredictor', () => {
  it('predicts with production when it works', () => {
    const { events, predicted, failures } = recorder();
    const predict = createBatchPredictor(production(runner(10)), fallback(runner(100)), strict, events);
    const outcome = predict([{ size: 2, colour: 'red' }, { size: 3, colour: 'blue' }]);
    expect([...outcome.values]).toEqual([20, 30]);
    expect(outcome).toMatchObject({ width: 1, role: 'production', problems: null });
    expect(predicted).toEqual([{ version: 2, role: 'production', rows: 2 }]);
    expect(failures).toEqual([]);
  });

  it('answers with the fallback version when production throws, and reports the failure', () => {
    const { events, predicted, failures } = recorder();
    const predict = createBatchPredictor(production(runner(10, () => new Error('NaN out'))), fallback(runner(100)), strict, events);
    const outcome = predict([{ size: 2, colour: 'red' }]);
    expect([...outcome.values]).toEqual([200]);
    expect(outcome.role).toBe('fallback');
    expect(outcome.served.version).toBe(1);
    expect(failures).toEqual([2]);
    expect(predicted).toEqual([{ version: 1, role: 'fallback', rows: 1 }]);
  });

  it('throws when production fails and there is no fallback, or the fallback fails too', () => {
    const { events, failures } = recorder();
    expect(() => createBatchPredictor(production(runner(10, () => new Error('broken'))), null, strict, events)([{ size: 1, colour: 'red' }])).toThrow('broken');
    expect(() => createBatchPredictor(production(runner(10, () => new Error('broken'))), fallback(runner(1, () => new Error('also broken'))), strict, events)([{ size: 1, colour: 'red' }])).toThrow('also broken');
    expect(failures).toEqual([2, 2, 1]);
  });

  it('sets refused rows aside with their first problem and predicts the rest of the batch', () => {
    const { events, predicted } = recorder();
    const predict = createBatchPredictor(production(runner(10)), null, strict, events);
    const outcome = predict([
      { size: 1, colour: 'red' },
      { size: 'big', colour: 'green' },
      { size: 3, colour: 'blue' },
      { size: 9, colour: 'red' },
    ]);
    expect([...outcome.values]).toEqual([10, 0, 30, 0]);
    expect(outcome.problems?.map(({ row, field, code }) => ({ row, field, code }))).toEqual([
      { row: 1, field: 'size', code: 'wrong-type' },
      { row: 3, field: 'size', code: 'out-of-range' },
    ]);
    expect(predicted).toEqual([{ version: 2, role: 'production', rows: 2 }]);
  });

  it('encodes values outside the training data under the lenient policy', () => {
    const { events } = recorder();
    const outcome = createBatchPredictor(production(runner(10)), null, {}, events)([{ size: 9, colour: 'green' }]);
    expect([...outcome.values]).toEqual([90]);
    expect(outcome.problems).toBeNull();
  });

  it('calls no model when every row is refused', () => {
    const { events, predicted } = recorder();
    const outcome = createBatchPredictor(production(runner(10, () => new Error('must not run'))), null, strict, events)([{ colour: 'red' }]);
    expect(outcome.problems?.[0]).toMatchObject({ row: 0, field: 'size', code: 'missing-feature' });
    expect(predicted).toEqual([]);
  });
});
