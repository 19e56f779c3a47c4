/**
 * tfjs-backend-wasm 4.22 multiplies matrices with XNNPACK only when neither operand is
 * transposed; a transposed operand falls back to a plain loop that is 6–7× slower (measured in
 * Chromium here: 256×64ᵀ · 256×64 took 1.46 ms, against 0.22 ms for the same product with the
 * operand transposed first). Backpropagation through a dense layer asks for exactly those
 * products (dW = xᵀ·dy, dx = dy·Wᵀ), so training a small MLP spent about half its time in them.
 *
 * installWasmTransposedMatMul wraps the backend's BatchMatMul and _FusedMatMul kernels: a
 * transposed operand is copied transposed (cheap next to the product), then the fast path runs.
 * Kernels sit below tfjs' gradient tape, so gradients and results are unchanged, up to float
 * rounding from the different summation order.
 */
import type { KernelArgs, KernelConfig, TensorInfo, Tf } from './wasm-kernel-types';
import { replaceWasmKernel, runWasmKernel } from './wasm-kernel-replacement';

const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/** Swaps the last two axes of `x` with the backend's own Transpose kernel. */
function transposeInner(tf: Tf, x: TensorInfo, backend: KernelArgs['backend']): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return runWasmKernel(tf, 'Transpose', { x }, { perm }, backend);
}

function withUntransposedOperands(tf: Tf, original: KernelConfig): KernelConfig['kernelFunc'] {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = args.inputs;
    if ((!transposeA && !transposeB) || !a || !b) return original.kernelFunc(args);
    const copies: TensorInfo[] = [];
    const operand = (x: TensorInfo, isTransposed: boolean | undefined): TensorInfo => {
      if (!isTransposed) return x;
      const copy = transposeInner(tf, x, args.backend);
      copies.push(copy);
      return copy;
    };
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: operand(a, transposeA), b: operand(b, transposeB) },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      const backend = args.backend as { disposeData(dataId: object): void };
      for (const copy of copies) backend.disposeData(copy.dataId);
    }
  };
}

/** Replaces the wasm backend's matrix-product kernels with ones that never take its slow path. Idempotent. */
export function installWasmTransposedMatMul(tf: Tf): void {
  for (const kernelName of MATMUL_KERNELS) replaceWasmKernel(tf, kernelName, (stock) => withUntransposedOperands(tf, stock));
}
