/**
 * The IndexedDB schema, one Dexie `version()` per change. Never edit a released version: add a
 * new one with an `upgrade()` that brings old records forward, and a test that opens a database
 * written by the old version (see schema.test.ts and e2e/storage.e2e.ts).
 */
import Dexie, { type Table } from 'dexie';
import type { NotebookId } from '../lib/ids';
import type { Cell, ForeignMetadata } from '../core/notebook/types';

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

export type DatasetRecord = {
  name: string;
  sha256: string;
  bytes: ArrayBuffer;
  size: number;
  addedAt: number;
};

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

export class KilnDatabase extends Dexie {
  notebooks!: Table<NotebookRecord, NotebookId>;
  notebookContents!: Table<NotebookContentRecord, NotebookId>;
  settings!: Table<SettingRecord, string>;
  datasets!: Table<DatasetRecord, string>;

  constructor(name = DATABASE_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    declareVersion1(this);
    declareVersion2(this);
  }
}
