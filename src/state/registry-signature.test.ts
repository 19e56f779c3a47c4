import { describe, expect, it } from 'vitest';
import { parsePipeline, parseReferenceStats, transformRows } from '../preprocess';
import { describeOutput, identityPipeline, outputLabels, probeMatrix, probeReferenceStats, rowsOf } from './registry-signature';

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

describe('describeOutput with labels', () => {
  it('names the classes of a softmax output in its meaning and its labels', () => {
    expect(describeOutput(3, 'softmax', ['Adelie', 'Chinstrap', 'Gentoo'])).toEqual({
      name: 'probabilities',
      meaning: 'probability of each class: Adelie, Chinstrap, Gentoo',
      labels: ['Adelie', 'Chinstrap', 'Gentoo'],
    });
  });

  it('leaves labels out when there are none', () => {
    expect(describeOutput(3, 'softmax')).not.toHaveProperty('labels');
  });
});

describe('outputLabels', () => {
  it('reads the labels the notebook set with model.setUserDefinedMetadata', () => {
    expect(outputLabels({ labels: ['Adelie', 'Chinstrap', 'Gentoo'], other: 1 }, 3)).toEqual({ labels: ['Adelie', 'Chinstrap', 'Gentoo'], problem: null });
  });

  it.each([undefined, null, {}, { classes: ['a'] }])('finds none in %j, without a problem', (metadata) => {
    expect(outputLabels(metadata, 2)).toEqual({ labels: null, problem: null });
  });

  it('ignores labels that do not fit the output, and says why', () => {
    expect(outputLabels({ labels: ['a', 'b'] }, 3)).toEqual({ labels: null, problem: "the model's metadata names 2 labels but the model outputs 3 values; ignored" });
    expect(outputLabels({ labels: 'a,b' }, 2).problem).toMatch(/should be an array of strings/);
    expect(outputLabels({ labels: ['a', 2] }, 2).problem).toMatch(/should be an array of strings/);
  });
});
