/**
 * Reference statistics of the raw training features, shipped in the artifact so the server can
 * measure drift. They describe raw inputs before any fill rule, so a rise in missing values
 * shows up as drift instead of hiding behind the imputed value.
 *
 * Every fraction is a share of all rows: for a numeric feature sum(binFractions) + nullFraction
 * is 1; for a categorical one sum(frequencies) + otherFraction + nullFraction is 1. "Null" means
 * missing (as in pipeline.ts) or, when a monitor reads it, a value that cannot be read at all.
 */
import { checkColumnExists, checkRowsAreObjects, presentCategories, presentNumbers, readCategoryColumn, readNumericColumn } from './columns';
import { PreprocessError } from './errors';
import { ObjectReader, failAt, indexPath, parseJsonText, readVersion, type DocumentKind } from './json-reader';
import { mean, populationStd, quantileOfSorted, sortedNumbers } from './statistics';
import type { FittedPipeline, RawRow } from './types';
import { describeValue } from './values';

export type NumericReference = {
  name: string;
  kind: 'numeric';
  /**
   * Interior cut points, strictly increasing: training quantiles at 1/bins ... (bins-1)/bins with
   * repeats removed. k edges make k + 1 bins; bin i holds edges[i-1] <= x < edges[i], and the
   * outer bins are open-ended, so any serving value has a bin.
   */
  binEdges: number[];
  /** binEdges.length + 1 shares of all rows. */
  binFractions: number[];
  nullFraction: number;
  /** Training quantiles of the present values (empty when there were none). */
  quantiles: { p: number; value: number }[];
  /** Of the present values (0 when there were none); std is the population std. */
  mean: number;
  std: number;
};

export type CategoricalReference = {
  name: string;
  kind: 'categorical';
  /** Share of all rows per vocabulary category (zero shares included). */
  frequencies: Record<string, number>;
  /** Share of rows whose category is outside the pipeline's vocabulary. */
  otherFraction: number;
  nullFraction: number;
};

export type FeatureReference = NumericReference | CategoricalReference;

export type ReferenceStats = { format: 'kiln-reference-stats'; version: 1; rows: number; features: FeatureReference[] };

export const REFERENCE_QUANTILES: readonly number[] = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
const MAX_BINS = 1000;

/** One entry per raw input of the pipeline, in its order; `bins` (default 10) cut numeric features. */
export function computeReferenceStats(pipeline: FittedPipeline, rows: readonly RawRow[], options: { bins?: number } = {}): ReferenceStats {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new PreprocessError('bad-argument', `bins: expected an integer from 1 to ${MAX_BINS}, got ${describeValue(bins)}`);
  }
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new PreprocessError('empty-data', `Cannot compute reference statistics from ${Array.isArray(rows) ? 'no rows' : describeValue(rows)}`);
  }
  checkRowsAreObjects(rows);
  const features = pipeline.inputs.map((input): FeatureReference => {
    checkColumnExists(rows, input.name);
    return input.dtype === 'number' ? numericReference(rows, input.name, bins) : categoricalReference(rows, input.name, input.categories ?? []);
  });
  return { format: 'kiln-reference-stats', version: 1, rows: rows.length, features };
}

