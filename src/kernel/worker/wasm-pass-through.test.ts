import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmSharedPassThrough } from './wasm-pass-through';
import { startWasmInNode } from './__harness__/wasm-in-node';

beforeAll(() => startWasmInNode(installWasmSharedPassThrough));

/** Data the wasm backend holds (not tensors: a shared buffer is one entry for several tensors). */
const heldByBackend = () => tf.engine().backend.numDataIds();

describe('installWasmSharedPassThrough', () => {
  it('clones without copying, and the data lives until its last tensor is disposed', () => {
    const before = heldByBackend();
    const original = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const clone = original.clone();
    expect(heldByBackend()).toBe(before + 1);
    original.dispose();
    expect(clone.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    clone.dispose();
    expect(heldByBackend()).toBe(before);
  });

  it('keeps a clone unchanged when the variable it came from is assigned a new value', () => {
    const variable = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = variable.clone();
    variable.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(variable.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([variable, snapshot]);
  });

  it('casts to the same dtype without copying, and to another dtype as before', () => {
    const before = heldByBackend();
    const floats = tf.tensor1d([1.5, -2.5, 3]);
    const same = floats.cast('float32');
    expect(heldByBackend()).toBe(before + 1);
    const ints = floats.cast('int32');
    expect(heldByBackend()).toBe(before + 2);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    floats.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.5, 3]);
    tf.dispose([same, ints]);
    expect(heldByBackend()).toBe(before);
  });

  it('still clones string tensors, which live outside the wasm heap', () => {
    const words = tf.tensor1d(['a', 'b'], 'string');
    const clone = words.clone();
    words.dispose();
    expect(clone.arraySync()).toEqual(['a', 'b']);
    clone.dispose();
  });

  it('gives the gradients the CPU backend gives (tfjs clones what it keeps for the backward pass)', async () => {
    const gradients = () =>
      tf.tidy(() => {
        const x = tf.tensor2d([0.5, -1, 2, 0.1, 0.3, -0.7], [2, 3]);
        const w = tf.tensor2d([0.2, -0.4, 0.6, 0.1, -0.3, 0.5], [3, 2]);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b).relu().square().sum())([x, w]);
        return [...(dx as tf.Tensor).dataSync(), ...(dw as tf.Tensor).dataSync()];
      });
    await tf.setBackend('cpu');
    const expected = gradients();
    await tf.setBackend('wasm');
    gradients().forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 5));
  });
});
