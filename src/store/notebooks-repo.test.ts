/**
 * The notebooks repository on fake-indexeddb: pure store logic (revisions, ordering, the trash,
 * settings, error mapping). How storage behaves in a real browser is proven in e2e/storage.e2e.ts.
 */
import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotebookId } from '../lib/ids';
import { KilnError } from '../core/errors';
import { createCell, createNotebook } from '../core/notebook/create';
import type { Notebook } from '../core/notebook/types';
import { NotebooksRepository } from './notebooks-repo';
import { KilnDatabase } from './schema';

let factory: IDBFactory;
let db: KilnDatabase;
let repository: NotebooksRepository;

beforeEach(async () => {
  factory = new IDBFactory();
  db = new KilnDatabase('kiln-test', { indexedDB: factory, IDBKeyRange });
  await db.open();
  repository = new NotebooksRepository(db);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  db.close();
});

function notebook(name: string, updatedAt: number, extra: Partial<Notebook> = {}): Notebook {
  const cells = [createCell('markdown', `# ${name}`), createCell('code', `const x = ${updatedAt};`)];
  return { ...createNotebook(name, cells, { id: `nb_${name.replace(/\W/g, '')}` as NotebookId, now: updatedAt }), ...extra };
}

async function saved(...notebooks: Notebook[]): Promise<Notebook[]> {
  for (const each of notebooks) await repository.save(each);
  return notebooks;
}

const names = async (): Promise<string[]> => (await repository.list()).map((summary) => summary.name);

/** Makes IndexedDB refuse writes to `storeName` (all stores when omitted) the way a full disk does. */
function failWritesWithQuota(storeName?: string): void {
  const put = IDBObjectStore.prototype.put;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (storeName === undefined || this.name === storeName) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.apply(this, args);
  });
}

describe('saving and reading', () => {
  it('stores a new notebook at revision 1 and reads back exactly what was saved', async () => {
    const original = notebook('Exact', 1000, { language: 'python', metadata: { kernelspec: { name: 'python3' } } });
    expect(await repository.save(original)).toEqual({ saved: true, revision: 1 });
    expect(await repository.get(original.id)).toEqual({ notebook: original, revision: 1 });
  });

  it('adds no metadata key to a notebook that has none', async () => {
    const [plain] = await saved(notebook('Plain', 1000));
    const stored = await repository.get(plain!.id);
    expect(stored?.notebook).not.toHaveProperty('metadata');
  });

  it('returns undefined for an id it does not know', async () => {
    expect(await repository.get('nb_missing' as NotebookId)).toBeUndefined();
  });

  it('counts up one revision per save when the caller has the current revision', async () => {
    const first = notebook('Counting', 1000);
    await repository.save(first);
    expect(await repository.save({ ...first, cells: [createCell('code', 'second')] }, 1)).toEqual({ saved: true, revision: 2 });
    expect(await repository.save({ ...first, cells: [createCell('code', 'third')] }, 2)).toEqual({ saved: true, revision: 3 });
    expect((await repository.get(first.id))?.notebook.cells.map((cell) => cell.source)).toEqual(['third']);
  });

  it('keeps the stored name when it saves: a name changes only through rename, whoever saves after', async () => {
    const base = notebook('Before', 1000);
    await repository.save(base);
    await repository.rename(base.id, 'Renamed in another tab');
    // The tab that writes the notebook still has the old name in memory.
    expect(await repository.save({ ...base, cells: [createCell('code', 'typed')] }, 1)).toEqual({ saved: true, revision: 2 });
    const stored = (await repository.get(base.id))?.notebook;
    expect([stored?.name, stored?.cells.map((cell) => cell.source)]).toEqual(['Renamed in another tab', ['typed']]);
  });

  it('refuses a save based on a stale revision and leaves the newer copy untouched', async () => {
    const base = notebook('Shared', 1000);
    await repository.save(base);
    const otherTabs = [createCell('code', 'written by the other tab')];
    await repository.save({ ...base, cells: otherTabs, updatedAt: 2000 }, 1);

    const stale = { ...base, cells: [createCell('code', 'stale edit')], updatedAt: 3000 };
    expect(await repository.save(stale, 1)).toEqual({ saved: false, storedRevision: 2 });
    const stored = await repository.get(base.id);
    expect(stored?.revision).toBe(2);
    expect(stored?.notebook.cells).toEqual(otherTabs);
  });

  it('writes the sidebar row and the cells together, or neither', async () => {
    const base = notebook('Atomic', 1000);
    await repository.save(base);
    failWritesWithQuota('notebookContents');

    await expect(repository.save({ ...base, name: 'Renamed in a failed save', cells: [] }, 1)).rejects.toThrow(KilnError);
    expect(await repository.get(base.id)).toEqual({ notebook: base, revision: 1 });
    expect(await names()).toEqual(['Atomic']);
  });
});

