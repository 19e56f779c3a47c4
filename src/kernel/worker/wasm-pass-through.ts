/**
 * Kernels that return their input unchanged: Identity (what `tensor.clone()` runs) and Cast to
 * the dtype a tensor already has. tfjs-backend-wasm 4.22 allocates and copies for both, where the
 * CPU and WebGL backends share the data and count references, as wasm's own Reshape does. A
 * training step of a 3-layer MLP ran ~6 such casts (tfjs-layers casts its batches and indices),
 * each allocated, copied and freed, besides the clones a cell makes itself (the clones tfjs
 * kept for the backward pass now share data without a kernel call: tape-saved-tensors.ts).
 * Sharing is safe: tfjs kernels never write into their inputs, and a variable's `assign` swaps its
 * data rather than overwriting it.
 */
import type { KernelArgs, TensorInfo, Tf } from './wasm-kernel-types';
import { replaceWasmKernel } from './wasm-kernel-replacement';

/** The kernel's input itself, with one more reference to its data. */
function shared({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  (backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Whether a call returns its input unchanged (strings live outside the wasm heap: tfjs' kernel keeps those). */
const PASSES_THROUGH: Record<'Identity' | 'Cast', (args: KernelArgs) => boolean> = {
  Identity: ({ inputs }) => inputs.x?.dtype !== 'string',
  Cast: ({ inputs, attrs }) => inputs.x?.dtype !== 'string' && inputs.x?.dtype === attrs?.['dtype'],
};

/** Replaces the wasm backend's Identity and Cast with versions that share data when nothing changes. Idempotent. */
export function installWasmSharedPassThrough(tf: Tf): void {
  for (const [kernelName, passesThrough] of Object.entries(PASSES_THROUGH)) {
    replaceWasmKernel(tf, kernelName, (stock) => (args) => (passesThrough(args) ? shared(args) : stock.kernelFunc(args)));
  }
}
