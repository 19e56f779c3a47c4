/**
 * Tensors on the wasm heap, for the kernel's wasm modules (wasm-*.ts) that read them directly.
 */
import type { TensorInfo, WasmBackend } from './wasm-kernel-types';

/**
 * A matrix as the batch of one that wasm's _FusedMatMul reads (it takes 3-d operands, and only
 * a batch of one reaches XNNPACK). Same data, no copy.
 */
export const asBatchOfOne = (matrix: TensorInfo): TensorInfo => ({ dataId: matrix.dataId, dtype: matrix.dtype, shape: [1, ...matrix.shape] });

/**
 * Moves each tensor's data onto the wasm heap if another backend holds it (a tensor made before
 * the switch to wasm). Do it before taking any heap view: the move allocates, which can grow the
 * wasm memory and detach every view taken before it, including one typedArrayFromHeap is making.
 */
export function moveOntoHeap(backend: WasmBackend, tensors: TensorInfo[]): void {
  for (const tensor of tensors) backend.dataIdMap.get(tensor.dataId);
}
