/**
 * Adam in one loop per variable on the wasm backend.
 *
 * tfjs' AdamOptimizer updates each variable with 14 element-wise ops (mul, add, square, div,
 * sqrt…), each a trip through the engine, a wasm call and a new tensor. For the small models
 * people train in a notebook the ops are tiny and that fixed cost dominates: a 10→64→64→1 MLP
 * ran ~170 kernels per batch, half of them Adam's. Here one loop reads the variable, its two
 * moments and its gradient from the wasm heap and writes the new values, with tfjs' formulas (so
 * results match the stock optimizer up to float rounding), outside the engine's kernel machinery.
 *
 * installWasmFusedAdam routes AdamOptimizer.applyGradients to it while the wasm backend is active
 * with float32 variables; anything else takes tfjs' own code.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { TensorInfo, Tf, WasmBackend } from './wasm-kernel-types';
import { WASM_BACKEND } from './wasm-kernel-replacement';
import { moveOntoHeap } from './wasm-heap';

/** Marks AdamOptimizer's prototype once applyGradients is routed. */
const FUSED = Symbol('kiln.fusedAdam');

/** The optimizer's settings and this step's bias corrections. */
type AdamStep = {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ for this step t. */
  readonly correction1: number;
  readonly correction2: number;
};

type Backend = WasmBackend & { refCount(dataId: object): number };

/**
 * Updates one variable and its two moments, as tfjs' AdamOptimizer computes them. The moments
 * are updated in place when only the optimizer holds their data. The value always gets new data:
 * wasm's matrix product caches weights packed for XNNPACK by tensor, so a weight's data must
 * never change under it.
 */
function updateVariable(tf: Tf, backend: Backend, step: AdamStep, value: TfModule.Variable, firstMoment: TfModule.Variable, secondMoment: TfModule.Variable, gradient: TfModule.Tensor): void {
  const operands: TensorInfo[] = [value, firstMoment, secondMoment, gradient];
  // Any allocation can grow the wasm memory, which detaches every view taken before it: first
  // the inputs move onto the heap, then the outputs are allocated, then all the views.
  moveOntoHeap(backend, operands);
  const ownsMoments = backend.refCount(firstMoment.dataId) === 1 && backend.refCount(secondMoment.dataId) === 1;
  const outputs = (ownsMoments ? [value] : [value, firstMoment, secondMoment]).map((input) => backend.makeOutput([...input.shape], 'float32'));
  const [current, first, second, grad] = operands.map((operand) => backend.typedArrayFromHeap(operand)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [newValue, newFirst, newSecond] = ownsMoments
    ? [backend.typedArrayFromHeap(outputs[0] as TensorInfo) as Float32Array, first, second]
    : (outputs.map((output) => backend.typedArrayFromHeap(output)) as [Float32Array, Float32Array, Float32Array]);
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = step;
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
  const targets = ownsMoments ? [value] : [value, firstMoment, secondMoment];
  targets.forEach((target, i) => {
    const updated = tf.engine().makeTensorFromTensorInfo(outputs[i] as TensorInfo, backend as never);
    target.assign(updated);
    updated.dispose();
  });
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
  const backend = tf.backend() as unknown as Backend;
  tf.tidy(() => {
    entries.forEach(([name, gradient], i) => {
      const value = variables[i] as TfModule.Variable;
      const first = (optimizer.accumulatedFirstMoment[i] ??= newMoment(tf, value, `${name}/m`)).variable;
      const second = (optimizer.accumulatedSecondMoment[i] ??= newMoment(tf, value, `${name}/v`)).variable;
      if (gradient != null) updateVariable(tf, backend, step, value, first, second, gradient);
    });
    // β₁ᵗ⁺¹ as tfjs' float32 multiply gives it: the exact product of two float32s, rounded once.
    optimizer.accBeta1.assign(tf.scalar(Math.fround(accBeta1 * Math.fround(optimizer.beta1))));
    optimizer.accBeta2.assign(tf.scalar(Math.fround(accBeta2 * Math.fround(optimizer.beta2))));
  });
  optimizer.incrementIterations();
  return true;
}

/** Routes Adam through the fused update on the wasm backend. Idempotent. */
export function installWasmFusedAdam(tf: Tf): void {
  const prototype = tf.AdamOptimizer.prototype as TfModule.AdamOptimizer & { [FUSED]?: true };
  if (prototype[FUSED]) return;
  prototype[FUSED] = true;
  const stockApplyGradients = prototype.applyGradients;
  prototype.applyGradients = function applyGradients(this: TfModule.AdamOptimizer, gradients: NamedGradients): void {
    if (!applyFused(tf, this as unknown as AdamState, gradients)) stockApplyGradients.call(this, gradients);
  };
}
