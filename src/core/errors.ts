/**
 * Expected failures (bad import, full storage, storage unavailable...) are typed with a `code`
 * so the UI can show a specific message; bugs throw plain errors through `invariant`.
 */
export type KilnErrorCode =
  | 'storage-unavailable'
  | 'storage-quota'
  | 'storage-failed'
  | 'notebook-not-found'
  | 'bad-import'
  | 'bad-data';

export class KilnError extends Error {
  readonly code: KilnErrorCode;

  constructor(code: KilnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KilnError';
    this.code = code;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
