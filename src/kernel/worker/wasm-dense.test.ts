import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmDense } from './wasm-dense';
import { installWasmTransposedMatMul } from './wasm-matmul';
import { startWasmInNode } from './__harness__/wasm-in-node';

beforeAll(() =>
  startWasmInNode((tfModule) => {
    installWasmTransposedMatMul(tfModule);
    installWasmDense(tfModule);
  }),
);

/** Deterministic data: a smooth target of 4 features. */
function data() {
  const xs = tf.tensor2d(Array.from({ length: 64 * 4 }, (_, i) => Math.sin(i * 0.37)), [64, 4]);
  const ys = tf.tensor2d(Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.21)), [64, 1]);
  return { xs, ys };
}

/** relu, linear without bias, sigmoid (not fused), linear output: every path of Dense. */
function buildModel(): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.glorotNormal({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: seeded(1), biasInitializer: 'ones' }),
      tf.layers.dense({ units: 8, useBias: false, kernelInitializer: seeded(2) }),
      tf.layers.dense({ units: 6, activation: 'sigmoid', kernelInitializer: seeded(3) }),
      tf.layers.dense({ units: 1, kernelInitializer: seeded(4) }),
    ],
  });
  // Plain SGD: a gradient off by any factor changes the weights (Adam would normalise it away).
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return model;
}

async function trainedWeightsOn(backend: string): Promise<{ weights: number[]; losses: number[] }> {
  await tf.setBackend(backend);
  const { xs, ys } = data();
  const model = buildModel();
  const history = await model.fit(xs, ys, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
  const weights = model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
  tf.dispose([xs, ys]);
  model.dispose();
  return { weights, losses: history.history['loss'] as number[] };
}

describe('installWasmDense', () => {
  it('trains to the weights the CPU backend (tfjs’ own Dense) reaches', async () => {
    const cpu = await trainedWeightsOn('cpu');
    const wasm = await trainedWeightsOn('wasm');
    expect(wasm.weights).toHaveLength(cpu.weights.length);
    wasm.weights.forEach((value, i) => expect(value).toBeCloseTo(cpu.weights[i] as number, 5));
    wasm.losses.forEach((value, i) => expect(value).toBeCloseTo(cpu.losses[i] as number, 5));
  });

  it('runs a relu or linear layer as one kernel while training, and leaves the rest to tfjs', async () => {
    await tf.setBackend('wasm');
    const { xs, ys } = data();
    const model = buildModel();
    const optimizer = tf.train.sgd(0.01);
    const profile = await tf.profile(() => {
      optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar);
    });
    const names = profile.kernels.map((kernel) => kernel.name);
    expect(names.filter((name) => name === 'KilnDense')).toHaveLength(3);
    expect(names).not.toContain('Relu');

    // The sigmoid layer is tfjs' own: its product and activation are kernels of their own.
    expect(names).toContain('Sigmoid');
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('gives gradients of gradients through a fused layer (a gradient penalty) as the CPU backend does', async () => {
    const penalty = async (backend: string) => {
      await tf.setBackend(backend);
      const layer = tf.layers.dense({ units: 3, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotNormal({ seed: 9 }), biasInitializer: 'ones' });
      layer.build([null, 4]);
      const { xs } = data();
      const kernel = layer.getWeights()[0] as tf.Tensor;
      // d/dW of |d(Σ layer(x)²)/dx|²: differentiates the layer's own gradient, whose incoming
      // gradient (2·layer(x)) depends on W too.
      const { grads } = tf.variableGrads(() => {
        const inputGradient = tf.grad((x: tf.Tensor) => (layer.apply(x) as tf.Tensor).square().sum())(xs);
        return inputGradient.square().sum() as tf.Scalar;
      }, [kernel as tf.Variable]);
      const values = Array.from((Object.values(grads)[0] as tf.Tensor).dataSync());
      xs.dispose();
      return values;
    };
    const cpu = await penalty('cpu');
    const wasm = await penalty('wasm');
    expect(cpu.some((value) => value !== 0)).toBe(true);
    // Relative: the values reach the hundreds, where float32 keeps about 5 decimals.
    wasm.forEach((value, i) => expect(Math.abs(value - (cpu[i] as number))).toBeLessThan(1e-5 * Math.max(1, Math.abs(cpu[i] as number))));
  });

  it('reports mismatched shapes with tfjs’ own error', async () => {
    await tf.setBackend('wasm');
    const layer = tf.layers.dense({ units: 2, activation: 'relu', inputShape: [3] });
    layer.build([null, 3]);
    const wrongWidth = tf.ones([2, 5]);
    expect(() => tf.grad((x: tf.Tensor) => (layer.call(x, {}) as tf.Tensor).sum())(wrongWidth)).toThrow(/inner shapes|must match/i);
    wrongWidth.dispose();
  });

  it('keeps tfjs’ path for inference', async () => {
    await tf.setBackend('wasm');
    const { xs } = data();
    const model = buildModel();
    const profile = await tf.profile(() => model.predict(xs) as tf.Tensor);
    expect(profile.kernels.map((kernel) => kernel.name)).not.toContain('KilnDense');
    xs.dispose();
    model.dispose();
  });

  it('leaks no tensor over repeated fits', async () => {
    await tf.setBackend('wasm');
    const { xs, ys } = data();
    const model = buildModel();
    await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });
    const tensors = tf.memory().numTensors;
    await model.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
