import { describe, expect, it } from 'vitest';
import { parsePipeline, parseReferenceStats, transformRows } from '../preprocess';
import { describeOutput, identityPipeline, probeMatrix, probeReferenceStats, rowsOf } from './registry-signature';

describe('identityPipeline', () => {
  it('passes x0…x(n-1) through unchanged, and the serving code reads it back', () => {
    const pipeline = identityPipeline(3);
    expect(parsePipeline(JSON.parse(JSON.stringify(pipeline)))).toEqual(pipeline);
    const matrix = probeMatrix(3, 2);
    const encoded = transformRows(pipeline, rowsOf(matrix, ['x0', 'x1', 'x2']));
    expect(encoded.columns).toBe(3);
    expect(Array.from(encoded.values)).toEqual(matrix.flat().map(Math.fround));
  });
});

describe('probeMatrix', () => {
  it('is the same every time, rows × width, within [-2, 2] and not constant', () => {
    const matrix = probeMatrix(4);
    expect(matrix).toEqual(probeMatrix(4));
    expect(matrix).toHaveLength(8);
    expect(matrix.every((row) => row.length === 4 && row.every((value) => value >= -2 && value <= 2))).toBe(true);
    expect(new Set(matrix.flat()).size).toBeGreaterThan(16);
  });
});

describe('probeReferenceStats', () => {
  it('describes every input and is accepted by the server', () => {
    const pipeline = identityPipeline(2);
    const stats = probeReferenceStats(pipeline, rowsOf(probeMatrix(2), ['x0', 'x1']));
    expect(parseReferenceStats(JSON.parse(JSON.stringify(stats))).features.map((feature) => feature.name)).toEqual(['x0', 'x1']);
  });
});

describe('describeOutput', () => {
  it.each([
    [3, 'softmax', 'probabilities'],
    [1, 'sigmoid', 'probability'],
    [1, 'linear', 'prediction'],
    [1, null, 'prediction'],
    [1, 'softmax', 'prediction'],
  ])('width %i with %s is %s', (width, activation, name) => expect(describeOutput(width, activation).name).toBe(name));
});
