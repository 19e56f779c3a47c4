import { describe, expect, it } from 'vitest';
import { runId } from './__fixtures__/make-run';
import { alignOnX, chartSeries, chartSeriesOfColumns, countNonFinite, downsample, downsampleLttb, downsampleMinMax, smoothEma, splitNonFinite, toXY, type XY } from './series';
import type { MetricPoint } from './types';

const point = (step: number, value: number, timestamp = 1_000 + step * 500): MetricPoint => ({ runId: runId('r'), key: 'loss', step, value, timestamp });
const xy = (...ys: number[]): XY[] => ys.map((y, x) => ({ x, y }));
const xs = (points: readonly XY[]): number[] => points.map((p) => p.x);

describe('toXY', () => {
  const points = [point(2, 0.2, 3_000), point(0, 1, 1_000), point(1, 0.5, 2_000), point(1, 0.4, 2_500)];
  it.each([
    { mode: 'step', startedAt: undefined, expected: [{ x: 0, y: 1 }, { x: 1, y: 0.5 }, { x: 1, y: 0.4 }, { x: 2, y: 0.2 }] },
    { mode: 'relative', startedAt: undefined, expected: [{ x: 0, y: 1 }, { x: 1, y: 0.5 }, { x: 1.5, y: 0.4 }, { x: 2, y: 0.2 }] },
    { mode: 'relative', startedAt: 0, expected: [{ x: 1, y: 1 }, { x: 2, y: 0.5 }, { x: 2.5, y: 0.4 }, { x: 3, y: 0.2 }] },
    { mode: 'wall', startedAt: undefined, expected: [{ x: 1_000, y: 1 }, { x: 2_000, y: 0.5 }, { x: 2_500, y: 0.4 }, { x: 3_000, y: 0.2 }] },
  ] as const)('$mode axis (run started at $startedAt), sorted, equal x in logging order', ({ mode, startedAt, expected }) => {
    expect(toXY(points, mode, startedAt)).toEqual(expected);
  });
});

describe('smoothEma', () => {
  const third = 1 + 2 / 3;
  it.each([
    { name: 'weight 0 is the identity', values: [3, 1, 2], weight: 0, expected: [3, 1, 2] },
    { name: 'debiased: the first value is the data', values: [1, 2], weight: 0.5, expected: [1, third] },
    { name: 'a constant stays constant', values: [4, 4, 4, 4], weight: 0.9, expected: [4, 4, 4, 4] },
    { name: 'NaN and Infinity pass through and do not disturb the average', values: [1, Number.NaN, Number.POSITIVE_INFINITY, 2], weight: 0.5, expected: [1, Number.NaN, Number.POSITIVE_INFINITY, third] },
    { name: 'a negative weight counts as 0', values: [3, 1], weight: -1, expected: [3, 1] },
    { name: 'a NaN weight counts as 0', values: [3, 1], weight: Number.NaN, expected: [3, 1] },
    { name: 'weight 1 is clamped to 0.999 (still moves)', values: [0, 1], weight: 1, expected: [0, 0.999 * 0 + 0.001 / (1 - 0.999 ** 2)] },
    { name: 'empty', values: [], weight: 0.6, expected: [] },
  ])('$name', ({ values, weight, expected }) => {
    const smoothed = smoothEma(values, weight);
    expect(smoothed).toHaveLength(expected.length);
    smoothed.forEach((value, i) => (Number.isFinite(expected[i]) ? expect(value).toBeCloseTo(expected[i]!, 12) : expect(value).toBe(expected[i])));
  });
});

describe('splitNonFinite', () => {
  it('keeps drawable points apart from NaN, ±Infinity and points without a finite x', () => {
    const points = [{ x: 0, y: 1 }, { x: 1, y: Number.NaN }, { x: 2, y: Number.NEGATIVE_INFINITY }, { x: Number.NaN, y: 3 }, { x: 4, y: 5 }];
    expect(splitNonFinite(points)).toEqual({ finite: [points[0], points[4]], nonFinite: [points[1], points[2], points[3]] });
  });
});

describe('downsampleMinMax', () => {
  it('keeps the first, lowest, highest and last point of each x bucket, in x order', () => {
    const points = xy(5, 1, 9, 3, 4, 6, 2, 8, 0, 7, 3, 5);
    expect(xs(downsampleMinMax(points, 2))).toEqual([0, 1, 2, 5, 6, 7, 8, 11]);
  });

  it.each([
    { name: 'short series are returned whole', points: xy(1, 2, 3), buckets: 1, expected: [0, 1, 2] },
    { name: 'one x for all points', points: Array.from({ length: 9 }, (_, i) => ({ x: 0, y: i % 3 })), buckets: 2, expected: [0, 0, 0] },
    { name: 'zero width counts as one bucket', points: xy(1, 5, 0, 2, 3), buckets: 0, expected: [0, 1, 2, 4] },
    { name: 'empty', points: [], buckets: 10, expected: [] },
  ])('$name', ({ points, buckets, expected }) => {
    expect(xs(downsampleMinMax(points, buckets))).toEqual(expected);
  });

  it('keeps every spike of a long history, and nothing that was not in it', () => {
    const points = Array.from({ length: 100_000 }, (_, i) => ({ x: i, y: Math.sin(i / 1_000) }));
    const spikes = [{ x: 12_345, y: 50 }, { x: 12_346, y: -50 }, { x: 77_777, y: 9 }];
    for (const spike of spikes) points[spike.x] = spike;
    const shown = downsampleMinMax(points, 800);
    expect(shown.length).toBeLessThanOrEqual(4 * 800);
    expect(shown).toEqual(expect.arrayContaining(spikes));
    expect(shown[0]).toBe(points[0]);
    expect(shown.at(-1)).toBe(points.at(-1));
    expect(shown.every((p) => points[p.x] === p)).toBe(true);
    expect(shown.every((p, i) => i === 0 || p.x > shown[i - 1]!.x)).toBe(true);
  });

  it('lets NaN and ±Infinity through at their x, one per kind per bucket, without touching the min and max', () => {
    const points = Array.from({ length: 1_000 }, (_, i) => ({ x: i, y: i < 500 ? i : Number.NaN }));
    points[100] = { x: 100, y: Number.POSITIVE_INFINITY };
    points[101] = { x: 101, y: Number.NEGATIVE_INFINITY };
    const shown = downsampleMinMax(points, 2);
    expect(shown.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [100, Number.POSITIVE_INFINITY],
      [101, Number.NEGATIVE_INFINITY],
      [249, 249],
      [250, 250],
      [499, 499],
      [500, Number.NaN],
    ]);
  });
});

