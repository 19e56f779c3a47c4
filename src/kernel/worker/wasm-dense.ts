/**
 * A dense layer in one kernel while it trains on wasm.
 *
 * tfjs fuses a Dense layer's product, bias and activation into one kernel only outside a
 * gradient tape. While training, a relu layer runs three (matMul, add, relu), each kept for the
 * backward pass, which then adds eight more (the product's two, the bias' sum and reshapes, the
 * relu's step, cast and multiply); a linear layer goes through a custom gradient that reshapes and
 * clones what it keeps. For a small MLP those fixed per-kernel costs are much of a step.
 *
 * Here, while a tape records on the wasm backend, a Dense layer with a relu or linear activation
 * on a float32 matrix runs the KilnDense kernel: XNNPACK's product with the bias and clamp in one
 * pass (wasm's own _FusedMatMul). Its registered gradient takes five kernels: the relu mask (step,
 * multiply), the two products and the bias' sum. Anything else (other activations, other ranks,
 * other backends, inference) takes tfjs' own code.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { KernelArgs, TensorInfo, Tf } from './wasm-kernel-types';
import { WASM_BACKEND } from './wasm-kernel-replacement';
import { matrixProduct } from './wasm-heap';

const KERNEL_NAME = 'KilnDense';
/** The activations the fused product applies (XNNPACK clamps its output). */
const FUSED_ACTIVATIONS = new Set(['relu', 'linear']);

type DenseAttrs = { activation: 'relu' | 'linear' };

/** y = activation(x · kernel + bias), through wasm's own fused product. */
function denseForward(tf: Tf) {
  return ({ inputs, attrs, backend }: KernelArgs): TensorInfo => {
    const { x, kernel, bias } = inputs as { x: TensorInfo; kernel: TensorInfo; bias?: TensorInfo };
    const { activation } = attrs as unknown as DenseAttrs;
    return matrixProduct(tf, backend, x, kernel, { bias: bias ?? null, activation });
  };
}

/** The parts of tfjs-layers' Dense that the fused path reads (not in tfjs' public typings). */
type DenseLayer = {
  activation?: { getClassName(): string };
  kernel?: { read(): TfModule.Variable };
  bias?: { read(): TfModule.Variable } | null;
  invokeCallHook(inputs: unknown, kwargs: unknown): void;
};
type CallArgs = [inputs: TfModule.Tensor | TfModule.Tensor[], kwargs: unknown];
type EngineTape = { isTapeOn(): boolean };

/** The one input of a Dense call, when the fused kernel can take it; null for tfjs' own path. */
function fusableInput(tf: Tf, layer: DenseLayer, inputs: CallArgs[0]): TfModule.Tensor | null {
  const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  const activation = layer.activation?.getClassName();
  if (!input || input.rank !== 2 || input.dtype !== 'float32' || !layer.kernel || !activation || !FUSED_ACTIVATIONS.has(activation)) return null;
  if (tf.getBackend() !== WASM_BACKEND || !(tf.engine() as unknown as EngineTape).isTapeOn()) return null;
  // wasm's product does not check the inner dimensions (tfjs' matMul op does): mismatched
  // shapes take tfjs' path and its error.
  if (input.shape[1] !== layer.kernel.read().shape[0]) return null;
  return input;
}

/** Registers KilnDense and its gradient on wasm, and routes training Dense layers to it. Idempotent. */
export function installWasmDense(tf: Tf): void {
  if (tf.getKernel(KERNEL_NAME, WASM_BACKEND)) return;
  tf.registerKernel({ kernelName: KERNEL_NAME, backendName: WASM_BACKEND, kernelFunc: denseForward(tf) as never });
  tf.registerGradient({
    kernelName: KERNEL_NAME,
    inputsToSave: ['x', 'kernel'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, kernel, y] = saved as [TfModule.Tensor, TfModule.Tensor, TfModule.Tensor];
      const gradient = dy as TfModule.Tensor;
      // relu passes the gradient where it let the value through: y > 0 exactly where x·W + b > 0.
      const beforeActivation = (attrs as unknown as DenseAttrs).activation === 'relu' ? tf.mul(gradient, tf.step(y)) : gradient;
      return {
        x: () => tf.matMul(beforeActivation, kernel, false, true),
        kernel: () => tf.matMul(x, beforeActivation, true, false),
        bias: () => tf.sum(beforeActivation, 0),
      };
    },
  });

  const prototype = Object.getPrototypeOf(tf.layers.dense({ units: 1 })) as { call(this: DenseLayer, ...args: CallArgs): TfModule.Tensor };
  const stockCall = prototype.call;
  prototype.call = function call(this: DenseLayer, inputs, kwargs) {
    const input = fusableInput(tf, this, inputs);
    if (!input) return stockCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const bias = this.bias?.read();
      const attrs: DenseAttrs = { activation: this.activation?.getClassName() as DenseAttrs['activation'] };
      return tf.engine().runKernel(KERNEL_NAME, { x: input, kernel: (this.kernel as NonNullable<DenseLayer['kernel']>).read(), ...(bias ? { bias } : {}) }, attrs as unknown as TfModule.NamedAttrMap) as TfModule.Tensor;
    });
  };
}
