/**
 * What the user reads when storage fails: each way IndexedDB and Dexie report a failure becomes a
 * KilnError with a code and a message that says what happened, without Dexie's repetitions.
 */
import Dexie from 'dexie';
import { IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors';
import { KilnDatabase } from './schema';
import { toStorageError } from './storage-errors';

const quota = (): DOMException => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('toStorageError', () => {
  it.each([
    ['the browser refusing a write', quota()],
    ['Dexie aborting the transaction because the disk is full', new Dexie.AbortError('Transaction aborted', quota())],
    ['Dexie reporting the quota error itself', new Dexie.QuotaExceededError('Quota exceeded')],
  ])('says storage is full for %s', (_case, error) => {
    const result = toStorageError(error, 'saving "Notes" failed');
    expect(result.code).toBe('storage-quota');
    expect(result.message).toBe('Browser storage is full: saving "Notes" failed. Delete notebooks or clear outputs to free space.');
    expect(result.cause).toBe(error);
  });

  it.each([
    ['no IndexedDB at all', new Dexie.MissingAPIError('IndexedDB API missing'), 'IndexedDB API missing'],
    ['site data blocked', new DOMException('The user denied permission to access the database.', 'SecurityError'), 'The user denied permission to access the database'],
    [
      "Firefox's private mode",
      new Dexie.OpenFailedError(new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')),
      'A mutation operation was attempted on a database that did not allow mutations',
    ],
  ])('says storage is unavailable for %s, with the browser’s reason once', (_case, error, reason) => {
    const result = toStorageError(error, 'opening storage failed');
    expect(result.code).toBe('storage-unavailable');
    expect(result.message).toBe(
      `Browser storage (IndexedDB) is not available, as in private browsing or when this site may not store data (${reason}).`,
    );
  });

  it('names what failed for any other error', () => {
    const result = toStorageError(new Dexie.DataError('Failed to execute put: invalid key.\n DataError: invalid key'), 'saving "Notes" failed');
    expect(result.code).toBe('storage-failed');
    expect(result.message).toBe('saving "Notes" failed: Failed to execute put: invalid key');
  });

  it('handles things thrown that are not errors', () => {
    expect(toStorageError('disk on fire', 'saving failed').message).toBe('saving failed: disk on fire');
    expect(toStorageError(null, 'saving failed').message).toBe('saving failed: null');
    expect(toStorageError(new Error(''), 'saving failed').message).toBe('saving failed: no details given');
  });

  it('passes a KilnError through unchanged', () => {
    const original = new KilnError('bad-data', 'A notebook needs a name');
    expect(toStorageError(original, 'renaming failed')).toBe(original);
  });
});

describe('opening the database where the browser refuses', () => {
  async function openingError(indexedDB: { open: () => unknown }): Promise<KilnError> {
    const db = new KilnDatabase('kiln-refused', { indexedDB, IDBKeyRange });
    const error = await db.open().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeDefined();
    return toStorageError(error, 'opening storage failed');
  }

  it('reports a storage that throws on open (blocked site data)', async () => {
    const error = await openingError({
      open: () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    });
    expect(error.code).toBe('storage-unavailable');
    expect(error.message).toContain('(The user denied permission to access the database)');
  });

  it('reports a storage whose open request fails (private mode), quoting the reason once', async () => {
    const error = await openingError({
      open: () => {
        const request: { error?: DOMException; onerror?: (event: object) => void } = {};
        setTimeout(() => {
          request.error = new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
          request.onerror?.({ target: request, preventDefault: () => undefined, stopPropagation: () => undefined });
        });
        return request;
      },
    });
    expect(error.code).toBe('storage-unavailable');
    expect(error.message).toBe(
      'Browser storage (IndexedDB) is not available, as in private browsing or when this site may not store data (A mutation operation was attempted on a database that did not allow mutations).',
    );
  });
});
