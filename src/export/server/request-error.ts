/**
 * Every answer other than a prediction. Bad input is the client's to fix, so the error names the
 * field, what was expected and what came; the HTTP layer turns it into the protocol's error body.
 */

export type ErrorCode =
  | 'MALFORMED_REQUEST'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'REQUEST_TOO_LARGE'
  | 'OVERLOADED'
  | 'NOT_READY'
  | 'INTERNAL_ERROR';

export type ErrorDetail = {
  /** The feature (or request key) at fault. */
  field?: string;
  expected?: string;
  got?: string;
  /** 0-based row of the batch. */
  row?: number;
};

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly detail: ErrorDetail = {},
    /** Extra response headers as name, value pairs (Retry-After, Allow). */
    readonly headers: readonly string[] = [],
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function badRequest(message: string, detail: ErrorDetail = {}): RequestError {
  return new RequestError(400, 'BAD_REQUEST', message, detail);
}

/** What a JSON value is, for messages: `string "abc"`, `number 3`, `null`, `an array`. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
