/**
 * The one way the kernel's wasm modules (wasm-*.ts) swap a tfjs-backend-wasm kernel for their
 * own (look the stock kernel up, wrap it, register the wrapper in its place, once), and the one
 * way they run one directly.
 */
import type { KernelArgs, KernelConfig, TensorInfo, Tf } from './wasm-kernel-types';

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

/**
 * Runs the wasm backend's `kernelName` kernel function directly: outside the engine, so no
 * tape, no profiling and no tensor tracking; the caller owns the output.
 */
export function runWasmKernel(tf: Tf, kernelName: string, inputs: KernelArgs['inputs'], attrs: object, backend: KernelArgs['backend']): TensorInfo {
  const kernel = tf.getKernel(kernelName, WASM_BACKEND);
  if (!kernel) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs, attrs: attrs as KernelArgs['attrs'], backend }) as TensorInfo;
}
