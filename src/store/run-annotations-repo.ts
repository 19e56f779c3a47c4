/**
 * What the user changes on stored runs: star, name, tags, notes, and deleting runs with an undo.
 * Each action is one transaction; an edit reads the run inside it, so a batch the recorder writes
 * at the same moment (a still-running run) is never overwritten with an older copy.
 */
import type { Table } from 'dexie';
import type { RunId } from '../lib/ids';
import type { Run } from '../core/tracking/types';
import { checkRunName, deletionRefusal, parseTagInput, RunEditError, withoutTag, withTag } from '../core/tracking/run-annotations';
import type { RemovedRuns, RunsRepository } from './runs-repo';
import type { KilnDatabase } from './schema';
import { toStorageError } from './storage-errors';

export class RunAnnotationsRepository {
  constructor(
    private readonly db: KilnDatabase,
    private readonly runs: RunsRepository,
  ) {}

  setStarred(id: RunId, starred: boolean): Promise<void> {
    return this.change(id, 'starring the run', (run) => ({ ...run, starred }));
  }

  rename(id: RunId, text: string): Promise<void> {
    const name = checkRunName(text);
    if (!name.ok) return Promise.reject(new RunEditError(name.message));
    return this.change(id, 'renaming the run', (run) => ({ ...run, name: name.value }));
  }

  setNotes(id: RunId, notes: string): Promise<void> {
    return this.change(id, 'saving the note', (run) => ({ ...run, notes }));
  }

  /** Adds (or replaces) a tag typed as `label`, `key=value` or `key: value`. */
  addTag(id: RunId, text: string): Promise<void> {
    const tag = parseTagInput(text);
    if (!tag.ok) return Promise.reject(new RunEditError(tag.message));
    return this.change(id, 'tagging the run', (run) => withTag(run, tag.value));
  }

  removeTag(id: RunId, key: string): Promise<void> {
    return this.change(id, 'removing the tag', (run) => withoutTag(run, key));
  }

  /**
   * Deletes runs with their metric points and saved models, all or nothing, and returns what it
   * removed for `restore` (undo). Refuses, deleting nothing, when a run is registered in the model
   * registry or still running (see deletionRefusal). The check and the delete share one
   * transaction over every table, so a registration cannot slip in between; the delete itself is
   * the runs repository's, which knows how metric points are laid out.
   */
  delete(ids: readonly RunId[]): Promise<RemovedRuns> {
    const { db } = this;
    const keys = [...ids];
    return this.write('deleting the runs', db.tables, async () => {
      const runs = (await db.runs.bulkGet(keys)).filter((run): run is Run => run !== undefined);
      const refusal = deletionRefusal(runs, await db.modelVersions.where('runId').anyOf(keys).toArray());
      if (refusal !== null) throw new RunEditError(refusal);
      return this.runs.delete(keys);
    });
  }

  /** Undo of `delete`: the runs, their points and models back as they were, all or nothing. */
  restore(removed: RemovedRuns): Promise<void> {
    return this.runs.restore(removed);
  }

  private change(id: RunId, what: string, edit: (run: Run) => Run): Promise<void> {
    const { db } = this;
    return this.write(what, [db.runs], async () => {
      const run = await db.runs.get(id);
      if (!run) throw new RunEditError('This run no longer exists (it was deleted, perhaps in another tab).');
      await db.runs.put(edit(run));
    });
  }

  private async write<T>(what: string, tables: Table[], action: () => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction('rw', tables, action);
    } catch (error) {
      if (error instanceof RunEditError) throw error;
      throw toStorageError(error, what);
    }
  }
}
