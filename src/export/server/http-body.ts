/**
 * Reads a request body as JSON with a size limit: a declared Content-Length over the limit is
 * refused before a byte is read, a streamed body as soon as it passes the limit.
 */
import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error';

function tooLarge(limit: number, got: string): RequestError {
  return new RequestError(413, 'REQUEST_TOO_LARGE', `the body is larger than the limit of ${limit} bytes (KILN_MAX_BODY_BYTES)`, { expected: `at most ${limit} bytes`, got });
}

/** Calls `done` once: with the parsed body, or with the error to answer. */
export function readJsonBody(request: IncomingMessage, limit: number, done: (error: RequestError | null, body: unknown) => void): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    // Answer now, and discard what the client still sends: closing the connection instead would
    // reset it under a client that is still writing, which then never reads the 413.
    request.resume();
    done(tooLarge(limit, `${declared} bytes`), undefined);
    return;
  }
  let first: Buffer | null = null;
  let chunks: Buffer[] | null = null;
  let size = 0;
  let isRefused = false;
  request.on('data', (chunk: Buffer) => {
    if (isRefused) return;
    size += chunk.length;
    if (size > limit) {
      isRefused = true;
      done(tooLarge(limit, `more than ${limit} bytes`), undefined);
      return;
    }
    if (first === null) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  request.on('end', () => {
    if (isRefused) return;
    const text = chunks ? Buffer.concat(chunks, size).toString('utf8') : (first?.toString('utf8') ?? '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      done(new RequestError(400, 'MALFORMED_REQUEST', `the body is not valid JSON: ${(error as Error).message}`, { field: 'body', expected: 'a JSON object', got: text === '' ? 'an empty body' : 'invalid JSON' }), undefined);
      return;
    }
    done(null, body);
  });
  // A client that goes away mid-body gets no answer; there is no one to send it to.
  request.on('error', () => {
    isRefused = true;
  });
}
