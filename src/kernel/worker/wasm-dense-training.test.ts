import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmDenseTraining } from './wasm-dense-training';
import { installWasmDense } from './wasm-dense';
import { installWasmFusedAdam } from './wasm-adam';
import { installWasmTransposedMatMul } from './wasm-matmul';
import { startWasmInNode } from './__harness__/wasm-in-node';
import { measureTrainingSpeed } from './backends';

beforeAll(() =>
  startWasmInNode((tfModule) => {
    installWasmTransposedMatMul(tfModule);
    installWasmFusedAdam(tfModule);
    installWasmDense(tfModule);
    installWasmDenseTraining(tfModule);
  }),
);

const seeded = (seed: number) => tf.initializers.glorotNormal({ seed });
/** Kernels that only tfjs' own (taped) training of a Dense layer runs on wasm. */
const TAPED_DENSE_KERNELS = ['KilnDense', 'BatchMatMul', '_FusedMatMul'];

/** Deterministic data: 64 rows of 5 features, two smooth targets, 3-class labels (float32, and int32 as tf.oneHot gives them). */
function data() {
  return {
    xs: tf.tensor2d(Array.from({ length: 64 * 5 }, (_, i) => Math.sin(i * 0.37)), [64, 5]),
    ys: tf.tensor2d(Array.from({ length: 64 * 2 }, (_, i) => Math.cos(i * 0.21)), [64, 2]),
    labels: tf.tensor2d(Array.from({ length: 64 * 3 }, (_, i) => (Math.floor(i / 3) * 7) % 3 === i % 3 ? 1 : 0), [64, 3]),
    oneHotLabels: tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 7) % 3), 'int32'), 3),
  };
}
type Data = ReturnType<typeof data>;

/** relu, linear without bias, relu (7 units: the mask's unrolled loop and its remainder), two linear outputs. */
function regression(layerOptions: Partial<Parameters<typeof tf.layers.dense>[0]> = {}): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 8, activation: 'relu', kernelInitializer: seeded(1), biasInitializer: 'ones', ...layerOptions }),
      tf.layers.dense({ units: 6, useBias: false, kernelInitializer: seeded(2) }),
      tf.layers.dense({ units: 7, activation: 'relu', kernelInitializer: seeded(3), biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
      tf.layers.dense({ units: 2, kernelInitializer: seeded(4) }),
    ],
  });
  // Plain SGD: a gradient off by any factor changes the weights (Adam would normalise it away).
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}

/** tanh and sigmoid hidden layers (their gradients come from their outputs), a linear output. */
function smooth(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 6, activation: 'tanh', kernelInitializer: seeded(7), biasInitializer: tf.initializers.constant({ value: 0.2 }) }),
      tf.layers.dense({ units: 5, activation: 'sigmoid', kernelInitializer: seeded(8) }),
      tf.layers.dense({ units: 2, kernelInitializer: seeded(9) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanSquaredError' });
  return model;
}

/** A functional model with a softmax output, trained with Adam on cross-entropy. */
function classifier(): tf.LayersModel {
  const input = tf.input({ shape: [5] });
  const hidden = tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: seeded(5) }).apply(input) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(6) }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

type Trained = { weights: number[]; history: Record<string, number[]> };

async function trainOn(backend: string, build: () => tf.LayersModel, target: keyof Data): Promise<Trained> {
  await tf.setBackend(backend);
  const tensors = data();
  const model = build();
  // Batches of 20, 20, 20 and 4: the last is smaller, as in most real data.
  const history = await model.fit(tensors.xs, tensors[target], { epochs: 4, batchSize: 20, shuffle: false, verbose: 0 });
  const weights = model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
  tf.dispose(Object.values(tensors));
  model.dispose();
  return { weights, history: history.history as Record<string, number[]> };
}

