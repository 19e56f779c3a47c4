/**
 * Metric histories as chart lines: x-axis choice, TensorBoard-style smoothing, and downsampling
 * that keeps a long history's true shape (a chart 800 pixels wide gains nothing from 100,000
 * points, but it must still show the one spike among them).
 *
 * NaN and ±Infinity are data here (a diverged loss), never a reason to crash: they stay out of all
 * arithmetic, and every function lets them through so a chart can mark where they happened.
 */
import { assertNever } from '../../lib/invariant';
import type { MetricPoint } from './types';
import { pointsToColumns } from './metric-chunks';

export type XY = { readonly x: number; readonly y: number };

/** 'step': the logged step; 'relative': seconds since the run started; 'wall': epoch milliseconds (a date axis). */
export type XAxisMode = 'step' | 'relative' | 'wall';

export type DownsampleMethod = 'min-max' | 'lttb';

/** Points in increasing x; points that share an x keep their logging order. */
export function toXY(points: readonly MetricPoint[], mode: XAxisMode, startedAt?: number): XY[] {
  const x = xColumn(pointsToColumns(points), mode, startedAt);
  const order = orderByX(x);
  return Array.from(order ?? x, (_, i) => {
    const index = order === null ? i : order[i]!;
    return { x: x[index]!, y: points[index]!.value };
  });
}

/** Null when `x` is already ascending (the usual case: points arrive by step), else the stable sorting permutation. */
function orderByX(x: ArrayLike<number>): Int32Array | null {
  for (let i = 1; i < x.length; i += 1) {
    if (x[i]! < x[i - 1]!) return Int32Array.from({ length: x.length }, (_, index) => index).sort((a, b) => (x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : a - b));
  }
  return null;
}

/** The largest smoothing weight: at 1 the average would never move. */
export const MAX_SMOOTHING = 0.999;

type NumberArray = { readonly length: number; [index: number]: number };

/** smoothEma's arithmetic, in place, so the compare view smooths 600,000 values without copying them around. */
function smoothInPlace(values: NumberArray, weight: number): void {
  const clamped = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), MAX_SMOOTHING) : 0;
  if (clamped === 0) return;
  let average = 0;
  let bias = 1;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    average = average * clamped + (1 - clamped) * value;
    bias *= clamped;
    values[i] = average / (1 - bias);
  }
}

/**
 * Exponential moving average with TensorBoard's debiasing: early values are divided by
 * (1 - weight^count), so the curve starts at the data instead of climbing from zero.
 * `weight` is clamped to 0..0.999 (0 returns the values unchanged). Non-finite values are
 * returned as they are and do not enter the average.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  const smoothed = [...values];
  smoothInPlace(smoothed, weight);
  return smoothed;
}

/** Splits points into those a line can draw and those a chart should mark instead (y is NaN or ±Infinity, or x is not finite). */
export function splitNonFinite(points: readonly XY[]): { finite: XY[]; nonFinite: XY[] } {
  const finite: XY[] = [];
  const nonFinite: XY[] = [];
  for (const point of points) (Number.isFinite(point.x) && Number.isFinite(point.y) ? finite : nonFinite).push(point);
  return { finite, nonFinite };
}

/**
 * A series as two parallel columns sorted by x. The downsamplers work on these and answer with
 * indices, so no per-point objects are made for the hundreds of thousands of points they drop.
 */
type Columns = { readonly x: NumberArray; readonly y: NumberArray };

const isDrawable = (columns: Columns, i: number): boolean => Number.isFinite(columns.x[i]!) && Number.isFinite(columns.y[i]!);

/** Pixel buckets: a count of at least 1, whatever a hidden or not-yet-measured chart reports as its width. */
function bucketCount(buckets: number): number {
  return Number.isFinite(buckets) && buckets >= 1 ? Math.floor(buckets) : 1;
}

/** Maps x to its bucket over [low, high] (the drawable points' x range). */
function bucketer(low: number, high: number, buckets: number): (x: number) => number {
  const span = high - low;
  if (!(span > 0)) return () => 0;
  return (x) => Math.min(buckets - 1, Math.max(0, Math.floor(((x - low) / span) * buckets)));
}

function drawableIndices(columns: Columns): Int32Array {
  const indices = new Int32Array(columns.x.length);
  let count = 0;
  for (let i = 0; i < columns.x.length; i += 1) if (isDrawable(columns, i)) indices[count++] = i;
  return indices.subarray(0, count);
}

/**
 * Per x bucket, the first, lowest, highest and last point, in x order: at most 4 points per
 * bucket, and every spike survives because a bucket's extremes are always kept.
 */
