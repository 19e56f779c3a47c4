import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installSharedSavedTensors } from './tape-saved-tensors';
import { startWasmInNode } from './__harness__/wasm-in-node';

beforeAll(() => startWasmInNode(installSharedSavedTensors));

/** Σ xᵢ³: its product saves both operands for the backward pass. */
const sumOfCubes = (x: tf.Tensor) => x.mul(x).mul(x).sum();

/** Names of the kernels `compute` runs. */
async function kernelsRun(compute: () => tf.Tensor): Promise<string[]> {
  const profile = await tf.profile(() => compute());
  return profile.kernels.map((kernel) => kernel.name);
}

describe.each(['wasm', 'cpu'])('installSharedSavedTensors on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('keeps tensors for the backward pass without cloning them, and the gradient is right', async () => {
    const x = tf.tensor1d([1, -2, 3]);
    const kernels = await kernelsRun(() => tf.grad(sumOfCubes)(x));
    expect(kernels).toContain('Multiply');
    expect(kernels).not.toContain('Identity');
    expect(Array.from(tf.grad(sumOfCubes)(x).dataSync())).toEqual([3, 12, 27]);
    x.dispose();
  });

  it('leaks no tensor and no backend data over a gradient step', () => {
    const x = tf.tensor1d([0.5, 1.5]);
    const gradient = tf.grad(sumOfCubes);
    gradient(x).dispose();
    const before = { tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds() };
    for (let i = 0; i < 3; i++) gradient(x).dispose();
    expect({ tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds() }).toEqual(before);
    x.dispose();
  });

  it('gives gradients of gradients, also through what an inner tape kept', () => {
    const x = tf.tensor1d([1, 2, -1]);
    const second = tf.grad((input: tf.Tensor) => tf.grad(sumOfCubes)(input).sum());
    expect(Array.from(second(x).dataSync())).toEqual([6, 12, -6]);
    // u is recorded by the outer tape; the inner gradient reads u through what was kept for the
    // product u·t, so the outer gradient must reach u's source through the kept tensor.
    const throughKept = tf.grad((input: tf.Tensor) => {
      const t = input.mul(2);
      const u = t.mul(t);
      return tf.grad((inner: tf.Tensor) => u.mul(inner).sum())(t).sum();
    });
    expect(Array.from(throughKept(tf.tensor1d([1, 2])).dataSync())).toEqual([24, 48]);
    x.dispose();
  });

  it('trains a model as before: the loss falls and nothing leaks across fits', async () => {
    const xs = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [8, 1]);
    const ys = xs.mul(2).add(1);
    // Seeded, with live relu units: random weights could switch every unit off, and then the
    // loss cannot fall (it failed that way once in a full run).
    const seeded = (seed: number) => tf.initializers.glorotNormal({ seed });
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [1], units: 8, activation: 'relu', kernelInitializer: seeded(3), biasInitializer: 'ones' }), tf.layers.dense({ units: 1, kernelInitializer: seeded(4) })],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    const tensorsAfterFirstFit = tf.memory().numTensors;
    const history = await model.fit(xs, ys, { epochs: 60, batchSize: 4, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]).toBeLessThan((losses[0] as number) / 10);
    expect(tf.memory().numTensors).toBe(tensorsAfterFirstFit);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
