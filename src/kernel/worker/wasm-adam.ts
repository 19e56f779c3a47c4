/**
 * Adam in one kernel call per variable on the wasm backend.
 *
 * tfjs' AdamOptimizer updates each variable with 14 element-wise ops (mul, add, square, div,
 * sqrt…), each a trip through the engine, a wasm call and a new tensor. For the small models
 * people train in a notebook the ops are tiny and that fixed cost dominates: a 10→64→64→1 MLP
 * ran ~170 kernels per batch, half of them Adam's. The fused kernel reads the variable, its two
 * moments and its gradient from the wasm heap and writes the three new values in one loop, with
 * tfjs' formulas (so results match the stock optimizer up to float rounding).
 *
 * installWasmFusedAdam registers the kernel and routes AdamOptimizer.applyGradients to it while
 * the wasm backend is active with float32 variables; anything else takes tfjs' own code.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { KernelArgs, KernelConfig, TensorInfo, Tf, WasmBackend } from './wasm-kernel-types';
import { WASM_BACKEND } from './wasm-kernel-replacement';

const KERNEL_NAME = 'KilnAdamUpdate';

/** The attributes of one update: the optimizer's settings and this step's bias corrections. */
type AdamStep = {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ for this step t. */
  readonly correction1: number;
  readonly correction2: number;
};

/** New value, first moment and second moment of one variable, as tfjs' AdamOptimizer computes them. */
function adamUpdate({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { value, firstMoment, secondMoment, gradient } = inputs as Record<'value' | 'firstMoment' | 'secondMoment' | 'gradient', TensorInfo>;
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = attrs as unknown as AdamStep;
  const wasm = backend as unknown as WasmBackend;
  const operands = [value, firstMoment, secondMoment, gradient];
  // Any allocation can grow the wasm memory, which detaches every view taken before it: reading
  // an input can move its data onto the heap, then the outputs are allocated, then all the views.
  for (const operand of operands) wasm.typedArrayFromHeap(operand);
  const outputs = [value, firstMoment, secondMoment].map((input) => wasm.makeOutput([...input.shape], 'float32'));
  const [current, first, second, grad] = operands.map((operand) => wasm.typedArrayFromHeap(operand)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [newValue, newFirst, newSecond] = outputs.map((output) => wasm.typedArrayFromHeap(output)) as [Float32Array, Float32Array, Float32Array];
  // tfjs turns each setting into a float32 scalar (1 − β as computed in JavaScript).
  const [b1, b2, keep1, keep2, eps, rate] = [beta1, beta2, 1 - beta1, 1 - beta2, epsilon, learningRate].map(Math.fround) as [number, number, number, number, number, number];
  // Multiplying by the reciprocals instead of dividing by the corrections: the loop is bound by
  // divisions and a square root per element, and this halves its time (a last-bit difference).
  const [unbias1, unbias2] = [1 / correction1, 1 / correction2];
  for (let i = 0; i < current.length; i++) {
    const g = grad[i] as number;
    const m = b1 * (first[i] as number) + keep1 * g;
    const v = b2 * (second[i] as number) + keep2 * g * g;
    newFirst[i] = m;
    newSecond[i] = v;
    newValue[i] = (current[i] as number) - (rate * m * unbias1) / (Math.sqrt(v * unbias2) + eps);
  }
  return outputs;
}

type NamedGradients = Parameters<TfModule.AdamOptimizer['applyGradients']>[0];
type Moment = { originalName: string; variable: TfModule.Variable };
/** AdamOptimizer's fields that applyGradients uses (declared protected in tfjs' typings). */
type AdamState = {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: TfModule.Variable;
  accBeta2: TfModule.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
  incrementIterations(): void;
};

/** A zero-filled, non-trainable moment for `value`, as tfjs' optimizer creates them. */
const newMoment = (tf: Tf, value: TfModule.Variable, name: string): Moment => ({
  originalName: name,
  variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
});

/** One Adam step through the fused kernel; false (nothing changed) when it does not apply. */
function applyFused(tf: Tf, optimizer: AdamState, gradients: NamedGradients): boolean {
  const entries = Array.isArray(gradients) ? gradients.map(({ name, tensor }) => [name, tensor] as const) : Object.entries(gradients);
  const variables = entries.map(([name]) => tf.engine().registeredVariables[name]);
  // A missing gradient (null: a variable frozen after compile) is skipped below, as tfjs does.
  const isFloat32 = (tensor: TfModule.Tensor | null | undefined) => tensor == null || tensor.dtype === 'float32';
  if (tf.getBackend() !== WASM_BACKEND || !variables.every(isFloat32) || !entries.every(([, gradient]) => isFloat32(gradient))) return false;

  const [accBeta1, accBeta2] = [optimizer.accBeta1, optimizer.accBeta2].map((acc) => acc.dataSync()[0] as number) as [number, number];
  const step: AdamStep = {
    learningRate: optimizer.learningRate,
    beta1: optimizer.beta1,
    beta2: optimizer.beta2,
    epsilon: optimizer.epsilon,
    correction1: Math.fround(1 - accBeta1),
    correction2: Math.fround(1 - accBeta2),
  };
  // The variables keep what is assigned to them; tidy frees the kernel's outputs otherwise.
  tf.tidy(() => {
    entries.forEach(([name, gradient], i) => {
      const value = variables[i] as TfModule.Variable;
      const first = (optimizer.accumulatedFirstMoment[i] ??= newMoment(tf, value, `${name}/m`)).variable;
      const second = (optimizer.accumulatedSecondMoment[i] ??= newMoment(tf, value, `${name}/v`)).variable;
      if (gradient == null) return;
      const inputs = { value, firstMoment: first, secondMoment: second, gradient };
      const [newValue, newFirst, newSecond] = tf.engine().runKernel(KERNEL_NAME, inputs, step as unknown as TfModule.NamedAttrMap) as TfModule.Tensor[];
      value.assign(newValue as TfModule.Tensor);
      first.assign(newFirst as TfModule.Tensor);
      second.assign(newSecond as TfModule.Tensor);
    });
    // β₁ᵗ⁺¹ as tfjs' float32 multiply gives it: the exact product of two float32s, rounded once.
    optimizer.accBeta1.assign(tf.scalar(Math.fround(accBeta1 * Math.fround(optimizer.beta1))));
    optimizer.accBeta2.assign(tf.scalar(Math.fround(accBeta2 * Math.fround(optimizer.beta2))));
  });
  optimizer.incrementIterations();
  return true;
}

/** Registers the fused kernel and routes Adam through it on the wasm backend. Idempotent. */
export function installWasmFusedAdam(tf: Tf): void {
  if (tf.getKernel(KERNEL_NAME, WASM_BACKEND)) return;
  tf.registerKernel({ kernelName: KERNEL_NAME, backendName: WASM_BACKEND, kernelFunc: adamUpdate as KernelConfig['kernelFunc'] });
  const prototype = tf.AdamOptimizer.prototype;
  const stockApplyGradients = prototype.applyGradients;
  prototype.applyGradients = function applyGradients(this: TfModule.AdamOptimizer, gradients: NamedGradients): void {
    if (!applyFused(tf, this as unknown as AdamState, gradients)) stockApplyGradients.call(this, gradients);
  };
}
