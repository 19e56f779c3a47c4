/**
 * Gather and Slice on the wasm backend, copying straight between places on the wasm heap.
 *
 * model.fit takes every batch with a Slice (of its shuffled row indices) and a Gather per input
 * and target. tfjs-backend-wasm 4.22 is slow at both for what they do:
 * - its Gather computes each element's source through a freshly allocated coordinate vector, so
 *   gathering 256 rows of 10 features took ~4% of a training step;
 * - its Slice first copies the whole input out of the heap (readSync), so taking 256 indices out
 *   of 20,000 copied all 20,000.
 * These versions copy whole rows (runs of adjacent elements) and touch only what they return.
 * Strings and complex numbers (not plain heap arrays) keep tfjs' kernels, as do out-of-range
 * indices, which tfjs reports with its own error.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { KernelArgs, KernelConfig, TensorInfo, Tf, WasmBackend } from './wasm-kernel-types';
import { replaceWasmKernel } from './wasm-kernel-replacement';
import { moveOntoHeap } from './wasm-heap';

/** Element types the copies handle: each moves raw elements of one width. */
const ELEMENT_VIEWS: Partial<Record<TfModule.DataType, Int32ArrayConstructor | Uint8ArrayConstructor>> = {
  float32: Int32Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/**
 * A view of a tensor's elements on the heap with one element type per width, so that the copy
 * loops below see one array type whatever the dtype.
 */
function elementsOf(backend: WasmBackend, info: TensorInfo): Int32Array | Uint8Array {
  const View = ELEMENT_VIEWS[info.dtype];
  if (!View) throw new Error(`no heap view for ${info.dtype}`);
  moveOntoHeap(backend, [info]);
  const heap = backend.typedArrayFromHeap(info);
  return new View(heap.buffer as ArrayBuffer, heap.byteOffset, heap.length);
}

/** Below this length a plain loop beats subarray + set. */
const SHORT_RUN = 16;

function copyRun(from: Int32Array | Uint8Array, start: number, to: Int32Array | Uint8Array, at: number, length: number): void {
  if (length < SHORT_RUN) {
    for (let k = 0; k < length; k++) to[at + k] = from[start + k] as number;
  } else {
    to.set(from.subarray(start, start + length), at);
  }
}

/**
 * Moves the inputs onto the heap, allocates the output, then takes the views: a move or an
 * allocation can grow the wasm memory, which detaches every view taken before it.
 */
function allocate(backend: WasmBackend, inputs: TensorInfo[], shape: number[], dtype: TfModule.DataType) {
  moveOntoHeap(backend, inputs);
  const output = backend.makeOutput(shape, dtype);
  return { output, views: inputs.map((input) => elementsOf(backend, input)), out: elementsOf(backend, output) };
}

/** GatherV2: rows of `x` along `axis`, picked by `indices` (per batch when batchDims > 0). */
function gather(tf: Tf, stock: KernelConfig) {
  return (args: KernelArgs) => {
    const { x, indices } = args.inputs as Record<'x' | 'indices', TensorInfo>;
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    if (!ELEMENT_VIEWS[x.dtype] || indices.dtype !== 'int32') return stock.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackend;
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0] as number;
    // x as [batch, outer, dim, slice] and the output as [batch, outer, picks, slice].
    const { batchSize, outerSize, dimSize, sliceSize, outputShape } = tf.backend_util.segment_util.collectGatherOpShapeInfo(
      x as TfModule.TensorInfo as TfModule.Tensor,
      indices as TfModule.TensorInfo as TfModule.Tensor,
      parsedAxis,
      batchDims,
    );
    const picks = tf.util.sizeFromShape(indices.shape) / batchSize;
    const indexValues = elementsOf(backend, indices);
    for (const index of indexValues) {
      if (!(index >= 0 && index < dimSize)) return stock.kernelFunc(args);
    }
    const {
      output,
      views: [source, chosen],
      out,
    } = allocate(backend, [x, indices], outputShape, x.dtype);
    let at = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const block = (b * outerSize + o) * dimSize;
        for (let p = 0; p < picks; p++) {
          copyRun(source!, (block + (chosen![b * picks + p] as number)) * sliceSize, out, at, sliceSize);
          at += sliceSize;
        }
      }
    }
    return output;
  };
}

/** Slice: the box of `x` starting at `begin`, of extent `size` (-1: to the end). */
function slice(tf: Tf, stock: KernelConfig) {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size } = args.attrs as { begin: number | number[]; size?: number | number[] };
    if (!ELEMENT_VIEWS[x.dtype]) return stock.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackend;
    const [start, extent] = tf.slice_util.parseSliceParams(x as TfModule.TensorInfo as TfModule.Tensor, begin, size) as [number[], number[]];
    const {
      output,
      views: [source],
      out,
    } = allocate(backend, [x], extent, x.dtype);
    if (out.length === 0) return output;
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, start, extent)) {
      copyRun(source!, tf.slice_util.computeFlatOffset(start, strides), out, 0, out.length);
      return output;
    }
    const rank = x.shape.length;
    // The innermost axis is contiguous: copy it one run at a time, stepping the outer axes like
    // an odometer.
    const run = extent[rank - 1] ?? 1;
    const outer = extent.slice(0, -1);
    const position = outer.map(() => 0);
    for (let at = 0; at < out.length; at += run) {
      let from = start[rank - 1] ?? 0;
      for (let d = 0; d < outer.length; d++) from += ((start[d] as number) + (position[d] as number)) * (strides[d] as number);
      copyRun(source!, from, out, at, run);
      for (let d = outer.length - 1; d >= 0; d--) {
        position[d] = (position[d] as number) + 1;
        if ((position[d] as number) < (outer[d] as number)) break;
        position[d] = 0;
      }
    }
    return output;
  };
}

/** Replaces the wasm backend's GatherV2 and Slice with heap-to-heap copies. Idempotent. */
export function installWasmGatherSlice(tf: Tf): void {
  replaceWasmKernel(tf, 'GatherV2', (stock) => gather(tf, stock));
  replaceWasmKernel(tf, 'Slice', (stock) => slice(tf, stock));
}
