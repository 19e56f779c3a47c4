/**
 * The one way the kernel's wasm modules (wasm-*.ts) swap a tfjs-backend-wasm kernel for their
 * own: look the stock kernel up, wrap it, register the wrapper in its place, once.
 */
import type { KernelConfig, Tf } from './wasm-kernel-types';

export const WASM_BACKEND = 'wasm';

/** The wrappers registered so far, so installing twice does not wrap a wrapper. */
const replacements = new WeakSet<KernelConfig>();

/**
 * Registers `replace(stock)` as the wasm backend's `kernelName` kernel. `replace` gets the stock
 * kernel, to fall back on for the cases it does not handle. Does nothing when the backend lacks
 * the kernel or it was already replaced.
 */
export function replaceWasmKernel(tf: Tf, kernelName: string, replace: (stock: KernelConfig) => KernelConfig['kernelFunc']): void {
  const stock = tf.getKernel(kernelName, WASM_BACKEND);
  if (!stock || replacements.has(stock)) return;
  const replacement: KernelConfig = { ...stock, kernelFunc: replace(stock) };
  replacements.add(replacement);
  tf.unregisterKernel(kernelName, WASM_BACKEND);
  tf.registerKernel(replacement);
}
