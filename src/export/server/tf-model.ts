/**
 * TensorFlow.js on its WebAssembly backend, in Node, and a layers model loaded from the artifact's
 * files through a custom IOHandler (tf.io's file:// handler lives in tfjs-node, which the artifact
 * does not ship: its native binary would tie the image to one platform).
 */
import { createRequire } from 'node:module';
import type * as TfjsCore from '@tensorflow/tfjs-core';
import type * as TfjsLayers from '@tensorflow/tfjs-layers';
import { isWeightsManifest, totalWeightBytes, type WeightsGroup } from './weights';

/** tfjs-core and tfjs-layers together: what the server uses of @tensorflow/tfjs. */
export type Tf = typeof TfjsCore & typeof TfjsLayers;

/**
 * The packages the server loads. @tensorflow/tfjs would load its converter, data, CPU and WebGL
 * packages too, doubling the start-up time; core and layers are its own dependencies, which the
 * artifact's package-lock.json installs at the top of node_modules.
 */
export const TFJS_RUNTIME_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm'] as const;

/** A model ready to score rows that the pipeline has already turned into numbers. */
export type ModelRunner = {
  inputWidth: number;
  outputWidth: number;
  /** values: rows × inputWidth, row-major; returns rows × outputWidth. Throws on non-finite output. */
  predict(values: Float32Array, rows: number): Float32Array;
};

export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

let tensorflow: Promise<Tf> | null = null;

/**
 * Loads tfjs with the wasm backend once per process. require, not import: Node's ESM loader scans
 * tfjs' multi-megabyte CommonJS bundles for export names first, which doubles the start-up time.
 * The wasm backend finds its .wasm files next to its own dist/ in node_modules.
 */
export function loadTensorflow(): Promise<Tf> {
  tensorflow ??= (async () => {
    const require = createRequire(import.meta.url);
    const [core, layers] = TFJS_RUNTIME_PACKAGES.map((name) => require(name) as object);
    const tf = { ...core, ...layers } as Tf;
    if (!(await tf.setBackend('wasm'))) throw new ModelLoadError('the tfjs wasm backend failed to start');
    await tf.ready();
    return tf;
  })();
  return tensorflow;
}

function readWeightsManifest(modelJson: Record<string, unknown>): WeightsGroup[] {
  if (!isWeightsManifest(modelJson.weightsManifest)) throw new ModelLoadError('model.json: weightsManifest must be an array of {paths, weights}');
  return modelJson.weightsManifest;
}

/** model.json plus its weight files (read by `readFile`, relative to model.json) as tfjs model artifacts. */
async function modelArtifacts(modelJson: unknown, readFile: (path: string) => Promise<Uint8Array>): Promise<TfjsCore.io.ModelArtifacts> {
  if (typeof modelJson !== 'object' || modelJson === null || typeof (modelJson as { modelTopology?: unknown }).modelTopology !== 'object') {
    throw new ModelLoadError('model.json: expected a tfjs layers model with a modelTopology');
  }
  const json = modelJson as Record<string, unknown>;
  const groups = readWeightsManifest(json);
  const weightSpecs = groups.flatMap((group) => group.weights);
  const files = await Promise.all(groups.flatMap((group) => group.paths.map((path) => readFile(path))));
  const size = files.reduce((total, file) => total + file.byteLength, 0);
  const expected = totalWeightBytes(weightSpecs);
  if (size !== expected) throw new ModelLoadError(`the weight files hold ${size} bytes but model.json's weightsManifest describes ${expected}`);
  const weightData = new Uint8Array(size);
  let offset = 0;
  for (const file of files) {
    weightData.set(file, offset);
    offset += file.byteLength;
  }
  return {
    modelTopology: json.modelTopology as TfjsCore.io.ModelArtifacts['modelTopology'],
    weightSpecs: weightSpecs as TfjsCore.io.WeightsManifestEntry[],
    weightData: weightData.buffer,
    format: typeof json.format === 'string' ? json.format : undefined,
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : undefined,
  };
}

function widthOf(shape: readonly (number | null)[], what: string): number {
  const width = shape[1];
  if (shape.length !== 2 || typeof width !== 'number') throw new ModelLoadError(`the model's ${what} must have shape [batch, width], got [${shape.join(', ')}]`);
  return width;
}

export async function loadModel(tf: Tf, modelJson: unknown, readFile: (path: string) => Promise<Uint8Array>): Promise<ModelRunner> {
  const artifacts = await modelArtifacts(modelJson, readFile);
  const model = await tf.loadLayersModel({ load: async () => artifacts });
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ModelLoadError(`the model must have one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  }
  const inputWidth = widthOf((model.inputs[0] as TfjsLayers.SymbolicTensor).shape, 'input');
  const symbolicOutput = model.outputs[0] as TfjsLayers.SymbolicTensor;
  const outputWidth = widthOf(symbolicOutput.shape, 'output');
  const outputName = symbolicOutput.name;
  return {
    inputWidth,
    outputWidth,
    predict(values, rows) {
      // execute() runs the same layer graph as predict(), without predict()'s per-call input checks
      // and its split into batches of 32 (then concatenated): half the cost of a small model's call.
      // tidy() returns the output tensor, read afterwards: given the Float32Array itself, tidy would
      // walk it element by element looking for tensors to keep, which costs more than the model.
      const output = tf.tidy(() => model.execute(tf.tensor2d(values, [rows, inputWidth], 'float32'), outputName) as TfjsCore.Tensor);
      const predicted = output.dataSync() as Float32Array;
      output.dispose();
      for (let index = 0; index < predicted.length; index++) {
        if (!Number.isFinite(predicted[index])) throw new Error(`the model produced ${predicted[index]} for row ${Math.floor(index / outputWidth)}`);
      }
      return predicted;
    },
  };
}
