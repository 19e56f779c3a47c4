/**
 * The tfjs kernel types the kernel's own wasm kernels (wasm-*.ts) are written against. Types
 * only: the bench compiles each of those modules on its own for a bare page, where an import
 * that survives compilation would not resolve.
 */
import type * as TfModule from '@tensorflow/tfjs';

export type Tf = typeof TfModule;
export type KernelConfig = NonNullable<ReturnType<Tf['getKernel']>>;
export type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
export type TensorInfo = NonNullable<KernelArgs['inputs'][string]>;
