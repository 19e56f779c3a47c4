import { describe, expect, it } from 'vitest';
import { summarise } from './run-updates';

const points = (key: string, values: number[], firstStep = 0) => [{ key, steps: Float64Array.from(values, (_, index) => firstStep + index), values: Float64Array.from(values) }];

describe('summarise', () => {
  it('tracks last, min, max, last step and count per key', () => {
    const summary = summarise({}, [...points('loss', [0.9, 0.4, 0.6]), ...points('acc', [0.5, 0.8])]);
    expect(summary['loss']).toEqual({ last: 0.6, min: 0.4, max: 0.9, lastStep: 2, count: 3 });
    expect(summary['acc']).toEqual({ last: 0.8, min: 0.5, max: 0.8, lastStep: 1, count: 2 });
  });

  it('continues from an earlier summary, as batches arrive', () => {
    const first = summarise({}, points('loss', [0.9, 0.5]));
    expect(summarise(first, points('loss', [0.7, 0.2], 2))['loss']).toEqual({ last: 0.2, min: 0.2, max: 0.9, lastStep: 3, count: 4 });
  });

  it('keeps NaN as the last value without letting it poison min and max', () => {
    const summary = summarise({}, points('loss', [0.5, NaN, 0.3, NaN]))['loss'];
    expect(summary?.last).toBeNaN();
    expect(summary?.min).toBe(0.3);
    expect(summary?.max).toBe(0.5);
  });

  it('records infinities as values', () => {
    expect(summarise({}, points('loss', [1, Infinity]))['loss']).toMatchObject({ last: Infinity, max: Infinity, min: 1 });
    expect(summarise({}, points('loss', [NaN]))['loss']?.min).toBeNaN();
  });

  it('a late point for an earlier step does not replace the last value', () => {
    const summary = summarise(summarise({}, points('loss', [0.9, 0.5])), points('loss', [0.1]))['loss'];
    expect(summary).toMatchObject({ last: 0.5, lastStep: 1, min: 0.1 });
  });
});