describe('when storage is full', () => {
  it('says so in a KilnError with the storage-quota code and the notebook name', async () => {
    const full = notebook('Big data', 1000);
    failWritesWithQuota();
    const error = await repository.save(full).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(KilnError);
    expect(error).toMatchObject({ code: 'storage-quota' });
    expect((error as KilnError).message).toMatch(/^Browser storage is full: saving "Big data" failed\./);
  });

  it('saves again once there is room, at the revision the failed save did not use', async () => {
    const base = notebook('Recovers', 1000);
    await repository.save(base);
    failWritesWithQuota();
    await expect(repository.save({ ...base, cells: [createCell('code', 'attempt')] }, 1)).rejects.toMatchObject({ code: 'storage-quota' });

    vi.restoreAllMocks();
    expect(await repository.save({ ...base, cells: [createCell('code', 'after cleanup')] }, 1)).toEqual({ saved: true, revision: 2 });
    expect((await repository.get(base.id))?.notebook.cells.map((cell) => cell.source)).toEqual(['after cleanup']);
  });

  it('reports renames, moves to the trash, restores and settings that fail with the same specific error', async () => {
    const [live, binned] = await saved(notebook('Live', 1000), notebook('Binned', 2000));
    await repository.trash(binned!.id);
    failWritesWithQuota();
    await expect(repository.rename(live!.id, 'New name')).rejects.toMatchObject({
      code: 'storage-quota',
      message: expect.stringContaining('renaming the notebook to "New name" failed'),
    });
    await expect(repository.trash(live!.id)).rejects.toMatchObject({ code: 'storage-quota' });
    await expect(repository.restore(binned!.id)).rejects.toMatchObject({ code: 'storage-quota' });
    await expect(repository.setLastOpened(live!.id)).rejects.toMatchObject({ code: 'storage-quota' });
    await expect(repository.markDemoSeeded()).rejects.toMatchObject({ code: 'storage-quota' });

    vi.restoreAllMocks();
    expect(await names()).toEqual(['Live']);
  });
});

describe('listing and searching', () => {
  it('lists live notebooks, most recently edited first, with their cell counts', async () => {
    await saved(notebook('Middle', 2000), notebook('Oldest', 1000), notebook('Newest', 3000, { cells: [createCell('code')] }));
    const summaries = await repository.list();
    expect(summaries.map((summary) => summary.name)).toEqual(['Newest', 'Middle', 'Oldest']);
    expect(summaries.map((summary) => summary.cellCount)).toEqual([1, 2, 2]);
    // Summaries stay small: no cells, no bookkeeping fields.
    expect(Object.keys(summaries[0]!).sort()).toEqual(['cellCount', 'createdAt', 'id', 'language', 'name', 'updatedAt']);
  });

  it('moves a notebook to the top when it is saved with a newer edit time', async () => {
    const [older] = await saved(notebook('Older', 1000), notebook('Newer', 2000));
    await repository.save({ ...older!, updatedAt: 5000 }, 1);
    expect(await names()).toEqual(['Older', 'Newer']);
  });

  it('finds notebooks by any part of their name, ignoring case and surrounding spaces', async () => {
    await saved(notebook('Penguin model', 3000), notebook('Iris', 2000), notebook('penguins raw', 1000));
    expect((await repository.searchByName('  PENGUIN ')).map((summary) => summary.name)).toEqual(['Penguin model', 'penguins raw']);
    expect((await repository.searchByName('nothing like it')).length).toBe(0);
    expect((await repository.searchByName('   ')).map((summary) => summary.name)).toEqual(['Penguin model', 'Iris', 'penguins raw']);
  });
});