/** Equal up to float32 rounding from a different order of summation. */
function expectClose(actual: number[] | undefined, expected: number[] | undefined): void {
  expect(expected?.length).toBeGreaterThan(0);
  expect(actual).toHaveLength((expected as number[]).length);
  actual?.forEach((value, i) => {
    const reference = (expected as number[])[i] as number;
    expect(Math.abs(value - reference)).toBeLessThan(2e-5 * Math.max(1, Math.abs(reference)));
  });
}

/**
 * Trains `build()` on the CPU backend (tfjs' own training) and on wasm, and expects the same
 * weights and the same history for each of `keys`.
 */
async function expectTrainingAsOnCpu(build: () => tf.LayersModel, target: keyof Data, keys: string[] = ['loss']): Promise<{ cpu: Trained; wasm: Trained }> {
  const cpu = await trainOn('cpu', build, target);
  const wasm = await trainOn('wasm', build, target);
  expectClose(wasm.weights, cpu.weights);
  for (const key of keys) expectClose(wasm.history[key], cpu.history[key]);
  return { cpu, wasm };
}

/** Runs `check` on wasm with each model the fused step takes (regressions, classifier) and its data. */
async function withEachFusedModel(check: (model: tf.LayersModel, xs: tf.Tensor, target: tf.Tensor) => Promise<void>): Promise<void> {
  await tf.setBackend('wasm');
  const { xs, ys, labels, oneHotLabels } = data();
  for (const [build, target] of [
    [regression, ys],
    [smooth, ys],
    [classifier, labels],
    [classifier, oneHotLabels],
  ] as const) {
    const model = build();
    await check(model, xs, target);
    model.dispose();
  }
  tf.dispose([xs, ys, labels, oneHotLabels]);
}

/** The kernels the engine ran for one training step of `model`. */
async function kernelsOfOneStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, fitArgs: tf.ModelFitArgs = {}): Promise<string[]> {
  const profile = await tf.profile(async () => {
    await model.fit(x, y, { epochs: 1, batchSize: x.shape[0], verbose: 0, ...fitArgs });
  });
  return profile.kernels.map((kernel) => kernel.name);
}

