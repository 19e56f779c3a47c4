/**
 * Schema migrations on fake-indexeddb: a database written by schema version 1 (with the raw
 * IndexedDB API, see version1-database.fixture.ts) opened by today's schema loses nothing.
 * The same journey runs in real Chromium in e2e/storage.e2e.ts.
 */
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotebookId } from '../lib/ids';
import { NotebooksRepository } from './notebooks-repo';
import { KilnDatabase } from './schema';
import { closeOpenedDatabases, openTodaysDatabase } from './todays-database.fixture';
import { sampleVersion1Data, writeVersion1Database, type Version1Data } from './version1-database.fixture';

afterEach(closeOpenedDatabases);
const openWithTodaysSchema = openTodaysDatabase;

/** The version today's schema declares last, read from a database it creates from nothing. */
async function latestVersion(): Promise<number> {
  const db = await openWithTodaysSchema(new IDBFactory(), 'kiln-fresh');
  return db.verno;
}

async function migratedFromVersion1(data: Version1Data): Promise<{ db: KilnDatabase; factory: IDBFactory }> {
  const factory = new IDBFactory();
  await writeVersion1Database(data, factory);
  return { db: await openWithTodaysSchema(factory, data.databaseName), factory };
}

describe('a schema version 1 database opened by today\'s schema', () => {
  it('keeps every notebook, cell and setting, and fills in the trash and revision fields', async () => {
    const v1 = sampleVersion1Data('kiln-v1-full');
    const { db } = await migratedFromVersion1(v1);

    expect(db.verno).toBe(await latestVersion());
    expect(await db.notebooks.toArray()).toEqual(
      [...v1.notebooks].sort((a, b) => a.id.localeCompare(b.id)).map((record) => ({ ...record, deletedAt: 0, revision: 1 })),
    );
    expect(await db.notebookContents.toArray()).toEqual([...v1.contents].sort((a, b) => a.id.localeCompare(b.id)));
    expect(await db.settings.toArray()).toEqual([...v1.settings].sort((a, b) => a.key.localeCompare(b.key)));
    expect(await db.datasets.count()).toBe(0);
  });

  it('gives the repository what it needs: listing, reading, the settings, saving and the trash', async () => {
    const v1 = sampleVersion1Data('kiln-v1-repository');
    const [analysis, imported] = v1.notebooks;
    const repository = new NotebooksRepository((await migratedFromVersion1(v1)).db);

    expect((await repository.list()).map((summary) => summary.name)).toEqual([imported?.name, analysis?.name]);
    const stored = await repository.get(imported!.id as NotebookId);
    expect(stored?.revision).toBe(1);
    expect(stored?.notebook.cells).toEqual(v1.contents[1]?.cells);
    expect(stored?.notebook.metadata).toEqual(v1.contents[1]?.metadata);
    expect(stored?.notebook.language).toBe('python');
    expect(await repository.getLastOpened()).toBe(analysis?.id);
    expect(await repository.wasDemoSeeded()).toBe(true);

    // The filled-in revision takes part in conflict detection like any other.
    expect(await repository.save({ ...stored!.notebook, cells: [...stored!.notebook.cells].reverse() }, 1)).toEqual({ saved: true, revision: 2 });
    // The new deletedAt index covers the old records: trashing and emptying the trash find them.
    await repository.trash(analysis!.id as NotebookId);
    expect(await repository.emptyTrash(0)).toBe(1);
    expect((await repository.list()).map((summary) => summary.name)).toEqual(['Imported from Jupyter']);
  });

  it('upgrades an empty version 1 database', async () => {
    const { db } = await migratedFromVersion1({ databaseName: 'kiln-v1-empty', notebooks: [], contents: [], settings: [] });
    expect(db.verno).toBe(await latestVersion());
    expect(await db.notebooks.count()).toBe(0);
    expect(await new NotebooksRepository(db).wasDemoSeeded()).toBe(false);
  });

  it('runs the upgrade once: a second opening leaves records as they are', async () => {
    const v1 = sampleVersion1Data('kiln-v1-reopen');
    const { db, factory } = await migratedFromVersion1(v1);
    const id = v1.notebooks[0]!.id as NotebookId;
    await db.notebooks.update(id, { deletedAt: 1234, revision: 7 });
    db.close();

    const reopened = await openWithTodaysSchema(factory, v1.databaseName);
    expect(await reopened.notebooks.get(id)).toMatchObject({ deletedAt: 1234, revision: 7 });
  });

  it('opens a database that a newer Kiln has upgraded further, without losing its data', async () => {
    const v1 = sampleVersion1Data('kiln-from-the-future');
    const { db, factory } = await migratedFromVersion1(v1);
    db.close();
    await upgradeToNativeVersion(factory, v1.databaseName, 990, (idb) => idb.createObjectStore('somethingNew', { keyPath: 'id' }));

    const older = await openWithTodaysSchema(factory, v1.databaseName);
    expect((await new NotebooksRepository(older).list()).map((summary) => summary.id)).toEqual([v1.notebooks[1]?.id, v1.notebooks[0]?.id]);
  });
});

/** Plays a later Kiln: bumps the native version and changes the schema with the raw API. */
function upgradeToNativeVersion(factory: IDBFactory, name: string, version: number, change: (db: IDBDatabase) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onupgradeneeded = () => change(request.result);
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}