describe('renaming', () => {
  it('trims the new name and counts the rename as an edit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(50_000);
    const [target] = await saved(notebook('Before', 1000), notebook('Other', 2000));
    await repository.rename(target!.id, '  After  ');
    expect((await repository.get(target!.id))?.notebook).toMatchObject({ name: 'After', updatedAt: 50_000 });
    expect(await names()).toEqual(['After', 'Other']);
  });

  it('refuses an empty name with a bad-data error and keeps the old one', async () => {
    const [target] = await saved(notebook('Keep me', 1000));
    await expect(repository.rename(target!.id, ' \t ')).rejects.toMatchObject({ code: 'bad-data', message: 'A notebook needs a name' });
    expect(await names()).toEqual(['Keep me']);
  });
});

describe('the trash', () => {
  it('hides a trashed notebook from the list, search and reads; restoring brings it back unchanged', async () => {
    const [kept, binned] = await saved(notebook('Kept', 1000), notebook('Binned', 2000));
    await repository.trash(binned!.id);
    expect(await names()).toEqual(['Kept']);
    expect(await repository.searchByName('binned')).toEqual([]);
    expect(await repository.get(binned!.id)).toBeUndefined();

    await repository.restore(binned!.id);
    expect(await names()).toEqual(['Binned', 'Kept']);
    expect(await repository.get(binned!.id)).toEqual({ notebook: binned, revision: 1 });
    expect(await repository.get(kept!.id)).toEqual({ notebook: kept, revision: 1 });
  });

  it('keeps a notebook in the trash when a tab that still has it open saves it', async () => {
    const [open] = await saved(notebook('Open elsewhere', 1000));
    await repository.trash(open!.id);
    expect(await repository.save({ ...open!, cells: [createCell('code', 'edited while binned')] }, 1)).toEqual({ saved: true, revision: 2 });
    expect(await names()).toEqual([]);
    await repository.restore(open!.id);
    expect(await names()).toEqual(['Open elsewhere']);
    expect((await repository.get(open!.id))?.notebook.cells.map((cell) => cell.source)).toEqual(['edited while binned']);
  });

  it('empties only what has been in the trash longer than asked, cells included', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const [live, longAgo, recently] = await saved(notebook('Live', 1000), notebook('Long ago', 2000), notebook('Recently', 3000));
    vi.setSystemTime(10_000);
    await repository.trash(longAgo!.id);
    vi.setSystemTime(20_000);
    await repository.trash(recently!.id);

    vi.setSystemTime(25_000);
    expect(await repository.emptyTrash(10_000)).toBe(1);
    expect(await db.notebooks.get(longAgo!.id)).toBeUndefined();
    expect(await db.notebookContents.get(longAgo!.id)).toBeUndefined();
    // Still restorable: trashed 5 s ago.
    await repository.restore(recently!.id);
    expect(await names()).toEqual(['Recently', 'Live']);
    expect(await repository.get(live!.id)).toEqual({ notebook: live, revision: 1 });
    expect(await repository.emptyTrash(0)).toBe(0);
  });
});

describe('settings', () => {
  it('remembers the last opened notebook', async () => {
    expect(await repository.getLastOpened()).toBeUndefined();
    await repository.setLastOpened('nb_first' as NotebookId);
    await repository.setLastOpened('nb_second' as NotebookId);
    expect(await repository.getLastOpened()).toBe('nb_second');
  });

  it('ignores a last-opened value that is not a notebook id, rather than failing to start', async () => {
    await db.settings.put({ key: 'lastOpenedNotebook', value: { corrupted: true } });
    expect(await repository.getLastOpened()).toBeUndefined();
    await db.settings.put({ key: 'lastOpenedNotebook', value: 42 });
    expect(await repository.getLastOpened()).toBeUndefined();
  });

  it('remembers that the demo was created, across reopening the database', async () => {
    expect(await repository.wasDemoSeeded()).toBe(false);
    await repository.markDemoSeeded();
    db.close();
    db = new KilnDatabase('kiln-test', { indexedDB: factory, IDBKeyRange });
    expect(await new NotebooksRepository(db).wasDemoSeeded()).toBe(true);
  });
});
