/**
 * Drift of serving inputs against the training reference: the population stability index per
 * feature over a sliding window of the latest rows.
 *
 * PSI = Σ (actualᵢ - expectedᵢ) · ln(actualᵢ / expectedᵢ) over the reference's bins plus a bin for
 * missing values (and, for categories, one for categories outside the vocabulary). Shares below
 * `epsilon` count as `epsilon`, so an empty bin adds a large but finite term. The usual reading:
 * below 0.1 no drift, 0.1 to 0.25 moderate, 0.25 and above significant.
 *
 * The monitor keeps, per feature, the bin each windowed row fell in (a ring buffer) and the count
 * per bin; observing a row is O(features) (O(log bins) for a numeric lookup) and never rescans
 * the window, so a server can call it on every request.
 */
import { PreprocessError } from './errors';
import { numericBinOf, parseReferenceStats, type FeatureReference, type ReferenceStats } from './reference-stats';
import type { RawRow } from './types';
import { describeValue, fieldOf, isMissing, isRowObject, parseNumeric, readCategory } from './values';

export type DriftLevel = 'none' | 'moderate' | 'significant';

export const DRIFT_THRESHOLDS = { moderate: 0.1, significant: 0.25 } as const;
export const DEFAULT_PSI_EPSILON = 1e-4;

export function driftLevel(psi: number): DriftLevel {
  if (psi >= DRIFT_THRESHOLDS.significant) return 'significant';
  return psi >= DRIFT_THRESHOLDS.moderate ? 'moderate' : 'none';
}

/** PSI between two distributions over the same bins, given as fractions or as counts (each is normalised). */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[], epsilon = DEFAULT_PSI_EPSILON): number {
  if (!(epsilon > 0 && epsilon < 1)) throw new PreprocessError('bad-argument', `epsilon: expected a number between 0 and 1, got ${describeValue(epsilon)}`);
  if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length || expected.length === 0) {
    throw new PreprocessError('bad-argument', 'expected and actual must be non-empty arrays of the same length (one share per bin)');
  }
  return psiOf(expected, totalOf(expected, 'expected'), actual, totalOf(actual, 'actual'), epsilon);
}

function totalOf(shares: readonly unknown[], name: string): number {
  let total = 0;
  shares.forEach((share, i) => {
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0) {
      throw new PreprocessError('bad-argument', `${name}[${i}]: expected a share of at least 0, got ${describeValue(share)}`);
    }
    total += share;
  });
  if (total === 0) throw new PreprocessError('bad-argument', `${name}: the shares add up to 0; there is no distribution`);
  return total;
}

function psiOf(expected: ArrayLike<number>, expectedTotal: number, actual: ArrayLike<number>, actualTotal: number, epsilon: number): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const expectedShare = Math.max((expected[i] as number) / expectedTotal, epsilon);
    const actualShare = Math.max((actual[i] as number) / actualTotal, epsilon);
    psi += (actualShare - expectedShare) * Math.log(actualShare / expectedShare);
  }
  return psi;
}

export type DriftReport = {
  rowsInWindow: number;
  /** Whether the window holds at least `minRows` rows; until then `drifted` stays false. */
  hasEnoughRows: boolean;
  features: { name: string; psi: number; level: DriftLevel }[];
  /** True when the window is full enough and some feature's drift is significant. */
  drifted: boolean;
};

export type DriftMonitorOptions = {
  /** How many of the latest rows the window holds (default 1000). */
  windowSize?: number;
  /**
   * Rows needed before `drifted` can be true (default 100, or windowSize if smaller): a handful of
   * requests always looks unlike the training data, so a fresh server would cry drift at once.
   */
  minRows?: number;
};

/** One feature's bins: the reference shares and the live counts, plus how a raw value finds its bin. */
type FeatureBins = {
  name: string;
  expected: Float64Array;
  counts: Int32Array;
  binOf: (value: unknown) => number;
};

