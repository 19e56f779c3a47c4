import { RequestError } from '../server/request-error';

/** The RequestError that `action` throws; fails the test when it throws nothing or something else. */
export function thrownRequestError(action: () => unknown): RequestError {
  try {
    action();
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error('expected a RequestError, but nothing was thrown');
}
