/**
 * How metric points are stored: one chunk per run, key and block of CHUNK_STEPS consecutive steps,
 * holding its steps, values and timestamps as parallel Float64Arrays. A million points are then a
 * thousand rows instead of a million (IndexedDB's cost is per row), a curve is one range read,
 * and NaN/±Infinity survive as they are (Float64Array keeps every IEEE value, structured clone
 * copies it bit for bit).
 *
 * A step is stored once per run and key: logging it again replaces its value and timestamp, as the
 * per-point layout keyed by [runId+key+step] did.
 */
import type { RunId } from '../../lib/ids';
import type { MetricPoint, MetricSeries } from './types';
import { packColumn, unpackColumn, type PackedColumn } from './linear-runs';

/** Steps per chunk: chunk `block` of a key holds the steps in [block × CHUNK_STEPS, (block + 1) × CHUNK_STEPS). */
export const CHUNK_STEPS = 1000;

/** Parallel columns of one series, in ascending step order, each step once. */
export type MetricColumns = {
  readonly steps: Float64Array;
  readonly values: Float64Array;
  readonly timestamps: Float64Array;
};

export type MetricChunk = MetricColumns & {
  readonly runId: RunId;
  readonly key: string;
  readonly block: number;
};

/** A chunk as IndexedDB stores it: steps and timestamps packed (see linear-runs.ts), values as they are. */
export type MetricChunkRow = {
  readonly runId: RunId;
  readonly key: string;
  readonly block: number;
  /** How many points the chunk holds. */
  readonly count: number;
  readonly steps: PackedColumn;
  readonly values: Float64Array;
  readonly timestamps: PackedColumn;
};

export function toChunkRow({ runId, key, block, steps, values, timestamps }: MetricChunk): MetricChunkRow {
  return { runId, key, block, count: steps.length, steps: packColumn(steps), values, timestamps: packColumn(timestamps) };
}

export function fromChunkRow({ runId, key, block, steps, values, timestamps }: MetricChunkRow): MetricChunk {
  return { runId, key, block, steps: unpackColumn(steps), values, timestamps: unpackColumn(timestamps) };
}

/** The primary key of a chunk row. */
export type ChunkKey = [runId: RunId, key: string, block: number];

export function blockOf(step: number): number {
  return Math.floor(step / CHUNK_STEPS);
}

/** New points for one chunk, in logging order (steps may repeat or go back). */
export type ChunkUpdate = {
  readonly runId: RunId;
  readonly key: string;
  readonly block: number;
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
};

/**
 * Splits a run's new points (columns per key, in logging order) into updates per chunk. A series
 * logged forward splits into consecutive slices (views, not copies); a chunk met again (steps
 * logged out of order) gets the later points appended to its update, order kept.
 */
export function groupIntoChunks(runId: RunId, series: readonly MetricSeries[], into: Map<string, ChunkUpdate> = new Map()): Map<string, ChunkUpdate> {
  for (const { key, steps, values, timestamps } of series) {
    let start = 0;
    while (start < steps.length) {
      const block = blockOf(steps[start]!);
      let end = start + 1;
      while (end < steps.length && blockOf(steps[end]!) === block) end += 1;
      const slice = { steps: steps.subarray(start, end), values: values.subarray(start, end), timestamps: timestamps.subarray(start, end) };
      const id = chunkId(runId, key, block);
      const pending = into.get(id);
      if (pending === undefined) into.set(id, { runId, key, block, ...slice });
      else Object.assign(pending, concatColumns([pending, slice]));
      start = end;
    }
  }
  return into;
}

/** A string naming a chunk, for maps (JSON, so no key, whatever characters it holds, can pass for another). */
export function chunkId(runId: RunId, key: string, block: number): string {
  return JSON.stringify([runId, key, block]);
}

/**
 * The chunk after `update` is applied to what is stored (`existing`, if any): its steps ascending,
 * a step logged again taking the later value and timestamp.
 */
