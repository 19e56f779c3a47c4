import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmFusedAdam } from './wasm-adam';
import { startWasmInNode } from './__harness__/wasm-in-node';

beforeAll(() => startWasmInNode(installWasmFusedAdam));

/** Deterministic, uneven values. */
const series = (length: number, seed: number) => Array.from({ length }, (_, i) => Math.sin(seed + i * 0.37) * 2);

/**
 * Trains a small MLP for a few epochs on `backend` with Adam and returns its final weights and
 * how many kernels one epoch ran. Same data, same initial weights on every backend.
 */
async function train(backend: 'cpu' | 'wasm', optimizer: () => tf.Optimizer): Promise<{ weights: number[]; kernels: string[] }> {
  await tf.setBackend(backend);
  const xs = tf.tensor2d(series(40 * 3, 1), [40, 3]);
  const ys = tf.tensor2d(series(40, 2), [40, 1]);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 5, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  model.setWeights(model.getWeights().map((weight, i) => tf.tensor(series(weight.size, 10 + i).map((value) => value / 4), weight.shape)));
  const adam = optimizer();
  model.compile({ optimizer: adam, loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs: 4, batchSize: 8, shuffle: false, verbose: 0 });
  const profile = await tf.profile(async () => {
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
  });
  const weights = model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
  tf.dispose([xs, ys]);
  model.dispose();
  adam.dispose();
  return { weights, kernels: profile.kernels.map((kernel) => kernel.name) };
}

/** On wasm, Adam minimising Σx² from [1, −2, 3], after one step (its moments exist then). */
async function minimisingSquares() {
  await tf.setBackend('wasm');
  const variable = tf.variable(tf.tensor1d([1, -2, 3]));
  const adam = tf.train.adam(0.1);
  const step = () => adam.minimize(() => variable.square().sum());
  step();
  return { variable, adam, step };
}

describe('installWasmFusedAdam', () => {
  it('trains to the weights tfjs’ own Adam reaches, with far fewer kernels per batch', async () => {
    const settings = () => tf.train.adam(0.05, 0.8, 0.95, 1e-6);
    const reference = await train('cpu', settings);
    const fused = await train('wasm', settings);
    expect(fused.weights).toHaveLength(reference.weights.length);
    fused.weights.forEach((weight, i) => expect(weight).toBeCloseTo(reference.weights[i] as number, 4));
    // The CPU backend runs tfjs' 14 ops per variable, with a square root; wasm runs none of them.
    expect(reference.kernels).toContain('Sqrt');
    expect(fused.kernels).not.toContain('Sqrt');
    expect(fused.kernels.length).toBeLessThan(reference.kernels.length * 0.6);
  });

  it('leaves no tensors behind, however many steps run', async () => {
    const { variable, adam, step } = await minimisingSquares();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    // Adam moves every weight toward the minimum of x².
    Array.from(variable.dataSync()).forEach((value, i) => expect(Math.abs(value)).toBeLessThan(Math.abs([1, -2, 3][i] as number)));
    adam.dispose();
    variable.dispose();
  });

  it('updates the moments in place only while nothing else holds their data', async () => {
    const { variable, adam, step } = await minimisingSquares();
    // getWeights: [iterations, first moment, second moment]; a reshape shares the moment's data.
    const firstMoment = (await adam.getWeights())[1]?.tensor as tf.Tensor;
    const copy = firstMoment.reshape([1, 3]);
    const copied = Array.from(copy.dataSync());
    step();
    expect(Array.from(copy.dataSync())).toEqual(copied);
    expect(Array.from(firstMoment.dataSync())).not.toEqual(copied);
    copy.dispose();
    adam.dispose();
    variable.dispose();
  });

  it('skips a variable frozen after compile (no gradient), as tfjs’ own Adam does', async () => {
    await tf.setBackend('wasm');
    const trainable = tf.variable(tf.tensor1d([1, -2]), true);
    const frozen = tf.variable(tf.tensor1d([3, 4]), false);
    const adam = tf.train.adam(0.1);
    // An explicit variable list hands Adam a null gradient for the frozen one.
    adam.minimize(() => trainable.square().sum().add(frozen.sum()), false, [trainable, frozen]);
    expect(Array.from(frozen.dataSync())).toEqual([3, 4]);
    Array.from(trainable.dataSync()).forEach((value, i) => expect(Math.abs(value)).toBeLessThan(Math.abs([1, -2][i] as number)));
    tf.dispose([trainable, frozen]);
    adam.dispose();
  });

  it('leaves other backends to tfjs’ own Adam', async () => {
    await tf.setBackend('cpu');
    const variable = tf.variable(tf.tensor1d([1, -2]));
    const adam = tf.train.adam(0.1);
    const profile = await tf.profile(() => {
      adam.minimize(() => variable.square().sum());
    });
        expect(profile.kernels.map((kernel) => kernel.name)).toContain('Sqrt');
    adam.dispose();
    variable.dispose();
    await tf.setBackend('wasm');
  });
});
