/**
 * tfjs-backend-wasm 4.22 copies a tensor's data for Identity (what `tensor.clone()` runs), where
 * the CPU and WebGL backends share it and count references, as wasm's own Reshape does. tfjs
 * clones every tensor it keeps for the backward pass, ~23 a batch for a 3-layer MLP, so each
 * training step allocated, copied and freed them all. Sharing is safe: tfjs kernels never write
 * into their inputs, and a variable's `assign` swaps its data rather than overwriting it.
 */
import type * as TfModule from '@tensorflow/tfjs';

type Tf = typeof TfModule;
type KernelConfig = NonNullable<ReturnType<Tf['getKernel']>>;
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
type TensorInfo = NonNullable<KernelArgs['inputs'][string]>;

const BACKEND = 'wasm';

/** Replaces the wasm backend's Identity with one that shares the input's data. Idempotent. */
export function installWasmSharedIdentity(tf: Tf): void {
  const original = tf.getKernel('Identity', BACKEND);
  if (!original || installed.has(original)) return;
  const replacement: KernelConfig = {
    ...original,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      // Strings live outside the wasm heap; tfjs' own kernel handles them.
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
  installed.add(replacement);
  tf.unregisterKernel('Identity', BACKEND);
  tf.registerKernel(replacement);
}

/** The kernel this module registered, so installing twice does not wrap it twice. */
const installed = new WeakSet<KernelConfig>();
