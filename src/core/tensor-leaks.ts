/**
 * Spotting tensor leaks across runs. One run that leaves tensors alive proves nothing (a cell that
 * builds a model keeps its weights); the same cell leaving more tensors alive every time it runs
 * is a leak: it replaced tensors without disposing of the old ones.
 */
export type TensorLeak = { readonly tensorsPerRun: number };

/** `previous` is how many tensors the cell's previous run added (undefined: first run in this kernel). */
export function detectTensorLeak(previous: number | undefined, added: number): TensorLeak | null {
  if (previous === undefined || previous <= 0 || added <= 0) return null;
  return { tensorsPerRun: added };
}

export function describeTensorLeak(leak: TensorLeak): string {
  const tensors = leak.tensorsPerRun === 1 ? '1 more tensor' : `${leak.tensorsPerRun} more tensors`;
  return (
    `Kiln: this cell left ${tensors} alive than before, again, so re-running it leaks memory. ` +
    'Wrap temporary tensors in tf.tidy(() => ...) or call .dispose() on the ones a variable no longer holds.\n'
  );
}
