import { beforeAll, describe, expect, it } from 'vitest';
import { fitPipeline, computeReferenceStats } from '../../preprocess';
import { modelFilesFrom, type ModelFiles } from '../model-files';
import { checkTestVectors } from './artifact-loader';
import type { ServingVersion } from './serving';
import { loadModel, loadTensorflow, ModelLoadError, type Tf } from './tf-model';

let tf: Tf;
let files: ModelFiles;
let reference: number[];
const input = Float32Array.from([0.5, -1, 2, 1, 0, -0.5]);

async function saved(model: import('@tensorflow/tfjs').LayersModel): Promise<ModelFiles> {
  let artifacts: import('@tensorflow/tfjs').io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (saving) => {
      artifacts = saving;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('the model was not saved');
  return modelFilesFrom(artifacts);
}

const reader = (weights: Uint8Array) => async (path: string) => {
  if (path !== 'weights.bin') throw new Error(`unexpected weight file ${path}`);
  return weights;
};

beforeAll(async () => {
  tf = await loadTensorflow();
  // Seeded, with a positive bias: every relu unit is live for the test input, so scrambled
  // weights always change the prediction (a random draw could switch them all off: softmax of
  // zeros whatever the weights, which made the scramble test fail about once in a few hundred).
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3], kernelInitializer: seeded(11), biasInitializer: tf.initializers.constant({ value: 3 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: seeded(12) }),
    ],
  });
  files = await saved(model);
  reference = tf.tidy(() => Array.from((model.predict(tf.tensor2d(input, [2, 3])) as import('@tensorflow/tfjs').Tensor).dataSync()));
});

describe('loadModel', () => {
  it('runs on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  it('loads model.json and weights.bin through its own IOHandler and predicts like the saved model', async () => {
    const runner = await loadModel(tf, files.modelJson, reader(files.weights));
    expect(runner).toMatchObject({ inputWidth: 3, outputWidth: 2 });
    const output = runner.predict(input, 2);
    expect(output).toHaveLength(4);
    output.forEach((value, index) => expect(value).toBeCloseTo(reference[index] as number, 6));
  });

  it('answers a batch of more than 32 rows in one call, in inference mode (dropout off), as model.predict does', async () => {
    const withDropout = tf.sequential({
      layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 2, activation: 'softmax' })],
    });
    const rows = 70;
    const batch = Float32Array.from({ length: rows * 3 }, (_, index) => Math.sin(index) * 2);
    const expected = tf.tidy(() => Array.from((withDropout.predict(tf.tensor2d(batch, [rows, 3])) as import('@tensorflow/tfjs').Tensor).dataSync()));
    const { modelJson, weights } = await saved(withDropout);
    const output = (await loadModel(tf, modelJson, reader(weights))).predict(batch, rows);
    expect(output).toHaveLength(rows * 2);
    output.forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 6));
  });

  it('keeps no tensor after a prediction, so a long-running server does not leak', async () => {
    const runner = await loadModel(tf, files.modelJson, reader(files.weights));
    runner.predict(input, 2);
    const before = tf.memory().numTensors;
    for (let call = 0; call < 5; call++) runner.predict(input, 2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses weights of the wrong size, saying how many bytes it found and needed', async () => {
    const short = files.weights.subarray(0, files.weights.length - 4);
    await expect(loadModel(tf, files.modelJson, reader(short))).rejects.toThrow(ModelLoadError);
    await expect(loadModel(tf, files.modelJson, reader(short))).rejects.toThrow(`the weight files hold ${short.length} bytes but model.json's weightsManifest describes ${files.weights.length}`);
  });

  it('refuses a model.json that is not a layers model', async () => {
    await expect(loadModel(tf, { format: 'graph-model' }, reader(files.weights))).rejects.toThrow('model.json: expected a tfjs layers model with a modelTopology');
    await expect(loadModel(tf, { ...files.modelJson, weightsManifest: {} }, reader(files.weights))).rejects.toThrow('weightsManifest must be an array');
  });

  it('throws when the model answers NaN, so the fallback can take over', async () => {
    const poisoned = new Float32Array(files.weights.length / 4).fill(Number.NaN);
    const runner = await loadModel(tf, files.modelJson, reader(new Uint8Array(poisoned.buffer)));
    expect(() => runner.predict(input, 2)).toThrow('the model produced NaN for row 0');
  });
});

describe('checkTestVectors', () => {
  const pipeline = fitPipeline([{ a: 0.5, b: -1, c: 2 }, { a: 1, b: 0, c: -0.5 }], { passthrough: ['a', 'b', 'c'] });
  const vectors = { inputs: [{ a: 0.5, b: -1, c: 2 }, { a: 1, b: 0, c: -0.5 }], outputs: [] as number[][] };

  async function serving(weights: Uint8Array): Promise<ServingVersion> {
    return { version: 1, pipeline, signature: { inputs: pipeline.inputs, outputs: [{ name: 'p', meaning: 'probabilities' }] }, reference: computeReferenceStats(pipeline, vectors.inputs), model: await loadModel(tf, files.modelJson, reader(weights)) };
  }

  it('passes a model that reproduces the recorded outputs', async () => {
    const outputs = [reference.slice(0, 2), reference.slice(2, 4)];
    const version = await serving(files.weights);
    expect(() => checkTestVectors(version, { ...vectors, outputs }, 1e-4)).not.toThrow();
  });

  it('refuses a model whose weights no longer reproduce them, naming the vector and the difference', async () => {
    const outputs = [reference.slice(0, 2), reference.slice(2, 4)];
    const scrambled = Uint8Array.from(files.weights, (byte, index) => (index % 4 === 3 ? byte ^ 0x01 : byte));
    const version = await serving(scrambled);
    expect(() => checkTestVectors(version, { ...vectors, outputs }, 1e-4)).toThrow(/test vector 0, output 0: the model predicts .* but the notebook recorded .*the weights do not reproduce the trained model/);
  });
});