function minMaxPerBucket(columns: Columns, drawable: Int32Array, buckets: number): Int32Array {
  if (drawable.length <= 4 * buckets) return drawable;
  const { x, y } = columns;
  const bucketOf = bucketer(x[drawable[0]!]!, x[drawable[drawable.length - 1]!]!, buckets);
  const kept: number[] = [];
  let bucket = -1;
  let first = 0;
  let low = 0;
  let high = 0;
  let last = 0;
  const flush = (): void => {
    for (const index of [...new Set([first, low, high, last])].sort((a, b) => a - b)) kept.push(index);
  };
  for (let i = 0; i < drawable.length; i += 1) {
    const index = drawable[i]!;
    const current = bucketOf(x[index]!);
    if (current !== bucket) {
      if (bucket >= 0) flush();
      bucket = current;
      first = low = high = last = index;
      continue;
    }
    if (y[index]! < y[low]!) low = index;
    if (y[index]! > y[high]!) high = index;
    last = index;
  }
  flush();
  return Int32Array.from(kept);
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last points and, from
 * each of `threshold - 2` equal index ranges, the point forming the largest triangle with the point
 * kept before it and the average of the next range. Shape-preserving, but a lone spike can lose to
 * a larger triangle nearby; min-max keeps every one.
 */
function largestTriangleThreeBuckets(columns: Columns, drawable: Int32Array, threshold: number): Int32Array {
  const count = drawable.length;
  if (threshold >= count || threshold < 3) return drawable;
  const { x, y } = columns;
  const kept = new Int32Array(threshold);
  kept[0] = drawable[0]!;
  const every = (count - 2) / (threshold - 2);
  let anchor = drawable[0]!;
  for (let bucket = 0; bucket < threshold - 2; bucket += 1) {
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, count);
    let averageX = 0;
    let averageY = 0;
    for (let i = nextStart; i < nextEnd; i += 1) {
      averageX += x[drawable[i]!]!;
      averageY += y[drawable[i]!]!;
    }
    const nextCount = Math.max(nextEnd - nextStart, 1);
    averageX /= nextCount;
    averageY /= nextCount;
    const anchorX = x[anchor]!;
    const anchorY = y[anchor]!;
    let chosen = drawable[Math.floor(bucket * every) + 1]!;
    let largestArea = -1;
    for (let i = Math.floor(bucket * every) + 1; i < nextStart; i += 1) {
      const index = drawable[i]!;
      const area = Math.abs((anchorX - averageX) * (y[index]! - anchorY) - (anchorX - x[index]!) * (averageY - anchorY));
      if (area > largestArea) {
        largestArea = area;
        chosen = index;
      }
    }
    kept[bucket + 1] = chosen;
    anchor = chosen;
  }
  kept[threshold - 1] = drawable[count - 1]!;
  return kept;
}

/** Kind of a non-finite value, so one NaN marker does not hide an Infinity in the same bucket. */
function nonFiniteKind(y: number): 0 | 1 | 2 {
  return Number.isNaN(y) ? 0 : y > 0 ? 1 : 2;
}

/**
 * Indices of the points to mark: non-finite y at a finite x, thinned to the first NaN, the first
 * +Infinity and the first -Infinity per x bucket (one marker each per pixel).
 */
function markerIndices(columns: Columns, drawable: Int32Array, buckets: number): number[] {
  const { x, y } = columns;
  const candidates: number[] = [];
  for (let i = 0; i < x.length; i += 1) if (Number.isFinite(x[i]!) && !Number.isFinite(y[i]!)) candidates.push(i);
  if (candidates.length <= buckets) return candidates;
  const low = drawable.length > 0 ? x[drawable[0]!]! : x[candidates[0]!]!;
  const high = drawable.length > 0 ? x[drawable[drawable.length - 1]!]! : x[candidates.at(-1)!]!;
  const bucketOf = bucketer(low, high, buckets);
  const seen = new Set<number>();
  return candidates.filter((index) => {
    const slot = bucketOf(x[index]!) * 3 + nonFiniteKind(y[index]!);
    if (seen.has(slot)) return false;
    seen.add(slot);
    return true;
  });
}

type DownsampledIndices = { readonly line: ArrayLike<number>; readonly markers: readonly number[] };

function downsampleIndices(columns: Columns, buckets: number, method: DownsampleMethod): DownsampledIndices {
  const count = bucketCount(buckets);
  const drawable = drawableIndices(columns);
  let line: Int32Array;
  switch (method) {
    case 'min-max':
      line = minMaxPerBucket(columns, drawable, count);
      break;
    case 'lttb':
      line = largestTriangleThreeBuckets(columns, drawable, Math.max(3, 4 * count));
      break;
    default:
      return assertNever(method, 'downsampling method');
  }
  return { line, markers: markerIndices(columns, drawable, count) };
}

/** A plain loop: Float64Array.from(array, mapper) goes through the iterator protocol and is many times slower. */
function column<T>(items: readonly T[], read: (item: T) => number): Float64Array {
  const values = new Float64Array(items.length);
  for (let i = 0; i < items.length; i += 1) values[i] = read(items[i]!);
  return values;
}

function columnsOf(points: readonly XY[]): Columns {
  return { x: column(points, (point) => point.x), y: column(points, (point) => point.y) };
}

export type ChartSeries = {
  /** Finite points to draw as a line, at most 4 per bucket. */
  readonly line: XY[];
  /** NaN and ±Infinity values to mark (y holds the value itself), thinned to one per kind per bucket. */
  readonly nonFinite: XY[];
};

