/**
 * Real tfjs-backend-wasm for unit tests in Node: its binaries are read from the package's own
 * folder, on one thread as in the kernel. `install` runs before the backend starts, as the
 * kernel installs its own wasm kernels (twice, to prove installing is idempotent).
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export async function startWasmInNode(install: (tfModule: typeof tf) => void): Promise<void> {
  setWasmPaths(fileURLToPath(new URL('../../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  install(tf);
  install(tf);
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start in Node');
}
