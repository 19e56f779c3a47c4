/**
 * Tensors on the wasm heap, for the kernel's wasm modules (wasm-*.ts) that read them directly.
 */
import type { KernelArgs, TensorInfo, Tf, WasmBackend } from './wasm-kernel-types';
import { runWasmKernel } from './wasm-kernel-replacement';

/**
 * A matrix as the batch of one that wasm's _FusedMatMul reads (it takes 3-d operands, and only
 * a batch of one reaches XNNPACK). Same data, no copy.
 */
const asBatchOfOne = (matrix: TensorInfo): TensorInfo => ({ dataId: matrix.dataId, dtype: matrix.dtype, shape: [1, ...matrix.shape] });

/** What wasm's product can apply to its output in the same pass (relu as XNNPACK's clamp). */
export type ProductActivation = 'relu' | 'linear' | 'sigmoid';

/**
 * activation(a · b + bias) for matrices a [m, k] and b [k, n], with wasm's own _FusedMatMul
 * kernel called directly (XNNPACK: neither operand transposed). The caller owns the [m, n] output.
 */
export function matrixProduct(
  tf: Tf,
  backend: KernelArgs['backend'],
  a: TensorInfo,
  b: TensorInfo,
  { bias = null, activation = 'linear' }: { bias?: TensorInfo | null; activation?: ProductActivation } = {},
): TensorInfo {
  const inputs = { a: asBatchOfOne(a), b: asBatchOfOne(b), ...(bias ? { bias } : {}) };
  const out = runWasmKernel(tf, '_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation }, backend);
  return { dataId: out.dataId, dtype: out.dtype, shape: [a.shape[0] as number, b.shape[1] as number] };
}

/**
 * Moves each tensor's data onto the wasm heap if another backend holds it (a tensor made before
 * the switch to wasm). Do it before taking any heap view: the move allocates, which can grow the
 * wasm memory and detach every view taken before it, including one typedArrayFromHeap is making.
 */
export function moveOntoHeap(backend: WasmBackend, tensors: TensorInfo[]): void {
  for (const tensor of tensors) backend.dataIdMap.get(tensor.dataId);
}