describe('installWasmDenseTraining', () => {
  it('trains a regression MLP to the weights, losses and metrics of tfjs’ own training (CPU backend)', async () => {
    await expectTrainingAsOnCpu(regression, 'ys', ['loss', 'mae']);
  });

  it('trains tanh and sigmoid hidden layers as tfjs does', async () => {
    await expectTrainingAsOnCpu(smooth, 'ys');
  });

  it('trains a softmax classifier (functional model, Adam, accuracy) as tfjs does', async () => {
    const { cpu, wasm } = await expectTrainingAsOnCpu(classifier, 'labels');
    expect(wasm.history['acc']).toEqual(cpu.history['acc']);
  });

  it('takes int32 one-hot labels (what tf.oneHot gives) as tfjs does', async () => {
    await expectTrainingAsOnCpu(classifier, 'oneHotLabels');
  });

  it('runs a step without a gradient tape over the layers: none of their products go through the engine', async () => {
    await withEachFusedModel(async (model, xs, target) => {
      const kernels = await kernelsOfOneStep(model, xs, target);
      expect(kernels.length).toBeGreaterThan(0);
      expect(kernels.filter((name) => TAPED_DENSE_KERNELS.includes(name))).toEqual([]);
    });
  });

  it('leaves what it does not handle to tfjs: other layers, penalties, own losses and optimizers, frozen weights, class weights, other backends', async () => {
    await tf.setBackend('wasm');
    const { xs, ys } = data();
    const withDropout = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 4, activation: 'relu' }), tf.layers.dropout({ rate: 0.2 }), tf.layers.dense({ units: 2 })] });
    withDropout.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const withRegularizer = regression({ kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) });
    const withAddedLoss = regression();
    const layer = withAddedLoss.layers[0] as tf.layers.Layer & { kernel: { read(): tf.Tensor } };
    layer.addLoss(() => tf.sum(tf.square(layer.kernel.read())).mul(0.5) as tf.Scalar);
    // A loss of the user's own may read the weights, so its gradient reaches them directly.
    const withOwnLoss = regression();
    withOwnLoss.compile({ optimizer: tf.train.sgd(0.05), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred) });
    class ClippingSgd extends tf.SGDOptimizer {
      override computeGradients(f: () => tf.Scalar, varList?: tf.Variable[]) {
        const { value, grads } = super.computeGradients(f, varList);
        return { value, grads: Object.fromEntries(Object.entries(grads).map(([name, grad]) => [name, tf.clipByValue(grad, -0.01, 0.01)])) };
      }
    }
    const withOwnOptimizer = regression();
    withOwnOptimizer.compile({ optimizer: new ClippingSgd(0.05), loss: 'meanSquaredError' });
    // Frozen after compile: tfjs hands such weights no gradient, so the optimizer skips them.
    const withFrozenLayer = regression();
    (withFrozenLayer.layers[0] as tf.layers.Layer).trainable = false;
    const plain = regression();
    const cases: [tf.LayersModel, tf.ModelFitArgs][] = [
      [withDropout, {}],
      [withRegularizer, {}],
      [withAddedLoss, {}],
      [withOwnLoss, {}],
      [withOwnOptimizer, {}],
      [withFrozenLayer, {}],
      // Class weights become per-sample weights of the loss.
      [plain, { classWeight: { 0: 1, 1: 3 } }],
    ];
    for (const [model, fitArgs] of cases) {
      const kernels = await kernelsOfOneStep(model, xs, ys, fitArgs);
      expect(kernels.some((name) => TAPED_DENSE_KERNELS.includes(name))).toBe(true);
    }
    // The same model on the CPU backend: tfjs' own training, with its own kernels.
    await tf.setBackend('cpu');
    const onCpu = regression();
    expect(await kernelsOfOneStep(onCpu, xs, ys)).toContain('BatchMatMul');
    await tf.setBackend('wasm');
    tf.dispose([xs, ys]);
    [withDropout, withRegularizer, withAddedLoss, withOwnLoss, withOwnOptimizer, withFrozenLayer, plain, onCpu].forEach((model) => model.dispose());
  });

  it('is what the backend benchmark measures on wasm, so the automatic choice counts it', async () => {
    await tf.setBackend('wasm');
    const profile = await tf.profile(async () => {
      await measureTrainingSpeed(tf, 20);
    });
    const kernels = profile.kernels.map((kernel) => kernel.name);
    expect(kernels.length).toBeGreaterThan(0);
    expect(kernels.filter((name) => TAPED_DENSE_KERNELS.includes(name))).toEqual([]);
  });

  it('frees everything a step allocates, over repeated fits', async () => {
    await withEachFusedModel(async (model, xs, target) => {
      await model.fit(xs, target, { epochs: 1, batchSize: 16, verbose: 0 });
      const before = { tensors: tf.memory().numTensors, data: tf.backend().numDataIds() };
      await model.fit(xs, target, { epochs: 3, batchSize: 16, verbose: 0 });
      expect({ tensors: tf.memory().numTensors, data: tf.backend().numDataIds() }).toEqual(before);
    });
  });

  it('keeps a copy taken of the weights unchanged while training goes on', async () => {
    await tf.setBackend('wasm');
    const { xs, ys } = data();
    const model = regression();
    const before = model.getWeights().map((weight) => weight.clone());
    const copies = before.map((weight) => Array.from(weight.dataSync()));
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, verbose: 0 });
    before.forEach((weight, i) => expect(Array.from(weight.dataSync())).toEqual(copies[i]));
    expect(Array.from((model.getWeights()[0] as tf.Tensor).dataSync())).not.toEqual(copies[0]);
    tf.dispose([xs, ys, ...before]);
    model.dispose();
  });
});