export class DriftMonitor {
  private readonly features: FeatureBins[];
  private readonly windowSize: number;
  private readonly minRows: number;
  /** windowSize × features: the bin each feature of each windowed row fell in. */
  private readonly slots: Int32Array;
  /** The slot the next row overwrites. */
  private next: number;
  private size: number;

  constructor(reference: ReferenceStats, options: DriftMonitorOptions = {}) {
    this.features = parseReferenceStats(reference).features.map(binsOf);
    this.windowSize = options.windowSize ?? 1000;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) {
      throw new PreprocessError('bad-argument', `windowSize: expected a positive integer, got ${describeValue(options.windowSize)}`);
    }
    this.minRows = options.minRows ?? Math.min(100, this.windowSize);
    if (!Number.isInteger(this.minRows) || this.minRows < 1 || this.minRows > this.windowSize) {
      throw new PreprocessError('bad-argument', `minRows: expected an integer from 1 to windowSize (${this.windowSize}), got ${describeValue(options.minRows)}`);
    }
    this.slots = new Int32Array(this.windowSize * this.features.length);
    this.next = 0;
    this.size = 0;
  }

  /** Adds rows to the window, forgetting the oldest beyond windowSize. Never throws on bad values: they count as missing. */
  observe(rows: readonly RawRow[]): void {
    if (!Array.isArray(rows)) throw new PreprocessError('bad-argument', `rows: expected an array of rows, got ${describeValue(rows)}`);
    // Rows that would be pushed out by later rows of the same batch never need a slot.
    for (let i = Math.max(0, rows.length - this.windowSize); i < rows.length; i++) this.add(rows[i]);
  }

  report(): DriftReport {
    const features = this.features.map(({ name, expected, counts }) => {
      const psi = this.size === 0 ? 0 : psiOf(expected, 1, counts, this.size, DEFAULT_PSI_EPSILON);
      return { name, psi, level: driftLevel(psi) };
    });
    const hasEnoughRows = this.size >= this.minRows;
    return {
      rowsInWindow: this.size,
      hasEnoughRows,
      features,
      drifted: hasEnoughRows && features.some((feature) => feature.level === 'significant'),
    };
  }

  private add(row: unknown): void {
    const isObject = isRowObject(row);
    const isFull = this.size === this.windowSize;
    const base = this.next * this.features.length;
    for (let f = 0; f < this.features.length; f++) {
      const feature = this.features[f] as FeatureBins;
      if (isFull) {
        const evicted = this.slots[base + f] as number;
        feature.counts[evicted] = (feature.counts[evicted] as number) - 1;
      }
      const bin = feature.binOf(isObject ? fieldOf(row, feature.name) : undefined);
      this.slots[base + f] = bin;
      feature.counts[bin] = (feature.counts[bin] as number) + 1;
    }
    this.next = (this.next + 1) % this.windowSize;
    if (!isFull) this.size += 1;
  }
}

function binsOf(reference: FeatureReference): FeatureBins {
  if (reference.kind === 'numeric') {
    const edges = Float64Array.from(reference.binEdges);
    const nullBin = edges.length + 1;
    return {
      name: reference.name,
      expected: Float64Array.from([...reference.binFractions, reference.nullFraction]),
      counts: new Int32Array(nullBin + 1),
      binOf: (value) => {
        if (isMissing(value)) return nullBin;
        const number = parseNumeric(value);
        return Number.isNaN(number) ? nullBin : numericBinOf(edges, number);
      },
    };
  }
  const categories = Object.keys(reference.frequencies);
  const indexOf = new Map(categories.map((category, index) => [category, index]));
  const otherBin = categories.length;
  const nullBin = otherBin + 1;
  return {
    name: reference.name,
    expected: Float64Array.from([...categories.map((category) => reference.frequencies[category] as number), reference.otherFraction, reference.nullFraction]),
    counts: new Int32Array(nullBin + 1),
    binOf: (value) => {
      if (isMissing(value)) return nullBin;
      const category = readCategory(value);
      return category === null ? nullBin : (indexOf.get(category) ?? otherBin);
    },
  };
}
