import { KilnError, errorMessage } from '../core/errors';

/** Names IndexedDB and Dexie give to "this browser will not let you store anything here". */
const UNAVAILABLE_NAMES: ReadonlySet<string> = new Set(['MissingAPIError', 'InvalidStateError', 'SecurityError', 'OpenFailedError']);

/** Turns what IndexedDB/Dexie throws into a KilnError the user can act on. */
export function toStorageError(error: unknown, whatFailed: string): KilnError {
  if (error instanceof KilnError) return error;
  const name = error instanceof Error ? error.name : '';
  const inner = innerError(error);
  if (name === 'QuotaExceededError' || inner?.name === 'QuotaExceededError') {
    return new KilnError(
      'storage-quota',
      `Browser storage is full: ${whatFailed}. Delete notebooks or clear outputs to free space.`,
      { cause: error },
    );
  }
  if (UNAVAILABLE_NAMES.has(name)) {
    return new KilnError(
      'storage-unavailable',
      `Browser storage (IndexedDB) is not available, as in private browsing or when this site may not store data (${underlyingMessage(error)}).`,
      { cause: error },
    );
  }
  return new KilnError('storage-failed', `${whatFailed}: ${underlyingMessage(error)}`, { cause: error });
}

/** Dexie wraps the browser's DOMException in `inner`. */
function innerError(error: unknown): { name?: unknown; message?: unknown } | undefined {
  const inner: unknown = typeof error === 'object' && error !== null && 'inner' in error ? error.inner : undefined;
  return typeof inner === 'object' && inner !== null ? inner : undefined;
}

/**
 * The browser's own words, once: Dexie appends the wrapped exception to its message, which would
 * show the same sentence twice.
 */
function underlyingMessage(error: unknown): string {
  const inner = innerError(error);
  const message = typeof inner?.message === 'string' && inner.message ? inner.message : errorMessage(error);
  return message.split('\n')[0]!.trim().replace(/\.$/, '') || 'no details given';
}
