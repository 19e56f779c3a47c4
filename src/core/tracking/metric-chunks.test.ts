import { describe, expect, it } from 'vitest';
import type { RunId } from '../../lib/ids';
import { blockOf, CHUNK_STEPS, chunkPoints, concatChunks, groupIntoChunks, mergeIntoChunk, pointsToChunkUpdates, type ChunkUpdate, type MetricChunk } from './metric-chunks';
import type { MetricPoint, MetricSeries } from './types';

const RUN = 'run-a' as RunId;
type Logged = { key: string; step: number; value: number; timestamp: number };
const logged = (step: number, value: number, key = 'loss'): Logged => ({ key, step, value, timestamp: 1_000 + step });
/** Points of one key as the columns the kernel sends. */
const seriesOf = (points: readonly Logged[]): MetricSeries => ({
  key: points[0]?.key ?? 'loss',
  steps: Float64Array.from(points, (point) => point.step),
  values: Float64Array.from(points, (point) => point.value),
  timestamps: Float64Array.from(points, (point) => point.timestamp),
});
const updateValues = (update: ChunkUpdate): number[] => Array.from(update.values);
const steps = (chunk: MetricChunk): number[] => Array.from(chunk.steps);
const values = (chunk: MetricChunk): number[] => Array.from(chunk.values);

describe('blockOf', () => {
  it.each([
    { step: 0, block: 0 },
    { step: CHUNK_STEPS - 1, block: 0 },
    { step: CHUNK_STEPS, block: 1 },
    { step: 2.5, block: 0 },
    { step: -1, block: -1 },
    { step: 1e15, block: 1e15 / CHUNK_STEPS },
  ])('step $step is in block $block', ({ step, block }) => {
    expect(blockOf(step)).toBe(block);
  });
});

describe('groupIntoChunks', () => {
  it('splits a run\'s series by block, each chunk\'s points in logging order', () => {
    const loss = seriesOf([logged(998, 1), logged(999, 3), logged(1000, 4), logged(5, 5)]);
    const acc = seriesOf([logged(998, 2, 'acc'), logged(1001, 6, 'acc')]);
    const groups = [...groupIntoChunks(RUN, [loss, acc]).values()];
    expect(groups.map((group) => [group.key, group.block, updateValues(group)])).toEqual([
      ['loss', 0, [1, 3, 5]],
      ['loss', 1, [4]],
      ['acc', 0, [2]],
      ['acc', 1, [6]],
    ]);
    expect(groups.every((group) => group.runId === RUN)).toBe(true);
  });
});

describe('mergeIntoChunk', () => {
  const update = (points: Logged[]): ChunkUpdate => ({ runId: RUN, block: 0, ...seriesOf(points) });

  it('starts a chunk from points logged forward, NaN and ±Infinity kept as they are', () => {
    const chunk = mergeIntoChunk(undefined, update([logged(0, 0.5), logged(1, Number.NaN), logged(2, Number.POSITIVE_INFINITY), logged(3, Number.NEGATIVE_INFINITY)]));
    expect(chunk).toMatchObject({ runId: RUN, key: 'loss', block: 0 });
    expect(steps(chunk)).toEqual([0, 1, 2, 3]);
    expect(values(chunk)).toEqual([0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Array.from(chunk.timestamps)).toEqual([1_000, 1_001, 1_002, 1_003]);
  });

  it('appends to what is stored', () => {
    const stored = mergeIntoChunk(undefined, update([logged(0, 1), logged(1, 2)]));
    const chunk = mergeIntoChunk(stored, update([logged(2, 3), logged(7, 4)]));
    expect(steps(chunk)).toEqual([0, 1, 2, 7]);
    expect(values(chunk)).toEqual([1, 2, 3, 4]);
  });

  it('replaces a step logged again (the later value and time win) and sorts steps logged out of order', () => {
    const stored = mergeIntoChunk(undefined, update([logged(1, 1), logged(3, 3)]));
    const chunk = mergeIntoChunk(stored, update([logged(2, 20), { ...logged(3, 30), timestamp: 9 }, logged(0, 0), logged(2, 21)]));
    expect(steps(chunk)).toEqual([0, 1, 2, 3]);
    expect(values(chunk)).toEqual([0, 1, 21, 30]);
    expect(chunk.timestamps[3]).toBe(9);
  });
});

describe('chunks back to points', () => {
  it('concatenates a key\'s chunks in block order and expands chunks to the points they hold', () => {
    const points: MetricPoint[] = [0, 1, CHUNK_STEPS, CHUNK_STEPS + 2].map((step) => ({ runId: RUN, ...logged(step, step / 10) }));
    const chunks = pointsToChunkUpdates(points).map((update) => mergeIntoChunk(undefined, update));
    expect(chunks.map((chunk) => chunk.block)).toEqual([0, 1]);
    expect(chunks.flatMap(chunkPoints)).toEqual(points);
    const series = concatChunks(chunks);
    expect(Array.from(series.steps)).toEqual([0, 1, CHUNK_STEPS, CHUNK_STEPS + 2]);
    expect(Array.from(series.values)).toEqual(points.map((point) => point.value));
    expect(concatChunks([])).toEqual({ steps: new Float64Array(), values: new Float64Array(), timestamps: new Float64Array() });
  });

  it('keeps the runs of mixed points apart', () => {
    const other = 'run-b' as RunId;
    const updates = pointsToChunkUpdates([{ runId: RUN, ...logged(0, 1) }, { runId: other, ...logged(0, 2) }, { runId: RUN, ...logged(1, 3) }]);
    expect(updates.map((update) => [update.runId, updateValues(update)])).toEqual([
      [RUN, [1, 3]],
      [other, [2]],
    ]);
  });
});
