import { describe, expect, it } from 'vitest';
import { PreprocessError } from './errors';
import { fitPipeline } from './pipeline';
import { computeReferenceStats, numericBinOf, parseReferenceStats, type NumericReference, type ReferenceStats } from './reference-stats';
import type { RawRow } from './types';

// x is 1..10 then two nulls; island is B ×6, D ×3, T ×2 and one null.
const ISLANDS = ['B', 'B', 'B', 'D', 'B', 'D', 'T', 'B', 'D', 'T', 'B', null];
const ROWS: RawRow[] = ISLANDS.map((island, i) => ({ x: i < 10 ? i + 1 : null, island }));
// The pipeline never saw T, so T counts as "other" in the reference.
const pipeline = fitPipeline(
  ROWS.filter((row) => row['island'] !== 'T'),
  { standardize: ['x'], oneHot: ['island'], fillNull: { x: 'median', island: 'mode' } },
);

describe('computeReferenceStats on a known distribution', () => {
  const stats = computeReferenceStats(pipeline, ROWS, { bins: 5 });

  it('cuts numbers at the training quantiles and counts shares of all rows', () => {
    // Quantiles of 1..10 at 0.2, 0.4, 0.6, 0.8 by linear interpolation: position 9p, so 2.8, 4.6, 6.4, 8.2.
    // Each bin then holds two of the ten values: 2 / 12 rows; the two nulls are 2 / 12 too.
    const x = stats.features[0] as NumericReference;
    expect(x.kind).toBe('numeric');
    expect(x.binEdges.map((edge) => Number(edge.toFixed(10)))).toEqual([2.8, 4.6, 6.4, 8.2]);
    expect(x.binFractions).toEqual([2 / 12, 2 / 12, 2 / 12, 2 / 12, 2 / 12]);
    expect(x.nullFraction).toBe(2 / 12);
    // Population variance of 1..10 is (10² - 1) / 12 = 8.25.
    expect(x.mean).toBe(5.5);
    expect(x.std).toBeCloseTo(Math.sqrt(8.25), 12);
    const quantile = (p: number) => x.quantiles.find((entry) => entry.p === p)?.value;
    expect([quantile(0), quantile(0.25), quantile(0.5), quantile(1)]).toEqual([1, 3.25, 5.5, 10]);
  });

  it('counts categories over all rows, with unseen ones as other and nulls apart', () => {
    expect(stats.features[1]).toEqual({
      name: 'island',
      kind: 'categorical',
      frequencies: { B: 6 / 12, D: 3 / 12 },
      otherFraction: 2 / 12,
      nullFraction: 1 / 12,
    });
  });

  it('is a versioned document that parses back to itself', () => {
    expect(stats).toMatchObject({ format: 'kiln-reference-stats', version: 1, rows: 12 });
    expect(parseReferenceStats(JSON.stringify(stats))).toEqual(stats);
  });

  it('uses ten bins by default and drops repeated edges of discrete data', () => {
    const coins = fitPipeline([{ c: 0 }, { c: 1 }], { passthrough: ['c'] });
    const rows = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1].map((c) => ({ c }));
    const reference = computeReferenceStats(coins, rows).features[0] as NumericReference;
    // Deciles of six 0s and four 1s at position 9p: 0 up to p = 5/9, then 0.4 (p = 0.6), then 1.
    // Nine cut points collapse to three; 0 and 1 each open a bin of their own.
    expect(reference.binEdges.map((edge) => Number(edge.toFixed(10)))).toEqual([0, 0.4, 1]);
    expect(reference.binFractions).toEqual([0, 0.6, 0, 0.4]);
  });

  it('describes a feature with no values at all', () => {
    const empty = fitPipeline([{ x: null }], { passthrough: ['x'], fillNull: { x: 0 } });
    expect(computeReferenceStats(empty, [{ x: null }, { x: null }]).features[0]).toEqual({
      name: 'x',
      kind: 'numeric',
      binEdges: [],
      binFractions: [0],
      nullFraction: 1,
      quantiles: [],
      mean: 0,
      std: 0,
    });
  });

  it('rejects bad bins, no rows and wrong values with their row and field', () => {
    expect(() => computeReferenceStats(pipeline, ROWS, { bins: 0 })).toThrow(/bins: expected an integer from 1 to 1000, got number 0/);
    expect(() => computeReferenceStats(pipeline, [])).toThrow(PreprocessError);
    expect(() => computeReferenceStats(pipeline, [{ x: 'tall', island: 'B' }])).toThrow(/Row 0, field "x"/);
  });
});

describe('numericBinOf', () => {
  it.each([
    [-5, 0],
    [1, 1],
    [1.5, 1],
    [2, 2],
    [3, 3],
    [99, 3],
  ])('puts %s in bin %s of edges 1, 2, 3 (an edge opens its bin)', (value, bin) => {
    expect(numericBinOf([1, 2, 3], value)).toBe(bin);
  });
});

describe('parseReferenceStats', () => {
  const valid: ReferenceStats = {
    format: 'kiln-reference-stats',
    version: 1,
    rows: 4,
    features: [
      { name: 'x', kind: 'numeric', binEdges: [0], binFractions: [0.5, 0.25], nullFraction: 0.25, quantiles: [{ p: 0.5, value: 0 }], mean: 0, std: 1 },
      { name: 'c', kind: 'categorical', frequencies: { a: 0.5, 'a b': 0.5 }, otherFraction: 0, nullFraction: 0 },
    ],
  };
  const withFeature = (index: number, patch: Record<string, unknown>) => ({
    ...valid,
    features: valid.features.map((feature, i) => (i === index ? { ...feature, ...patch } : feature)),
  });

  it.each<[string, unknown, string, RegExp]>([
    ['the wrong format', { ...valid, format: 'kiln-preprocess' }, 'format', /expected "kiln-reference-stats"/],
    ['no rows', { ...valid, rows: 0 }, 'rows', /an integer of at least 1/],
    ['edges out of order', withFeature(0, { binEdges: [1, 0], binFractions: [0.25, 0.25, 0.25] }), 'features[0].binEdges[1]', /more than the previous edge/],
    ['one fraction too few', withFeature(0, { binFractions: [0.75] }), 'features[0].binFractions', /expected 2 fractions/],
    ['fractions that do not add up to 1', withFeature(0, { nullFraction: 0.5 }), 'features[0].binFractions', /add up to 1.25, expected 1/],
    ['a share above 1', withFeature(1, { frequencies: { a: 0.5, 'a b': 1.5 } }), 'features[1].frequencies["a b"]', /a number from 0 to 1/],
    ['an unknown kind', withFeature(1, { kind: 'text' }), 'features[1].kind', /"numeric" or "categorical"/],
    ['a repeated feature', withFeature(1, { name: 'x' }), 'features[1].name', /already has statistics/],
  ])('rejects %s, naming the path', (_, document, path, problem) => {
    expect(parseReferenceStats(valid)).toEqual(valid);
    let error: unknown;
    try {
      parseReferenceStats(document);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'bad-reference-stats', path });
    expect((error as Error).message).toMatch(problem);
  });
});