describe('downsampleLttb', () => {
  it('picks the point making the largest triangle in each bucket', () => {
    const points = [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 0 }, { x: 3, y: 5 }, { x: 4, y: 0 }];
    // One bucket → a threshold of 4 points: the ends, then (1,1) and the spike (3,5).
    expect(downsampleLttb(points, 1)).toEqual([points[0], points[1], points[3], points[4]]);
  });

  it('reduces a long history to about 4 points per bucket, ends included, NaN passed through', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 5_000 ? Number.NaN : Math.cos(i / 300) }));
    const shown = downsampleLttb(points, 100);
    expect(shown.filter((p) => Number.isFinite(p.y))).toHaveLength(400);
    expect(shown.filter((p) => Number.isNaN(p.y)).map((p) => p.x)).toEqual([5_000]);
    expect(shown[0]).toBe(points[0]);
    expect(shown.at(-1)).toBe(points.at(-1));
  });
});

describe('downsample', () => {
  it('reports non-finite values separately from the line', () => {
    const points = xy(1, Number.NaN, 3, Number.POSITIVE_INFINITY);
    expect(downsample(points, 10)).toEqual({ line: [points[0], points[2]], nonFinite: [points[1], points[3]] });
  });
});

describe('chartSeries', () => {
  it('applies the x axis, smooths the full history, then separates the values a line cannot draw', () => {
    const points = [point(0, 1, 10_000), point(1, 2, 12_000), point(2, Number.NaN, 13_000)];
    const series = chartSeries(points, { xAxis: 'relative', smoothing: 0.5, buckets: 100, startedAt: 9_000 });
    expect(series.line.map((p) => p.x)).toEqual([1, 3]);
    expect(series.line[1]!.y).toBeCloseTo(1 + 2 / 3, 12);
    expect(series.nonFinite).toEqual([{ x: 4, y: Number.NaN }]);
  });

  // Speed at this size belongs in `npm run bench`, not in a test: here only the result counts.
  it('prepares 20 runs × 3 metrics × 10,000 steps down to at most 4 points per bucket', () => {
    const histories = Array.from({ length: 60 }, (_, s) => Array.from({ length: 10_000 }, (_, i) => point(i, Math.exp(-i / 2_000) + ((i * 7919 + s) % 13) / 100)));
    const prepareAll = () => histories.map((points) => chartSeries(points, { xAxis: 'step', smoothing: 0.6, buckets: 800 }));
    const series = prepareAll();
    expect(series.every((s) => s.line.length <= 3_200 && s.line.length > 800)).toBe(true);
  });
});

describe('chartSeriesOfColumns', () => {
  const columnsOf = (points: readonly MetricPoint[]) => ({
    steps: Float64Array.from(points, (p) => p.step),
    values: Float64Array.from(points, (p) => p.value),
    timestamps: Float64Array.from(points, (p) => p.timestamp),
  });

  it('gives what chartSeries gives for the same points, on every axis', () => {
    const points = [point(0, 1, 5_000), point(1, Number.NaN, 4_000), point(2, 3, 6_000), point(3, Number.NEGATIVE_INFINITY, 6_500), point(4, 0.5, 7_000)];
    for (const xAxis of ['step', 'relative', 'wall'] as const) {
      const options = { xAxis, smoothing: 0.3, buckets: 1, startedAt: 3_000 };
      expect(chartSeriesOfColumns(columnsOf(points), options)).toEqual(chartSeries(points, options));
    }
  });

  it('keeps a spike of a 10,000-step history, and does not touch the columns it reads', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => point(i, i === 6_543 ? 100 : Math.cos(i / 500)));
    const columns = columnsOf(points);
    const series = chartSeriesOfColumns(columns, { xAxis: 'step', smoothing: 0.5, buckets: 300 });
    expect(series.line.length).toBeLessThanOrEqual(1_200);
    const highest = series.line.reduce((top, p) => (p.y > top.y ? p : top));
    expect(highest.x).toBe(6_543);
    expect(columns.values[6_543]).toBe(100);
  });
});

describe('countNonFinite', () => {
  it('counts NaN and both infinities', () => {
    expect(countNonFinite(Float64Array.of(1, Number.NaN, Number.POSITIVE_INFINITY, -0, Number.NEGATIVE_INFINITY))).toBe(3);
    expect(countNonFinite([])).toBe(0);
  });
});

describe('alignOnX', () => {
  it('puts series on the union of their x values, null where a series has none, NaN kept', () => {
    const aligned = alignOnX([
      [{ x: 0, y: 1 }, { x: 2, y: 3 }, { x: 2, y: 4 }],
      [{ x: 1, y: Number.NaN }, { x: 2, y: 5 }],
    ]);
    expect(aligned).toEqual({ x: [0, 1, 2], y: [[1, null, 4], [null, Number.NaN, 5]] });
  });
});
