/**
 * The tfjs types the kernel's own speed-ups of tfjs (wasm-*.ts, tape-saved-tensors.ts) are
 * written against. Types only, so importing them costs nothing at run time.
 */
import type * as TfModule from '@tensorflow/tfjs';

export type Tf = typeof TfModule;
export type KernelConfig = NonNullable<ReturnType<Tf['getKernel']>>;
export type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
export type TensorInfo = NonNullable<KernelArgs['inputs'][string]>;

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use (not in tfjs' public typings). */
export type WasmBackend = {
  /** Looking a tensor up moves its data here from the backend that made it, if need be. */
  dataIdMap: { get(dataId: object): unknown };
  makeOutput(shape: number[], dtype: TfModule.DataType): TensorInfo;
  /** A view of a tensor's elements on the wasm heap: detached when the heap grows. */
  typedArrayFromHeap(info: TensorInfo): TfModule.TypedArray;
};
