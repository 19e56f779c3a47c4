/**
 * Two tabs on one notebook, in one process: sessions on fake-indexeddb with Node's
 * BroadcastChannel and a small Web Locks stand-in. Renames made in either tab reach the database
 * and both tabs, and no save puts an old name back, whatever it races with.
 */
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCell, createNotebook } from '../core/notebook/create';
import type { Notebook } from '../core/notebook/types';
import { NotebooksRepository } from '../store/notebooks-repo';
import { closeOpenedDatabases, openTodaysDatabase } from '../store/todays-database.fixture';
import { NotebookSession } from './notebook-session';

/** Web Locks as notebook-lock.ts uses them: exclusive locks, `ifAvailable`, and `steal`, which aborts the holder. */
function fakeLocks() {
  const holders = new Map<string, { abort(): void }>();
  return {
    request(name: string, options: LockOptions, callback: (lock: { name: string } | null) => Promise<void>): Promise<void> {
      if (holders.has(name) && options.ifAvailable) return callback(null);
      if (options.steal) holders.get(name)?.abort();
      return new Promise<void>((resolve, reject) => {
        const holder = { abort: () => reject(new DOMException('The lock was stolen', 'AbortError')) };
        holders.set(name, holder);
        void callback({ name }).then(() => {
          if (holders.get(name) === holder) holders.delete(name);
          resolve();
        });
      });
    },
  };
}

beforeAll(() => vi.stubGlobal('navigator', { locks: fakeLocks() }));
afterAll(() => vi.unstubAllGlobals());
afterEach(closeOpenedDatabases);

/** Long enough for a BroadcastChannel message and a debounced save (250 ms) to land. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

let databases = 0;
/** A stored notebook "Old", open in a writing tab and a read-only tab, and a third tab's repository. */
async function twoTabs() {
  const factory = new IDBFactory();
  const name = `kiln-two-tabs-${databases++}`;
  const [first, second, third] = await Promise.all([0, 1, 2].map(async () => new NotebooksRepository(await openTodaysDatabase(factory, name))));
  const notebook = createNotebook('Old', [createCell('code', 'x = 1')]);
  const { revision } = (await first!.save(notebook)) as { revision: number };
  const writer = await NotebookSession.open(first!, notebook, revision);
  const reader = await NotebookSession.open(second!, notebook, revision);
  const stored = async (): Promise<Notebook | undefined> => (await third!.get(notebook.id))?.notebook;
  return { notebook, writer, reader, elsewhere: third!, stored };
}

describe('NotebookSession renames', () => {
  it('a rename in the read-only tab reaches the database, the writing tab and itself', async () => {
    const { writer, reader, stored } = await twoTabs();
    expect([writer.isReadOnly, reader.isReadOnly]).toEqual([false, true]);
    await reader.rename('  New  ');
    await settle();
    expect([writer.notebook.name, reader.notebook.name, (await stored())?.name]).toEqual(['New', 'New', 'New']);
    await Promise.all([writer.dispose(), reader.dispose()]);
  });

  it('a save of the writing tab keeps a name stored meanwhile, even one it never heard of', async () => {
    const { notebook, writer, reader, elsewhere, stored } = await twoTabs();
    // Renamed in the database without a message (a tab that closed at once, say).
    await elsewhere.rename(notebook.id, 'New');
    writer.edit({ type: 'set-source', cellId: notebook.cells[0]!.id, source: 'x = 2' });
    await writer.flush();
    expect([(await stored())?.name, (await stored())?.cells[0]?.source]).toEqual(['New', 'x = 2']);
    await Promise.all([writer.dispose(), reader.dispose()]);
  });

  it('a rename and a takeover at once keep both the name and the writer’s last typing', async () => {
    const { notebook, writer, reader, stored } = await twoTabs();
    writer.edit({ type: 'set-source', cellId: notebook.cells[0]!.id, source: 'typed just before' });
    await Promise.all([reader.rename('New'), reader.takeOver()]);
    await settle();
    expect([(await stored())?.name, (await stored())?.cells[0]?.source]).toEqual(['New', 'typed just before']);
    expect([reader.isReadOnly, writer.isReadOnly]).toEqual([false, true]);
    expect(reader.notebook.name).toBe('New');
    await Promise.all([writer.dispose(), reader.dispose()]);
  });

  it('a read-only tab left alone shows its own rename', async () => {
    const { writer, reader, stored } = await twoTabs();
    await writer.dispose();
    await reader.rename('New');
    expect([reader.notebook.name, (await stored())?.name]).toEqual(['New', 'New']);
    await reader.dispose();
  });
});