/**
 * Downsamples points already in x order to about 4 per bucket. Non-finite values stay out of
 * the arithmetic and come back separately; points without a finite x are dropped.
 */
export function downsample(points: readonly XY[], buckets: number, method: DownsampleMethod = 'min-max'): ChartSeries {
  const { line, markers } = downsampleIndices(columnsOf(points), buckets, method);
  return { line: Array.from(line, (index) => points[index]!), nonFinite: markers.map((index) => points[index]!) };
}

/** The kept points of both kinds back in x order, as the downsampled series a chart draws in one trace. */
function inXOrder(points: readonly XY[], { line, markers }: DownsampledIndices): XY[] {
  return [...Array.from(line), ...markers].sort((a, b) => a - b).map((index) => points[index]!);
}

/** Min/max per pixel bucket over points in x order; NaN/±Infinity pass through (thinned) at their x so a chart can mark them. */
export function downsampleMinMax(points: readonly XY[], buckets: number): XY[] {
  return inXOrder(points, downsampleIndices(columnsOf(points), buckets, 'min-max'));
}

/** LTTB down to 4 points per bucket over points in x order; NaN/±Infinity pass through (thinned) at their x. */
export function downsampleLttb(points: readonly XY[], buckets: number): XY[] {
  return inXOrder(points, downsampleIndices(columnsOf(points), buckets, 'lttb'));
}

export type ChartSeriesOptions = {
  readonly xAxis: XAxisMode;
  /** 0 (off) to 0.999. */
  readonly smoothing: number;
  /** Usually the plot's width in pixels. */
  readonly buckets: number;
  readonly method?: DownsampleMethod;
  /** The run's start, the origin of the 'relative' axis (default: its earliest point). */
  readonly startedAt?: number;
};

/** One run's history of one metric, ready to plot: x-axis applied, smoothed over the full history, then downsampled. */
export function chartSeries(points: readonly MetricPoint[], options: ChartSeriesOptions): ChartSeries {
  return chartSeriesOfColumns(pointsToColumns(points), options);
}

/** A history as stored (parallel columns, see metric-chunks.ts): no per-point objects are made for the points the chart drops. */
export type SeriesColumns = { readonly steps: ArrayLike<number>; readonly values: ArrayLike<number>; readonly timestamps: ArrayLike<number> };

/** chartSeries for a history kept as columns. */
export function chartSeriesOfColumns(columns: SeriesColumns, options: ChartSeriesOptions): ChartSeries {
  const rawX = xColumn(columns, options.xAxis, options.startedAt);
  const order = orderByX(rawX);
  const x = order === null ? rawX : permuted(rawX, order);
  const y = permuted(columns.values, order);
  smoothInPlace(y, options.smoothing);
  const { line, markers } = downsampleIndices({ x, y }, options.buckets, options.method ?? 'min-max');
  const at = (index: number): XY => ({ x: x[index]!, y: y[index]! });
  return { line: Array.from(line, at), nonFinite: markers.map(at) };
}

/** How many values of a history are NaN or ±Infinity (what a chart marks instead of drawing). */
export function countNonFinite(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i += 1) if (!Number.isFinite(values[i]!)) count += 1;
  return count;
}

/** The x of every point on the chosen axis, as a fresh column. */
function xColumn({ steps, timestamps }: SeriesColumns, mode: XAxisMode, startedAt: number | undefined): Float64Array {
  switch (mode) {
    case 'step':
      return new Float64Array(steps);
    case 'relative': {
      let origin = startedAt ?? Number.POSITIVE_INFINITY;
      if (startedAt === undefined) for (let i = 0; i < timestamps.length; i += 1) origin = Math.min(origin, timestamps[i]!);
      const x = new Float64Array(timestamps.length);
      for (let i = 0; i < x.length; i += 1) x[i] = (timestamps[i]! - origin) / 1000;
      return x;
    }
    case 'wall':
      return new Float64Array(timestamps);
    default:
      return assertNever(mode, 'x-axis mode');
  }
}

/** A copy of `values` in `order` (or as they are when order is null). */
function permuted(values: ArrayLike<number>, order: Int32Array | null): Float64Array {
  if (order === null) return new Float64Array(values);
  const copy = new Float64Array(order.length);
  for (let i = 0; i < order.length; i += 1) copy[i] = values[order[i]!]!;
  return copy;
}

export type AlignedSeries = {
  /** Every x that occurs in any series, ascending. */
  readonly x: number[];
  /** Per series, its value at each x (the last one logged there), or null where it has none. */
  readonly y: (number | null)[][];
};

/** Puts several runs' series on one shared x grid (e.g. steps), for side-by-side tables and shared hover. */
export function alignOnX(series: readonly (readonly XY[])[]): AlignedSeries {
  const maps = series.map((points) => new Map(points.map((point) => [point.x, point.y] as const)));
  const xs = [...new Set(maps.flatMap((map) => [...map.keys()]))].sort((a, b) => a - b);
  return { x: xs, y: maps.map((map) => xs.map((x) => map.get(x) ?? null)) };
}
