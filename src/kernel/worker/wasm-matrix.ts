/**
 * Shapes for wasm's own matrix product, shared by the kernel's wasm modules (wasm-dense*.ts).
 */
import type { TensorInfo } from './wasm-kernel-types';

/**
 * A matrix as the batch of one that wasm's _FusedMatMul reads (it takes 3-d operands, and only
 * a batch of one reaches XNNPACK). Same data, no copy.
 */
export const asBatchOfOne = (matrix: TensorInfo): TensorInfo => ({ dataId: matrix.dataId, dtype: matrix.dtype, shape: [1, ...matrix.shape] });