/** The bin of a present number: how many edges are at or below it (binary search). */
export function numericBinOf(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function numericReference(rows: readonly object[], name: string, bins: number): NumericReference {
  const column = readNumericColumn(rows, name);
  const present = sortedNumbers(presentNumbers(column.values));
  const binEdges: number[] = [];
  if (present.length > 0) {
    for (let i = 1; i < bins; i++) {
      const edge = quantileOfSorted(present, i / bins);
      if (binEdges.length === 0 || edge > (binEdges[binEdges.length - 1] as number)) binEdges.push(edge);
    }
  }
  const counts = new Float64Array(binEdges.length + 1);
  for (const value of present) {
    const bin = numericBinOf(binEdges, value);
    counts[bin] = (counts[bin] as number) + 1;
  }
  const hasValues = present.length > 0;
  const presentMean = hasValues ? mean(present) : 0;
  return {
    name,
    kind: 'numeric',
    binEdges,
    binFractions: Array.from(counts, (count) => count / rows.length),
    nullFraction: column.missingCount / rows.length,
    quantiles: hasValues ? REFERENCE_QUANTILES.map((p) => ({ p, value: quantileOfSorted(present, p) })) : [],
    mean: presentMean,
    std: hasValues ? populationStd(present, presentMean) : 0,
  };
}

function categoricalReference(rows: readonly object[], name: string, vocabulary: readonly string[]): CategoricalReference {
  const column = readCategoryColumn(rows, name);
  const counts = new Map(vocabulary.map((category) => [category, 0]));
  let other = 0;
  for (const category of presentCategories(column.values)) {
    const count = counts.get(category);
    if (count === undefined) other += 1;
    else counts.set(category, count + 1);
  }
  return {
    name,
    kind: 'categorical',
    frequencies: Object.fromEntries([...counts].map(([category, count]) => [category, count / rows.length])),
    otherFraction: other / rows.length,
    nullFraction: column.missingCount / rows.length,
  };
}

const REFERENCE: DocumentKind = { code: 'bad-reference-stats', label: 'Bad reference statistics' };
/** Fractions are sums of float divisions; a document that misses 1 by more than this was edited or broken. */
const SUM_TOLERANCE = 1e-6;

/** Reads reference statistics from untrusted JSON (or its text); errors name the bad field's path. */
export function parseReferenceStats(json: unknown): ReferenceStats {
  const document = new ObjectReader(parseJsonText(json, REFERENCE), '', REFERENCE);
  document.oneOf('format', ['kiln-reference-stats']);
  readVersion(document);
  const rows = document.integer('rows', 1);
  const names = new Set<string>();
  const features = document.array('features').map((raw, i): FeatureReference => {
    const feature = new ObjectReader(raw, indexPath('features', i), REFERENCE);
    const name = feature.string('name');
    if (names.has(name)) feature.fail('name', `${JSON.stringify(name)} already has statistics`);
    names.add(name);
    return feature.oneOf('kind', ['numeric', 'categorical']) === 'numeric' ? readNumeric(feature, name) : readCategorical(feature, name);
  });
  return { format: 'kiln-reference-stats', version: 1, rows, features };
}

function readNumeric(feature: ObjectReader, name: string): NumericReference {
  const binEdges = feature.numbers('binEdges');
  binEdges.forEach((edge, i) => {
    if (i > 0 && edge <= (binEdges[i - 1] as number)) {
      failAt(REFERENCE, indexPath(feature.pathOf('binEdges'), i), `expected more than the previous edge (${binEdges[i - 1]}), got ${edge}`);
    }
  });
  const binFractions = readFractions(feature, 'binFractions');
  if (binFractions.length !== binEdges.length + 1) {
    feature.fail('binFractions', `expected ${binEdges.length + 1} fractions (one more than binEdges), got ${binFractions.length}`);
  }
  const nullFraction = feature.fraction('nullFraction');
  checkSumIsOne(feature, 'binFractions', [...binFractions, nullFraction], 'binFractions and nullFraction');
  const quantiles = feature.array('quantiles').map((raw, i) => {
    const quantile = new ObjectReader(raw, indexPath(feature.pathOf('quantiles'), i), REFERENCE);
    return { p: quantile.fraction('p'), value: quantile.finiteNumber('value') };
  });
  const std = feature.finiteNumber('std');
  if (std < 0) feature.fail('std', `expected at least 0, got ${std}`);
  return { name, kind: 'numeric', binEdges, binFractions, nullFraction, quantiles, mean: feature.finiteNumber('mean'), std };
}

function readCategorical(feature: ObjectReader, name: string): CategoricalReference {
  const table = feature.object('frequencies');
  const frequencies = Object.fromEntries(Object.keys(table.value).map((category) => [category, table.fraction(category)]));
  const otherFraction = feature.fraction('otherFraction');
  const nullFraction = feature.fraction('nullFraction');
  const shares = [...Object.values(frequencies), otherFraction, nullFraction];
  checkSumIsOne(feature, 'frequencies', shares, 'frequencies, otherFraction and nullFraction');
  return { name, kind: 'categorical', frequencies, otherFraction, nullFraction };
}

function readFractions(feature: ObjectReader, key: string): number[] {
  return feature.array(key).map((value, i) => {
    if (typeof value === 'number' && value >= 0 && value <= 1) return value;
    return failAt(REFERENCE, indexPath(feature.pathOf(key), i), `expected a number from 0 to 1, got ${describeValue(value)}`);
  });
}

function checkSumIsOne(feature: ObjectReader, key: string, shares: readonly number[], what: string): void {
  const sum = shares.reduce((total, share) => total + share, 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE) feature.fail(key, `${what} add up to ${sum}, expected 1`);
}
