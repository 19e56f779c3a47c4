/**
 * The IndexedDB schema, one Dexie `version()` per change. Never edit a released version: add a
 * new one with an `upgrade()` that brings old records forward, and a test that opens a database
 * written by the old version (see schema.test.ts and e2e/storage.e2e.ts).
 */
import Dexie, { type Table } from 'dexie';
import type { NotebookId, RunId } from '../lib/ids';
import type { Experiment, MetricPoint, ModelArtifact, Run } from '../core/tracking/types';
import { chunkPoints, mergeIntoChunk, pointsToChunkUpdates, toChunkRow, type ChunkKey, type MetricChunkRow } from '../core/tracking/metric-chunks';
import type { Cell, ForeignMetadata } from '../core/notebook/types';
import type { ModelVersion, RegisteredModel } from '../core/registry/types';

/** What the sidebar needs, kept apart from the (possibly large) cells so listing stays cheap. */
export type NotebookRecord = {
  id: NotebookId;
  name: string;
  language: string;
  createdAt: number;
  updatedAt: number;
  cellCount: number;
  /** 0 while live; the deletion time while in the trash (undo window). IndexedDB cannot index null. */
  deletedAt: number;
  /** Incremented by every save; lets a tab notice that someone else wrote the notebook. */
  revision: number;
};

export type NotebookContentRecord = {
  id: NotebookId;
  cells: readonly Cell[];
  metadata?: ForeignMetadata;
};

export type SettingRecord = { key: string; value: unknown };

/** A file the user brought in; its bytes live in `datasetContents`, so listing datasets stays cheap. */
export type DatasetRecord = {
  name: string;
  sha256: string;
  size: number;
  addedAt: number;
  /** Shape found when the file was checked on the way in. */
  rows: number;
  columns: number;
};

/** Bytes by content hash: two names with the same content share one copy. */
export type DatasetContentRecord = { sha256: string; bytes: ArrayBuffer };

/** How version 2 stored a dataset (bytes inline); read only by the version 3 upgrade. */
type DatasetRecordV2 = { name: string; sha256: string; bytes?: ArrayBuffer; size: number; addedAt: number; rows?: number; columns?: number };

export const DATABASE_NAME = 'kiln';

/** Version 1, as first released: notebooks without a search index, settings. */
export function declareVersion1(db: Dexie): void {
  db.version(1).stores({
    notebooks: 'id, updatedAt',
    notebookContents: 'id',
    settings: 'key',
  });
}

/** Version 2: a trash (undoable delete) and a revision counter on notebooks; datasets the user brings in. */
export function declareVersion2(db: Dexie): void {
  db.version(2)
    .stores({
      notebooks: 'id, updatedAt, deletedAt',
      notebookContents: 'id',
      settings: 'key',
      datasets: 'name, sha256, addedAt',
    })
    .upgrade(async (tx) => {
      await tx
        .table('notebooks')
        .toCollection()
        .modify((record: Partial<NotebookRecord>) => {
          record.deletedAt ??= 0;
          record.revision ??= 1;
        });
    });
}

/**
 * Version 3: dataset bytes move out of the `datasets` rows into `datasetContents` (by SHA-256), so
 * the datasets panel can list them without reading every file.
 */
export function declareVersion3(db: Dexie): void {
  db.version(3)
    .stores({ datasets: 'name, sha256, addedAt', datasetContents: 'sha256' })
    .upgrade(async (tx) => {
      const datasets = tx.table<DatasetRecordV2, string>('datasets');
      for (const { bytes, ...record } of await datasets.toArray()) {
        if (bytes) await tx.table('datasetContents').put({ sha256: record.sha256, bytes } satisfies DatasetContentRecord);
        // Version 2 did not record the shape; -1 says "unknown".
        await datasets.put({ ...record, rows: record.rows ?? -1, columns: record.columns ?? -1 });
      }
    });
}

/**
 * Version 4: experiment tracking. Metric points are keyed by [runId+key+step], so a run's curve is
 * one range read and re-logging a step replaces it; runs carry their metric summaries, so the
 * runs table never reads points.
 */
export function declareVersion4(db: Dexie): void {
  db.version(4).stores({
    experiments: 'name',
    runs: 'id, experiment, startedAt, status, parentId',
    metrics: '[runId+key+step], runId',
    modelArtifacts: 'runId',
  });
}

/**
 * Version 5: the model registry. A model row carries its stage history; versions are keyed by
 * [model+version] and indexed by run, so a run's registrations are one lookup.
 */
export function declareVersion5(db: Dexie): void {
  db.version(5).stores({
    registeredModels: 'name',
    modelVersions: '[model+version], model, runId',
  });
}

/** How many version 5 point rows the version 6 upgrade reads at a time, so a long history never sits in memory whole. */
const UPGRADE_PAGE_ROWS = 50_000;

type PointKey = [RunId, string, number];

/**
 * Version 6: metric points move from one row each (`metrics`, keyed [runId+key+step]) into
 * chunks of 1,000 consecutive steps per run and key (`metricChunks`, keyed [runId+key+block],
 * values as a Float64Array, steps and timestamps packed as arithmetic runs; see
 * core/tracking/metric-chunks.ts). IndexedDB costs per row and per byte: logging a million points
 * wrote ~4,000 rows a second, and the compare view read 200,000 rows for 20 curves. The upgrade reads the old rows page by page in key order and writes
 * every point into its chunk; values, NaN and ±Infinity included, move bit for bit.
 */
export function declareVersion6(db: Dexie): void {
  db.version(6)
    .stores({ metrics: null, metricChunks: '[runId+key+block], runId' })
    .upgrade(async (tx) => {
      const points = tx.table<MetricPoint, PointKey>('metrics');
      const chunks = tx.table<MetricChunkRow, ChunkKey>('metricChunks');
      let after: PointKey | null = null;
      // The rows of the chunk a full page ended in: the next page may hold more of them.
      let carried: MetricPoint[] = [];
      for (;;) {
        const page: MetricPoint[] = await (after === null ? points.orderBy(':id') : points.where(':id').above(after)).limit(UPGRADE_PAGE_ROWS).toArray();
        const isFull = page.length === UPGRADE_PAGE_ROWS;
        // Rows come in key order, so the chunk of the page's last row is the last one grouped.
        const updates = pointsToChunkUpdates([...carried, ...page]);
        const unfinished = isFull ? updates.pop() : undefined;
        if (updates.length > 0) await chunks.bulkPut(updates.map((update) => toChunkRow(mergeIntoChunk(undefined, update))));
        if (!unfinished) break;
        carried = chunkPoints(mergeIntoChunk(undefined, unfinished));
        const last: MetricPoint = page.at(-1)!;
        after = [last.runId, last.key, last.step];
      }
    });
}

export class KilnDatabase extends Dexie {
  notebooks!: Table<NotebookRecord, NotebookId>;
  notebookContents!: Table<NotebookContentRecord, NotebookId>;
  settings!: Table<SettingRecord, string>;
  datasets!: Table<DatasetRecord, string>;
  datasetContents!: Table<DatasetContentRecord, string>;
  experiments!: Table<Experiment, string>;
  runs!: Table<Run, RunId>;
  metricChunks!: Table<MetricChunkRow, ChunkKey>;
  modelArtifacts!: Table<ModelArtifact, RunId>;
  registeredModels!: Table<RegisteredModel, string>;
  modelVersions!: Table<ModelVersion, [string, number]>;

  constructor(name = DATABASE_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    declareVersion1(this);
    declareVersion2(this);
    declareVersion3(this);
    declareVersion4(this);
    declareVersion5(this);
    declareVersion6(this);
  }
}
