/**
 * Reading and writing notebooks. A notebook is two records written in one transaction: a small
 * `notebooks` row for the sidebar and a `notebookContents` row with the cells.
 */
import type { NotebookId } from '../lib/ids';
import type { Notebook } from '../core/notebook/types';
import { KilnError } from '../core/errors';
import type { KilnDatabase, NotebookRecord } from './schema';
import { toStorageError } from './storage-errors';

export type NotebookSummary = Pick<NotebookRecord, 'id' | 'name' | 'updatedAt' | 'createdAt' | 'cellCount' | 'language'>;

const LAST_OPENED_KEY = 'lastOpenedNotebook';
const DEMO_SEEDED_KEY = 'demoSeeded';

export class NotebooksRepository {
  constructor(private readonly db: KilnDatabase) {}

  /** Live notebooks, most recently edited first. */
  async list(): Promise<NotebookSummary[]> {
    const records = await this.db.notebooks.orderBy('updatedAt').reverse().toArray();
    return records.filter((record) => record.deletedAt === 0).map(toSummary);
  }

  async get(id: NotebookId): Promise<{ notebook: Notebook; revision: number } | undefined> {
    return this.db.transaction('r', this.db.notebooks, this.db.notebookContents, async () => {
      const [record, content] = await Promise.all([this.db.notebooks.get(id), this.db.notebookContents.get(id)]);
      if (!record || !content || record.deletedAt !== 0) return undefined;
      const notebook: Notebook = {
        id: record.id,
        name: record.name,
        language: record.language,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        cells: content.cells,
        ...(content.metadata ? { metadata: content.metadata } : {}),
      };
      return { notebook, revision: record.revision };
    });
  }

  /**
   * Writes the whole notebook. With `expectedRevision`, refuses (returns the stored revision) when
   * another tab wrote it since we read it, so a stale tab cannot silently overwrite newer edits.
   * Once stored, its name changes only through rename(): a tab's save never puts back a name
   * another tab changed meanwhile (renames do not bump the revision).
   */
  async save(notebook: Notebook, expectedRevision?: number): Promise<{ saved: true; revision: number } | { saved: false; storedRevision: number }> {
    return this.write(`saving "${notebook.name}" failed`, () =>
      this.db.transaction('rw', this.db.notebooks, this.db.notebookContents, async () => {
        const existing = await this.db.notebooks.get(notebook.id);
        if (existing && expectedRevision !== undefined && existing.revision !== expectedRevision) {
          return { saved: false as const, storedRevision: existing.revision };
        }
        const revision = (existing?.revision ?? 0) + 1;
        await this.db.notebooks.put({
          id: notebook.id,
          name: existing?.name ?? notebook.name,
          language: notebook.language,
          createdAt: notebook.createdAt,
          updatedAt: notebook.updatedAt,
          cellCount: notebook.cells.length,
          deletedAt: existing?.deletedAt ?? 0,
          revision,
        });
        await this.db.notebookContents.put({
          id: notebook.id,
          cells: notebook.cells,
          ...(notebook.metadata ? { metadata: notebook.metadata } : {}),
        });
        return { saved: true as const, revision };
      }),
    );
  }

  async rename(id: NotebookId, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) throw new KilnError('bad-data', 'A notebook needs a name');
    await this.write(`renaming the notebook to "${trimmed}" failed`, () => this.db.notebooks.update(id, { name: trimmed, updatedAt: Date.now() }));
  }

  /** Moves a notebook to the trash; `restore` undoes it. */
  async trash(id: NotebookId): Promise<void> {
    await this.write('moving the notebook to the trash failed', () => this.db.notebooks.update(id, { deletedAt: Date.now() }));
  }

  async restore(id: NotebookId): Promise<void> {
    await this.write('restoring the notebook from the trash failed', () => this.db.notebooks.update(id, { deletedAt: 0 }));
  }

  /** Deletes notebooks that have been in the trash longer than `olderThanMs`. */
  async emptyTrash(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    return this.db.transaction('rw', this.db.notebooks, this.db.notebookContents, async () => {
      const ids = await this.db.notebooks.where('deletedAt').between(1, cutoff, true, true).primaryKeys();
      await this.db.notebooks.bulkDelete(ids);
      await this.db.notebookContents.bulkDelete(ids);
      return ids.length;
    });
  }

  async searchByName(query: string): Promise<NotebookSummary[]> {
    const needle = query.trim().toLowerCase();
    const all = await this.list();
    return needle ? all.filter((summary) => summary.name.toLowerCase().includes(needle)) : all;
  }

  async getLastOpened(): Promise<NotebookId | undefined> {
    // Stored data is untrusted: a damaged value must not stop the app from starting.
    const value = (await this.db.settings.get(LAST_OPENED_KEY))?.value;
    return typeof value === 'string' ? (value as NotebookId) : undefined;
  }

  async setLastOpened(id: NotebookId): Promise<void> {
    await this.write('remembering the open notebook failed', () => this.db.settings.put({ key: LAST_OPENED_KEY, value: id }));
  }

  /** True once the demo notebook has been created, so deleting it is respected on later visits. */
  async wasDemoSeeded(): Promise<boolean> {
    return (await this.db.settings.get(DEMO_SEEDED_KEY))?.value === true;
  }

  async markDemoSeeded(): Promise<void> {
    await this.write('remembering that the demo was created failed', () => this.db.settings.put({ key: DEMO_SEEDED_KEY, value: true }));
  }

  /** Runs a write, turning what IndexedDB throws (a full disk, above all) into a KilnError that says what failed. */
  private async write<T>(whatFailed: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error, whatFailed);
    }
  }
}

function toSummary(record: NotebookRecord): NotebookSummary {
  const { id, name, updatedAt, createdAt, cellCount, language } = record;
  return { id, name, updatedAt, createdAt, cellCount, language };
}
