import { KilnError, errorMessage } from '../core/errors';

/** Turns what IndexedDB/Dexie throws into a KilnError the user can act on. */
export function toStorageError(error: unknown, whatFailed: string): KilnError {
  if (error instanceof KilnError) return error;
  const name = error instanceof Error ? error.name : '';
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name ?? '';
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
    return new KilnError(
      'storage-quota',
      `Browser storage is full: ${whatFailed}. Delete notebooks or clear outputs to free space.`,
      { cause: error },
    );
  }
  if (name === 'MissingAPIError' || name === 'InvalidStateError' || name === 'SecurityError' || name === 'OpenFailedError') {
    return new KilnError('storage-unavailable', `Browser storage (IndexedDB) is not available: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return new KilnError('storage-failed', `${whatFailed}: ${errorMessage(error)}`, { cause: error });
}
