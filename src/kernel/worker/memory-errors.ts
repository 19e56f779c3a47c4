/**
 * Running out of memory in a cell surfaces as whatever allocation failed first: "Array buffer
 * allocation failed", "Invalid typed array length: 50000000" (tfjs-backend-wasm, once its heap
 * cannot grow), "Aborted(OOM)". None of them says what happened or what to do, so an error that
 * looks like one gets a last line that does, with what the kernel holds.
 */
import type { ErrorOutput } from '../../core/outputs';
import { formatBytes } from '../../lib/format-bytes';

const ALLOCATION_FAILURES = [
  /array buffer allocation failed/i,
  // A typed array of millions of elements (not a user's negative or fractional length).
  /invalid typed array length: \d{7,}/i,
  /out of memory/i,
  /\boom\b/i,
  /cannot enlarge memory/i,
  /could not allocate|failed to allocate/i,
];

export type HeldMemory = { readonly numTensors: number; readonly numBytes: number };

export function looksLikeOutOfMemory(error: Pick<ErrorOutput, 'message'>): boolean {
  return ALLOCATION_FAILURES.some((pattern) => pattern.test(error.message));
}

/** `error` with a hint about memory as the last traceback line, when it looks like an allocation failure. */
export function withMemoryHint(error: ErrorOutput, held: HeldMemory): ErrorOutput {
  if (!looksLikeOutOfMemory(error)) return error;
  const tensors = `${held.numTensors} tensor${held.numTensors === 1 ? '' : 's'}`;
  const hint =
    `The kernel probably ran out of memory: it holds ${formatBytes(held.numBytes)} in ${tensors} (tf.memory()). ` +
    'Dispose tensors you no longer need (tf.dispose, tf.tidy), work on smaller pieces, or restart the kernel.';
  return { ...error, traceback: [...error.traceback, hint] };
}
