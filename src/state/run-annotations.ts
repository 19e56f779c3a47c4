/**
 * The runs view's edits: star, rename, tag, note, delete with undo. Each returns whether it was
 * stored; a refusal or a storage failure is shown as a toast with the reason, and nothing changes.
 * Deleting reuses the notebook sidebar's mechanism: a toast whose Undo action restores.
 */
import type { RunId } from '../lib/ids';
import type { Run } from '../core/tracking/types';
import { errorMessage, KilnError } from '../core/errors';
import { RunEditError } from '../core/tracking/run-annotations';
import type { RunAnnotationsRepository } from '../store/run-annotations-repo';
import { showToast } from './app-store';

/** Long enough to notice a mistake and reach for Undo, as for deleted notebooks. */
const UNDO_MS = 10_000;

async function stored(what: string, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    const known = error instanceof RunEditError || error instanceof KilnError;
    showToast({ tone: 'error', message: known ? error.message : `${what} failed: ${errorMessage(error)}` }, 12_000);
    return false;
  }
}

const runs = (count: number) => `${count} run${count === 1 ? '' : 's'}`;

export const toggleStar = (repository: RunAnnotationsRepository, run: Run) => stored('Starring the run', () => repository.setStarred(run.id, !run.starred));

export const renameRun = (repository: RunAnnotationsRepository, id: RunId, name: string) => stored('Renaming the run', () => repository.rename(id, name));

export const addRunTag = (repository: RunAnnotationsRepository, id: RunId, text: string) => stored('Tagging the run', () => repository.addTag(id, text));

export const removeRunTag = (repository: RunAnnotationsRepository, id: RunId, key: string) => stored('Removing the tag', () => repository.removeTag(id, key));

export const saveRunNotes = (repository: RunAnnotationsRepository, id: RunId, notes: string) => stored('Saving the note', () => repository.setNotes(id, notes));

/** Deletes the runs (points and models too) and offers Undo for a while. */
export function deleteRuns(repository: RunAnnotationsRepository, ids: readonly RunId[]): Promise<boolean> {
  return stored('Deleting the runs', async () => {
    const deleted = await repository.delete(ids);
    const count = deleted.runs.length;
    const undo = () => void stored('Restoring the runs', () => repository.restore(deleted));
    showToast({ tone: 'info', message: `Deleted ${runs(count)}`, action: { label: 'Undo', run: undo } }, UNDO_MS);
  });
}