export function mergeIntoChunk(existing: MetricChunk | undefined, update: ChunkUpdate): MetricChunk {
  const { runId, key, block } = update;
  if (isAppend(existing, update.steps)) return { runId, key, block, ...(existing ? concatColumns([existing, update]) : copyColumns(update)) };
  // The general case (steps out of order or logged again): last write per step wins.
  const latest = new Map<number, { readonly columns: MetricColumns; readonly index: number }>();
  for (const columns of existing ? [existing, update] : [update]) {
    for (let index = 0; index < columns.steps.length; index += 1) latest.set(columns.steps[index]!, { columns, index });
  }
  const steps = Float64Array.from(latest.keys()).sort();
  const values = new Float64Array(steps.length);
  const timestamps = new Float64Array(steps.length);
  steps.forEach((step, i) => {
    const { columns, index } = latest.get(step)!;
    values[i] = columns.values[index]!;
    timestamps[i] = columns.timestamps[index]!;
  });
  return { runId, key, block, steps, values, timestamps };
}

/** True when the steps strictly increase and all come after the stored ones (the usual case: a loop logging forward). */
function isAppend(existing: MetricChunk | undefined, steps: Float64Array): boolean {
  let previous = existing && existing.steps.length > 0 ? existing.steps[existing.steps.length - 1]! : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < steps.length; i += 1) {
    if (!(steps[i]! > previous)) return false;
    previous = steps[i]!;
  }
  return true;
}

/** Own copies of columns that may be views into a larger buffer (a stored chunk must not keep a whole message alive). */
function copyColumns({ steps, values, timestamps }: MetricColumns): MetricColumns {
  return { steps: steps.slice(), values: values.slice(), timestamps: timestamps.slice() };
}

/** Columns one after another. */
function concatColumns(parts: readonly MetricColumns[]): MetricColumns {
  const length = parts.reduce((sum, part) => sum + part.steps.length, 0);
  const steps = new Float64Array(length);
  const values = new Float64Array(length);
  const timestamps = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    steps.set(part.steps, offset);
    values.set(part.values, offset);
    timestamps.set(part.timestamps, offset);
    offset += part.steps.length;
  }
  return { steps, values, timestamps };
}

/** A key's chunks (read in block order) as one series. */
export function concatChunks(chunks: readonly MetricColumns[]): MetricColumns {
  if (chunks.length === 1) {
    const { steps, values, timestamps } = chunks[0]!;
    return { steps, values, timestamps };
  }
  return concatColumns(chunks);
}

/** A stored row's points as records (for export and undo), in step order. */
export function rowPoints(row: MetricChunkRow): MetricPoint[] {
  return chunkPoints(fromChunkRow(row));
}

/** A chunk's points as records, in step order. */
export function chunkPoints(chunk: MetricChunk): MetricPoint[] {
  const points: MetricPoint[] = new Array(chunk.steps.length);
  for (let i = 0; i < chunk.steps.length; i += 1) points[i] = { runId: chunk.runId, key: chunk.key, step: chunk.steps[i]!, value: chunk.values[i]!, timestamp: chunk.timestamps[i]! };
  return points;
}

/** Point records (of one run and key) as parallel columns, in their order. */
export function pointsToColumns(points: readonly Pick<MetricPoint, 'step' | 'value' | 'timestamp'>[]): MetricColumns {
  const steps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  const timestamps = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 1) {
    const point = points[i]!;
    steps[i] = point.step;
    values[i] = point.value;
    timestamps[i] = point.timestamp;
  }
  return { steps, values, timestamps };
}

/** Point records (of any runs and keys, e.g. from an import) as columns per run and key, in their order. */
function pointsToSeries(points: readonly MetricPoint[]): Map<RunId, MetricSeries[]> {
  const byRun = new Map<RunId, Map<string, MetricPoint[]>>();
  for (const point of points) {
    const byKey = byRun.get(point.runId) ?? byRun.set(point.runId, new Map()).get(point.runId)!;
    (byKey.get(point.key) ?? byKey.set(point.key, []).get(point.key)!).push(point);
  }
  return new Map(
    [...byRun].map(([runId, byKey]) => [
      runId,
      [...byKey].map(([key, keyed]) => ({ key, ...pointsToColumns(keyed) })),
    ]),
  );
}

/** Point records as the updates of the chunks that hold them. */
export function pointsToChunkUpdates(points: readonly MetricPoint[]): ChunkUpdate[] {
  const updates = new Map<string, ChunkUpdate>();
  for (const [runId, series] of pointsToSeries(points)) groupIntoChunks(runId, series, updates);
  return [...updates.values()];
}
